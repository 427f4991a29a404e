"""Request ids, JSON logs without personal data, /metrics behind a token, no SQL values in logs."""

import importlib.util
import json
import logging

import pytest
from sqlalchemy.exc import IntegrityError

from spt import create_app, observability
from spt.config import UnsafeConfigError
from spt.db import get_db
from spt.models import User


def _json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


@pytest.fixture
def json_app(app):
    observability.configure_logging("json")
    yield app
    observability.configure_logging(app.config["LOG_FORMAT"])


def test_each_request_logs_one_json_line_with_its_id_and_route_never_the_query(json_app, capsys):
    client = json_app.test_client()
    response = client.get("/inloggen?email=kees%40example.nl&next=/kandidaat/")
    line = [e for e in _json_lines(capsys.readouterr().err) if e["logger"] == "spt.request"][-1]
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert line["route"] == "/inloggen" and line["status"] == response.status_code
    assert "kees" not in json.dumps(line) and "example.nl" not in json.dumps(line)


@pytest.mark.parametrize("given", ["kort", "x" * 65, "abc def-ghijkl;",
                                   "<script>alert(1)</script>"])
def test_a_malformed_request_id_from_outside_is_replaced(client, given):
    answered = client.get("/", headers={"X-Request-ID": given}).headers["X-Request-ID"]
    assert answered != given and len(answered) == 32


def test_a_well_formed_request_id_from_the_proxy_is_kept(client):
    response = client.get("/", headers={"X-Request-ID": "proxy-7f3a9c1e"})
    assert response.headers["X-Request-ID"] == "proxy-7f3a9c1e"


def test_metrics_need_the_token_and_count_requests_per_route(app):
    client = app.test_client()
    assert client.get("/metrics").status_code == 404  # off without a token
    app.config["METRICS_TOKEN"] = "s3cr3t-metrics-token"
    client.get("/inloggen")
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer fout"}).status_code == 404
    body = client.get("/metrics", headers={"Authorization": "Bearer s3cr3t-metrics-token"})
    assert body.status_code == 200
    text = body.get_data(as_text=True)
    assert 'spt_request_seconds_count{method="GET",route="/inloggen",status="200"}' in text
    assert "spt_mail_backlog" in text


@pytest.mark.parametrize("log_format", ["json", "text"])
def test_a_failing_statement_never_carries_its_values_into_the_log(app, make_user, capsys,
                                                                  log_format):
    make_user("candidate", email="fatma@example.nl")
    observability.configure_logging(log_format)
    with app.app_context():
        db = get_db()
        db.add(User(email="fatma@example.nl", password_hash="x", role="candidate"))
        try:
            db.commit()
        except IntegrityError:
            logging.getLogger("spt").exception("Opslaan mislukt voor fatma@example.nl")
        db.rollback()
    observability.configure_logging(app.config["LOG_FORMAT"])
    logged = capsys.readouterr().err
    assert "IntegrityError" in logged  # the failure is there ...
    assert "fatma" not in logged  # ... without the address, in the message or the database's detail


def test_production_logs_json_unless_told_otherwise():
    base = {"SPT_ENV": "production", "SECRET_KEY": "9f2c4e7a1b8d3f6e0a5c2b9d7e4f1a3c",
            "DATABASE_URL": "sqlite://", "BASE_URL": "https://match.example.nl",
            "MAIL_URL": "smtp://localhost"}
    assert create_app(base).config["LOG_FORMAT"] == "json"
    assert create_app(base | {"LOG_FORMAT": "text"}).config["LOG_FORMAT"] == "text"
    assert create_app({"DATABASE_URL": "sqlite://"}).config["LOG_FORMAT"] == "text"


def test_a_sentry_dsn_without_the_package_refuses_to_start():
    if importlib.util.find_spec("sentry_sdk") is not None:
        pytest.skip("sentry-sdk is installed here; the refusal is for installs without it")
    with pytest.raises(UnsafeConfigError, match="SPT_SENTRY_DSN"):
        create_app({"DATABASE_URL": "sqlite://", "SENTRY_DSN": "https://k@sentry.example/1"})
