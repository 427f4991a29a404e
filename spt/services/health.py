"""The health of each part the app depends on, for /healthz and a load balancer.

Required: the database answers and its schema is at the code's revision (else 503). Optional:
Redis (job queue, shared rate limits) and a worker on the queue: without them the app still
serves (rate limits count per process, rounds run in the request), so they make it "degraded".
"""

import time
from functools import cache

from alembic.config import Config
from alembic.script import ScriptDirectory
from flask import Flask
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Worker
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlmodel import Session, col, func, select

from spt.db import get_engine
from spt.extensions import limiter
from spt.migrate import MIGRATIONS
from spt.models import OutboxMessage

STATEMENT_TIMEOUT_MS = 2000
REDIS_TIMEOUT_S = 1


@cache
def code_revision() -> str:
    """The newest migration this code ships (Alembic's head)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def _database(engine: Engine) -> tuple[dict, dict]:
    started = time.monotonic()
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}")
            connection.execute(text("SELECT 1"))
            revision = None
            if inspect(connection).has_table("alembic_version"):
                revision = connection.execute(text("SELECT version_num FROM alembic_version")
                                              ).scalar()
    except (DBAPIError, PoolTimeoutError) as error:
        return ({"status": "unavailable", "error": type(error.__cause__ or error).__name__},
                {"status": "unknown", "expected": code_revision()})
    database = {"status": "ok", "ms": round((time.monotonic() - started) * 1000)}
    expected = code_revision()
    schema = {"status": "ok" if revision == expected else "behind", "revision": revision,
              "expected": expected}
    return database, schema


def _redis(app: Flask) -> tuple[dict, dict]:
    url = app.config["REDIS_URL"]
    if not url:
        return {"status": "not_configured"}, {"status": "not_configured"}
    client = app.extensions.get("spt_health_redis")
    if client is None:
        client = app.extensions["spt_health_redis"] = Redis.from_url(
            url, socket_connect_timeout=REDIS_TIMEOUT_S, socket_timeout=REDIS_TIMEOUT_S)
    try:
        client.ping()
        queue = Queue(app.config["JOBS_QUEUE"], connection=client)
        workers, waiting = Worker.count(queue=queue), queue.count
    except RedisError as error:
        return {"status": "unavailable", "error": type(error).__name__}, {"status": "unknown"}
    worker = {"status": "ok" if workers else "no_worker", "workers": workers, "queued": waiting}
    return {"status": "ok"}, worker


def _rate_limits(app: Flask) -> dict:
    shared = not app.config["RATELIMIT_STORAGE_URI"].startswith("memory")
    if not shared:
        return {"status": "ok", "storage": "memory"}
    dead = getattr(limiter, "_storage_dead", False)
    return {"status": "memory_fallback" if dead else "ok", "storage": "redis"}


def check(app: Flask, engine: Engine) -> dict:
    """Every part's state and the overall status: ok, degraded or unavailable."""
    database, schema = _database(engine)
    redis, worker = _redis(app)
    components = {"database": database, "schema": schema, "redis": redis, "worker": worker,
                  "rate_limits": _rate_limits(app)}
    if database["status"] != "ok" or schema["status"] != "ok":
        status = "unavailable"
    elif any(c["status"] not in ("ok", "not_configured") for c in components.values()):
        status = "degraded"
    else:
        status = "ok"
    return {"status": status, "components": components}


def backlogs(app: Flask) -> tuple[int | None, int]:
    """Jobs waiting on the queue (None without a reachable Redis) and mails not sent yet."""
    _redis_state, worker = _redis(app)
    depth = worker.get("queued")
    if not app.config["MAIL_URL"] or app.config["MAIL_URL"].startswith("console"):
        return depth, 0  # without SMTP the outbox is the admin's mailbox, not a backlog
    with Session(get_engine()) as db:
        backlog = db.exec(select(func.count()).select_from(OutboxMessage)
                          .where(col(OutboxMessage.sent_at).is_(None))).one()
    return depth, int(backlog)
