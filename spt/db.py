"""The database engine per app, a session per app context, timeouts and row locks."""

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import current_app, g
from sqlalchemy import any_, bindparam, event, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, create_engine

from spt.db_watchdog import StatementWatchdog

POOL_TIMEOUT_S = 5
# After a failed connect, other requests fail at once for this long instead of each waiting
# the connect timeout on a database that hangs (with 2 sync workers they would queue behind it).
RETRY_AFTER_FAILURE_S = 2
# A transaction left open by a stuck process releases its locks after this long.
IDLE_IN_TRANSACTION_MS = 60_000


@dataclass(frozen=True)
class Timeouts:
    """How long a request may wait for the database before it gets the Dutch 503 page.

    Together they stay under 5 s: connecting gives up after `connect_s`, a statement after
    `statement_ms` and waiting for a lock (SQLite: the busy timeout) after `lock_ms`.
    0 turns the statement or lock timeout off (for `spt backup`, `restore`, migrations).
    """

    connect_s: int = 2
    statement_ms: int = 3000
    lock_ms: int = 2000

    @classmethod
    def from_config(cls, config) -> "Timeouts":
        return cls(connect_s=config["DB_CONNECT_TIMEOUT"],
                   statement_ms=config["DB_STATEMENT_TIMEOUT_MS"],
                   lock_ms=config["DB_LOCK_TIMEOUT_MS"])


def make_engine(url: str, timeouts: Timeouts = Timeouts()) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        busy_ms = timeouts.lock_ms or 60_000
        # hide_parameters: SQL errors in the log never show the values (e-mail addresses).
        engine = create_engine(url, hide_parameters=True,
                               connect_args={"check_same_thread": False,
                                             "timeout": busy_ms / 1000})
        event.listen(engine, "connect", lambda connection, record: _sqlite_pragmas(
            connection, record, busy_ms))
        return engine
    # pool_pre_ping drops connections that died while the database was away, so the app recovers
    # on its own when it returns; pool_recycle outlives idle-connection cut-offs of proxies.
    # tcp_user_timeout: a connection whose server stopped acknowledging (host gone) breaks
    # after the connect timeout instead of the kernel's many minutes. Times are UTC on every
    # connection, whatever the server's TimeZone.
    options = (f"-c statement_timeout={timeouts.statement_ms} -c lock_timeout={timeouts.lock_ms}"
               f" -c idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION_MS}"
               " -c TimeZone=UTC")
    engine = create_engine(url, hide_parameters=True, pool_pre_ping=True, pool_size=5,
                           max_overflow=5,
                           pool_timeout=POOL_TIMEOUT_S, pool_recycle=1800,
                           connect_args={"connect_timeout": timeouts.connect_s,
                                         "tcp_user_timeout": timeouts.connect_s * 1000,
                                         "options": options})
    event.listen(engine, "do_connect", ConnectBreaker(timeouts.connect_s))
    if timeouts.statement_ms:
        # A server that accepts but never answers (frozen, not gone) is cut off by the client.
        StatementWatchdog(timeouts.statement_ms / 1000 + 0.5, ping_s=1).watch(engine)
    return engine


class ConnectBreaker:
    """After a failed connect, fail new connections at once; one request at a time retries."""

    def __init__(self, connect_s: int = 3):
        self._lock = threading.Lock()
        self._failing = False
        self._retry_at = 0.0  # monotonic time of the next real attempt while failing
        self._connect_s = connect_s

    def __call__(self, dialect, _record, cargs, cparams):
        error = dialect.loaded_dbapi.OperationalError
        with self._lock:
            if self._failing:
                now = time.monotonic()
                if now < self._retry_at:
                    raise error("database unavailable: a connection attempt failed just now")
                self._retry_at = now + self._connect_s + 1  # the others wait for this try
        try:
            connection = dialect.connect(*cargs, **cparams)
        except error:
            with self._lock:
                self._failing, self._retry_at = True, time.monotonic() + RETRY_AFTER_FAILURE_S
            raise
        with self._lock:
            self._failing = False
        return connection


def _sqlite_pragmas(dbapi_connection, record, busy_ms: int) -> None:
    # The audit log's DELETE trigger asks this function whether the bypass is open (SQLite has
    # no session settings); spt.services.audit.database_bypass flips it per connection.
    state = record.info.setdefault("spt_audit_bypass", [False])
    dbapi_connection.create_function("spt_audit_bypass", 0, lambda: int(state[0]))
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def among(db: Session, column, values):
    """``column IN values`` as one bound parameter, so a statement never grows with the table.

    PostgreSQL refuses more than 65,535 parameters and SQLite 32,766: an IN list of ids read from
    a big table breaks both. PostgreSQL gets ``= ANY(:array)``, SQLite a JSON array it unpacks.
    """
    values = [v.item() if hasattr(v, "item") else v for v in values]  # numpy scalars too
    if db.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(column.type)))
    unpacked = func.json_each(json.dumps(values)).table_valued("value")
    return column.in_(select(unpacked.c.value))


def lock_rows(db: Session, model, ids) -> None:
    """Hold these rows until the transaction ends, so a check and its write see the same data.

    PostgreSQL locks the rows (SELECT ... FOR UPDATE, in id order against deadlocks); SQLite has
    one write lock for the whole file, taken here before anything is read (BEGIN IMMEDIATE).
    Read what the check needs after this call.
    """
    if db.get_bind().dialect.name == "sqlite":
        _sqlite_write_transaction(db)
        return
    wanted = sorted(set(ids))
    db.exec(select(model.id).where(among(db, col(model.id), wanted)).order_by(model.id)
            .with_for_update()).all()


def _sqlite_write_transaction(db: Session) -> None:
    """Open the caller's SQLite transaction now, with the write lock (BEGIN IMMEDIATE).

    pysqlite starts a transaction only at the first write; until then each read stands alone.
    """
    db.flush()
    raw = db.connection().connection.dbapi_connection
    if not raw.in_transaction:  # a transaction that wrote already holds the write lock
        raw.execute("BEGIN IMMEDIATE")


@contextmanager
def savepoint(db: Session) -> Iterator[None]:
    """A savepoint in the caller's transaction: a failure inside undoes only what it wrote.

    On SQLite the transaction is opened first: a SAVEPOINT outside one starts a transaction of
    its own, and releasing it would commit the caller's work so far, half a unit of work.
    """
    if db.get_bind().dialect.name == "sqlite":
        _sqlite_write_transaction(db)
    with db.begin_nested():
        yield


def without_timeouts(connection) -> None:
    """Lift the statement and lock timeouts for this transaction (maintenance commands)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
        connection.exec_driver_sql("SET LOCAL lock_timeout = 0")


def init_app(app) -> None:
    """Create the app's engine and close the session at teardown."""
    app.extensions["spt_engine"] = make_engine(app.config["DATABASE_URL"],
                                               Timeouts.from_config(app.config))
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
