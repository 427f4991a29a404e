"""The database engine per app and a session per app context."""

import threading
import time

from flask import current_app, g
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

SQLITE_BUSY_TIMEOUT_MS = 5000
# A database outage must become a 503 page within 5 s, not a hung worker: connecting gives up
# after 3 s and waiting for a free pooled connection after 5 s.
CONNECT_TIMEOUT_S = 3
POOL_TIMEOUT_S = 5
# After a failed connect, other requests fail at once for this long instead of each waiting
# CONNECT_TIMEOUT_S on a database that hangs (with 2 sync workers they would queue behind it).
RETRY_AFTER_FAILURE_S = 2


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 5})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # pool_pre_ping drops connections that died while the database was away, so the app recovers
    # on its own when it returns; pool_recycle outlives idle-connection cut-offs of proxies.
    # tcp_user_timeout: a connection whose server stopped acknowledging (host gone) breaks
    # after 3 s instead of the kernel's many minutes.
    engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5,
                           pool_timeout=POOL_TIMEOUT_S, pool_recycle=1800,
                           connect_args={"connect_timeout": CONNECT_TIMEOUT_S,
                                         "tcp_user_timeout": CONNECT_TIMEOUT_S * 1000})
    event.listen(engine, "do_connect", ConnectBreaker())
    return engine


class ConnectBreaker:
    """After a failed connect, fail new connections at once; one request at a time retries."""

    def __init__(self):
        self._lock = threading.Lock()
        self._failing = False
        self._retry_at = 0.0  # monotonic time of the next real attempt while failing

    def __call__(self, dialect, _record, cargs, cparams):
        error = dialect.loaded_dbapi.OperationalError
        with self._lock:
            if self._failing:
                now = time.monotonic()
                if now < self._retry_at:
                    raise error("database unavailable: a connection attempt failed just now")
                self._retry_at = now + CONNECT_TIMEOUT_S + 1  # the others wait for this try
        try:
            connection = dialect.connect(*cargs, **cparams)
        except error:
            with self._lock:
                self._failing, self._retry_at = True, time.monotonic() + RETRY_AFTER_FAILURE_S
            raise
        with self._lock:
            self._failing = False
        return connection


def _sqlite_pragmas(dbapi_connection, record) -> None:
    # The audit log's DELETE trigger asks this function whether the bypass is open (SQLite has
    # no session settings); spt.services.audit.database_bypass flips it per connection.
    state = record.info.setdefault("spt_audit_bypass", [False])
    dbapi_connection.create_function("spt_audit_bypass", 0, lambda: int(state[0]))
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def init_app(app) -> None:
    """Create the app's engine and close the session at teardown."""
    app.extensions["spt_engine"] = make_engine(app.config["DATABASE_URL"])
    app.teardown_appcontext(close_db)


def get_engine() -> Engine:
    """Return the current app's engine."""
    return current_app.extensions["spt_engine"]


def get_db() -> Session:
    """Return the database session of this app context, opening it on first use."""
    if "db" not in g:
        g.db = Session(get_engine(), expire_on_commit=False)
    return g.db


def close_db(_exc=None) -> None:
    """Close the session of this app context, rolling back what was not committed."""
    db = g.pop("db", None)
    if db is not None:
        db.close()
