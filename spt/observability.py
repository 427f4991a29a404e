"""Logs, request ids and metrics: what operations see, without personal data.

Every log line carries a request id (web: the proxy's `X-Request-ID` when it is well formed, else a
new one; worker: the job id; CLI: one per command). `SPT_LOG_FORMAT=json` writes one JSON object a
line. A request is logged by its route (`/kandidaat/<int:candidate_id>`), never its query string.
`/metrics` serves Prometheus counters and histograms to holders of `SPT_METRICS_TOKEN` only; with
several gunicorn workers set PROMETHEUS_MULTIPROC_DIR to an empty folder so they add up.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import re
import sys
import time
import uuid
from contextvars import ContextVar

from flask import Flask, Response, abort, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

from spt.services import health

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
# Outside a request or job (a CLI command, a worker starting) the process's own id is used.
_request_id: ContextVar[str] = ContextVar("spt_request_id", default="run-" + uuid.uuid4().hex[:12])

REQUEST_SECONDS = Histogram("spt_request_seconds", "Time to answer a request, per route",
                            ("route", "method", "status"))
ROUND_SECONDS = Histogram("spt_round_seconds", "Time to compute a match round",
                          buckets=(0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600))
QUEUE_DEPTH = Gauge("spt_queue_depth", "Jobs waiting on the background queue",
                    multiprocess_mode="mostrecent")
MAIL_BACKLOG = Gauge("spt_mail_backlog", "Mails in the outbox not sent yet",
                     multiprocess_mode="mostrecent")
ERRORS = Counter("spt_unhandled_errors", "Requests that ended in an unhandled error")


def current_request_id() -> str:
    """The id of the request or job being handled, else of this process (a CLI command)."""
    return _request_id.get()


def bind_request_id(value: str | None = None) -> str:
    """Use ``value`` (when well formed) or a new id for what this thread does next."""
    chosen = value if value and _VALID_ID.fullmatch(value) else uuid.uuid4().hex
    _request_id.set(chosen)
    return chosen


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every record as ``request_id``."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


# PostgreSQL's error details quote the values ("Key (email)=(fatma@...) already exists").
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_KEY_VALUES = re.compile(r"(Key \([^)]*\))=\((.*?)\)")


def redact(text: str) -> str:
    """``text`` without e-mail addresses and without the values in database error details."""
    return _EMAIL.sub("<e-mail>", _KEY_VALUES.sub(r"\1=(...)", text))


class TextFormatter(logging.Formatter):
    """Lines for people, with the request id, redacted."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request id, exception; redacted."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
                 "level": record.levelname, "logger": record.name,
                 "message": redact(record.getMessage()),
                 "request_id": getattr(record, "request_id", current_request_id())}
        for key in ("route", "method", "status", "ms"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class _Stderr(logging.StreamHandler):
    """A handler on whatever ``sys.stderr`` is when a record is written."""

    @property  # type: ignore[override]
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def configure_logging(log_format: str, level: str = "INFO") -> None:
    """Send the app's, the worker's and SQLAlchemy's logs to stderr in ``log_format``."""
    handler = _Stderr()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers = [h for h in root.handlers if not getattr(h, "spt_handler", False)]
    handler.spt_handler = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    # SQL statements and their parameters (e-mail addresses) never reach the log.
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)


def init_app(app: Flask) -> None:
    """Request ids, one log line per request, metrics and the optional error tracker."""
    log = logging.getLogger("spt.request")

    @app.before_request
    def _start() -> None:
        g.request_id = bind_request_id(request.headers.get(REQUEST_ID_HEADER))
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        response.headers[REQUEST_ID_HEADER] = g.get("request_id", current_request_id())
        started = g.get("request_started")
        if started is not None and request.endpoint != "metrics":
            route = request.url_rule.rule if request.url_rule else "(geen route)"
            seconds = time.perf_counter() - started
            REQUEST_SECONDS.labels(route, request.method, str(response.status_code)).observe(
                seconds)
            log.info("%s %s %s", request.method, route, response.status_code,
                     extra={"route": route, "method": request.method,
                            "status": response.status_code, "ms": round(seconds * 1000, 1)})
        return response

    @app.get("/metrics", endpoint="metrics")
    def metrics() -> Response:
        token = app.config.get("METRICS_TOKEN") or ""
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not token or not hmac.compare_digest(given.encode(), token.encode()):
            abort(404)  # not "forbidden": the endpoint's existence is nobody else's business
        _sample_backlogs(app)
        return Response(_exposition(), mimetype=CONTENT_TYPE_LATEST)

    if app.config.get("SENTRY_DSN"):
        _init_sentry(app.config["SENTRY_DSN"], app.config["SPT_ENV"])


def _exposition() -> bytes:
    """This process's metrics, or every gunicorn worker's when they share a metrics folder."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return generate_latest()
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return generate_latest(registry)


def _sample_backlogs(app: Flask) -> None:
    """Read the queue depth and the mail backlog at scrape time."""
    depth, backlog = health.backlogs(app)
    if depth is not None:
        QUEUE_DEPTH.set(depth)
    MAIL_BACKLOG.set(backlog)


def _init_sentry(dsn: str, environment: str) -> None:
    """Report unhandled errors to Sentry, without request bodies, cookies or user data."""
    # The optional extra `pip install spt-match[sentry]`: imported only when a DSN is set.
    import sentry_sdk  # noqa: PLC0415
    from sentry_sdk.integrations.flask import FlaskIntegration  # noqa: PLC0415

    sentry_sdk.init(dsn=dsn, environment=environment, integrations=[FlaskIntegration()],
                    send_default_pii=False, max_request_body_size="never",
                    traces_sample_rate=0.0)
