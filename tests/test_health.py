"""The health check: each part on its own, 503 when a required part is down (load balancers)."""


import pytest

from spt import migrate
from spt.db import get_engine
from tests.factories import make_candidate
from tests.isolation import redis_test_url

REDIS_URL = redis_test_url()


def test_healthz_reports_each_part_without_login_or_cookie(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json["status"] == "ok"
    parts = response.json["components"]
    assert parts["database"]["status"] == "ok" and parts["schema"]["status"] == "ok"
    assert parts["schema"]["revision"] == parts["schema"]["expected"]
    assert parts["redis"]["status"] == parts["worker"]["status"] == "not_configured"
    assert "Set-Cookie" not in response.headers


def test_a_schema_behind_the_code_gives_503_on_healthz_and_pages(app, client, advisor):
    make_candidate(app)
    with app.app_context():
        migrate.downgrade(get_engine(), "0002")
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json["status"] == "unavailable"
    schema = response.json["components"]["schema"]
    assert (schema["status"], schema["revision"]) == ("behind", "0002")
    page = client.get("/adviseur/pipeline")  # reads candidate.version, a column it lacks
    assert page.status_code == 503 and "Even niet beschikbaar" in page.get_data(as_text=True)
    with app.app_context():
        migrate.upgrade(get_engine())
    assert client.get("/healthz").status_code == 200


def _redis_or_skip():
    redis = pytest.importorskip("redis")
    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis does not answer on 127.0.0.1:6379")
    connection.close()


def test_redis_without_a_worker_is_degraded_not_down(app, client):
    _redis_or_skip()
    app.config["REDIS_URL"] = REDIS_URL
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json["status"] == "degraded"
    parts = response.json["components"]
    assert parts["redis"]["status"] == "ok" and parts["worker"]["status"] == "no_worker"


def test_redis_away_is_reported_but_the_app_stays_in_service(app, client):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json["status"] == "degraded"
    assert response.json["components"]["redis"]["status"] == "unavailable"
