"""A database outage: a Dutch 503 within 5 seconds, and recovery without a restart."""

import os
import time

import pytest
from sqlalchemy.engine import make_url

from bench.load_proxy import TcpProxy
from spt import create_app, migrate
from spt.db import RETRY_AFTER_FAILURE_S, ConnectBreaker, make_engine

PG_URL = os.environ.get("SPT_TEST_DATABASE_URL")
DB_PAGE = "/intake/4"  # reads the certificate catalogue from the database


def _app(url: str):
    return create_app({"TESTING": True, "SECRET_KEY": "test-secret", "DATABASE_URL": url,
                       "RATELIMIT_ENABLED": False, "MFA_REQUIRED": False})


def _timed_get(client, path: str):
    started = time.monotonic()
    response = client.get(path)
    return response, time.monotonic() - started


def assert_unavailable(client) -> None:
    page, seconds = _timed_get(client, DB_PAGE)
    html = page.get_data(as_text=True)
    assert page.status_code == 503 and seconds < 5, (page.status_code, seconds)
    assert "Even niet beschikbaar" in html and page.headers["Retry-After"] == "30"
    health, seconds = _timed_get(client, "/healthz")
    assert (health.status_code, health.json["status"]) == (503, "unavailable")
    assert health.json["components"]["database"]["status"] == "unavailable"
    assert seconds < 5


def assert_available(client) -> None:
    assert client.get("/healthz").json["status"] == "ok"
    assert client.get(DB_PAGE).status_code == 200


def test_sqlite_in_a_missing_folder_gives_503_then_recovers_when_it_appears(tmp_path):
    folder = tmp_path / "missing"
    app = _app(f"sqlite:///{folder}/spt.sqlite")
    client = app.test_client()
    assert_unavailable(client)
    folder.mkdir()
    migrate.upgrade(app.extensions["spt_engine"])
    assert_available(client)
    app.extensions["spt_engine"].dispose()


def test_postgresql_on_a_closed_port_gives_503_within_5_seconds():
    app = _app("postgresql+psycopg://postgres@127.0.0.1:1/test")
    assert_unavailable(app.test_client())
    app.extensions["spt_engine"].dispose()


@pytest.mark.skipif(not PG_URL, reason="needs SPT_TEST_DATABASE_URL (PostgreSQL)")
@pytest.mark.parametrize("blackhole", [False, True], ids=["refused", "hanging"])
def test_postgresql_going_away_gives_503_and_the_app_recovers(app, blackhole):
    url = make_url(app.config["DATABASE_URL"])
    proxy = TcpProxy((url.host or "127.0.0.1", url.port or 5432)).start()
    proxied = _app(url.set(host="127.0.0.1", port=proxy.port).render_as_string(False))
    client = proxied.test_client()
    try:
        assert_available(client)
        proxy.stop()
        proxy.blackhole = blackhole
        if blackhole:
            proxy.start()
        assert_unavailable(client)
        proxy.stop()
        proxy.blackhole = False
        proxy.start()
        # Right after a failure new connections fail at once for 2 s (spt.db.ConnectBreaker).
        deadline = time.monotonic() + 5
        while client.get("/healthz").status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert_available(client)
    finally:
        proxy.stop()
        proxied.extensions["spt_engine"].dispose()


def test_a_logged_in_user_gets_the_503_page_too(app, client, make_user, login, tmp_path):
    login(make_user("candidate"))
    working = app.extensions["spt_engine"]
    app.extensions["spt_engine"] = make_engine(f"sqlite:///{tmp_path}/missing/spt.sqlite")
    try:
        page, seconds = _timed_get(client, "/kandidaat/")
        assert page.status_code == 503 and seconds < 5
        assert "Even niet beschikbaar" in page.get_data(as_text=True)
    finally:
        app.extensions["spt_engine"].dispose()
        app.extensions["spt_engine"] = working
    assert client.get("/kandidaat/").status_code == 200


class FakeDialect:
    """A dialect whose connect fails until told otherwise, counting attempts."""

    class loaded_dbapi:  # the DBAPI module, as SQLAlchemy names it
        OperationalError = type("OperationalError", (Exception,), {})

    def __init__(self):
        self.attempts, self.up = 0, False

    def connect(self, *_args, **_kwargs):
        self.attempts += 1
        if not self.up:
            raise self.loaded_dbapi.OperationalError("connection refused")
        return "connection"


def test_after_a_failed_connect_others_fail_at_once_until_one_retries(monkeypatch):
    now = [100.0]
    monkeypatch.setattr("spt.db.time.monotonic", lambda: now[0])
    dialect, breaker = FakeDialect(), ConnectBreaker()
    for _ in range(3):
        with pytest.raises(dialect.loaded_dbapi.OperationalError):
            breaker(dialect, None, (), {})
    assert dialect.attempts == 1
    now[0] += RETRY_AFTER_FAILURE_S
    dialect.up = True
    assert breaker(dialect, None, (), {}) == "connection"
    assert breaker(dialect, None, (), {}) == "connection" and dialect.attempts == 3
