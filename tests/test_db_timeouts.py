"""A hanging or locked database: the Dutch 503 within 5 s, for logged-in users too, then recovery.

Each fault is made for real: a TCP proxy between app and PostgreSQL that freezes (connections
stay open, nothing comes back), a table lock held by another session, SQLite's write lock held by
another connection. 5 s is the promise to users; the checks allow it, they do not time the code.
"""

import os
import socket
import sqlite3
import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.load_proxy import TcpProxy
from spt import create_app
from spt.db_watchdog import StatementWatchdog
from tests.factories import PASSWORD, make_candidate

PG_URL = os.environ.get("SPT_TEST_DATABASE_URL")
PROMISE_S = 5


def _timed(client, method: str, path: str, **kwargs):
    started = time.monotonic()
    response = client.open(path, method=method, **kwargs)
    return response, time.monotonic() - started


def assert_styled_503(response, seconds: float) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and seconds < PROMISE_S, (response.status_code, seconds)
    assert "Even niet beschikbaar" in page and "style.css" in page and 'lang="nl"' in page


def _login(app, client):
    user_id, _candidate = make_candidate(app, email="samira@example.nl")
    response = client.post("/inloggen", data={"email": "samira@example.nl",
                                              "password": PASSWORD})
    assert response.status_code == 302
    return user_id


def test_sqlite_locked_by_another_writer_gives_the_styled_503_to_a_logged_in_user(app, client):
    if not app.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("SQLite's write lock")
    _login(app, client)
    holder = sqlite3.connect(app.config["DATABASE_URL"].removeprefix("sqlite:///"),
                             isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process writing, and not finishing
    try:
        response, seconds = _timed(client, "POST", "/account/meldingen", data={})
        assert_styled_503(response, seconds)
    finally:
        holder.rollback()
        holder.close()
    assert client.post("/account/meldingen", data={}).status_code in (200, 302)


@pytest.mark.skipif(not PG_URL, reason="needs SPT_TEST_DATABASE_URL (PostgreSQL)")
def test_postgresql_table_lock_gives_the_styled_503_within_5_seconds(app, client):
    _login(app, client)
    holder = create_engine(app.config["DATABASE_URL"])
    with holder.connect() as connection:
        transaction = connection.begin()
        connection.execute(text('LOCK TABLE "user" IN ACCESS EXCLUSIVE MODE'))  # a migration
        try:
            response, seconds = _timed(client, "GET", "/kandidaat/")
            assert_styled_503(response, seconds)
            health, seconds = _timed(client, "GET", "/healthz")
            assert seconds < PROMISE_S  # SELECT 1 needs no table: the database itself answers
        finally:
            transaction.rollback()
    holder.dispose()
    assert client.get("/kandidaat/").status_code == 200


@pytest.mark.skipif(not PG_URL, reason="needs SPT_TEST_DATABASE_URL (PostgreSQL)")
def test_a_frozen_postgresql_gives_503_within_5_seconds_and_the_app_recovers(app):
    url = make_url(app.config["DATABASE_URL"])
    proxy = TcpProxy((url.host or "127.0.0.1", url.port or 5432)).start()
    frozen_app = create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                             "DATABASE_URL": url.set(host="127.0.0.1", port=proxy.port)
                             .render_as_string(False), "RATELIMIT_ENABLED": False,
                             "MFA_REQUIRED": False, "WTF_CSRF_ENABLED": False})
    client = frozen_app.test_client()
    try:
        _login(app, client)  # the users are in the real database; the login goes via the proxy
        assert client.get("/kandidaat/").status_code == 200  # a pooled connection is open
        proxy.freeze()
        response, seconds = _timed(client, "GET", "/kandidaat/")
        assert_styled_503(response, seconds)
        health, seconds = _timed(client, "GET", "/healthz")
        assert health.status_code == 503 and seconds < PROMISE_S
        proxy.stop()  # the frozen connections are cut; the server comes back
        proxy.thaw()
        proxy.start()
        deadline = time.monotonic() + 30
        while client.get("/healthz").status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert client.get("/healthz").status_code == 200
    finally:
        proxy.stop()
        frozen_app.extensions["spt_engine"].dispose()


def test_the_watchdog_cuts_a_statement_that_outlives_its_deadline():
    class Hanging:
        """A driver connection whose socket is a real one the watchdog can shut."""

        def __init__(self):
            self.left, self.right = socket.socketpair()
            self.pgconn = type("PgConn", (), {"socket": self.left.fileno()})()

    watchdog, connection = StatementWatchdog(0.3), Hanging()
    watchdog.start(connection)
    connection.left.settimeout(30)  # a bound: without the watchdog this read would hang
    assert connection.left.recv(1) == b""  # shut down: the blocked read returns at once
    connection.left.close()
    connection.right.close()
