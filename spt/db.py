"""The database engine per app and a session per app context."""

from flask import current_app, g
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

SQLITE_BUSY_TIMEOUT_MS = 5000


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 5})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
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
