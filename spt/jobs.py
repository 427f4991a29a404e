"""Background jobs: on the RQ queue when SPT_REDIS_URL is set, else run at once in the caller.

A job is a registered name and JSON-able keyword arguments. Its function takes the database session
first, like `run_round(db, round_id=7)`; a function with a `progress` parameter also gets a callback
`progress(percent, message="")` whose latest value `status()` (and /api/jobs/<id>) shows. Commit
what the job needs before enqueueing it: the worker reads the database in its own session.

With SPT_REDIS_URL set, `spt worker` runs the jobs (spt/worker.py). Without it (development, demo,
tests) `enqueue` runs the job in a fresh app context before it returns, and `status` knows the
jobs this process ran (the latest 200). When Redis is configured but cannot be reached, the job
also runs in the caller (logged), so starting work never fails on a queue that is away.

A queued job that no worker starts within QUEUED_TTL_S is dropped by RQ; a job that raises is
retried up to JOB_RETRIES times; one that runs longer than JOB_TIMEOUT is killed. Callers that
track jobs (match rounds) see each of these through `status()`: None means the queue lost it.
"""

import importlib
import inspect
import logging
import re
import uuid
from collections import OrderedDict
from collections.abc import Callable

from flask import Flask, current_app, has_app_context
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry, get_current_job
from rq.exceptions import NoSuchJobError
from rq.job import Job

from spt import create_app
from spt.db import get_db
from spt.observability import bind_request_id

log = logging.getLogger(__name__)

# Name -> "module:function", imported when a job runs (so a job can name a module that is
# imported late, and the web process does not import what only workers need).
REGISTRY: dict[str, str] = {
    "match_round": "spt.services.round_jobs:run_round",
}
RESULT_TTL_S = 24 * 3600
FAILURE_TTL_S = 7 * 24 * 3600
QUEUED_TTL_S = 15 * 60
JOB_RETRIES = 2
LOCAL_KEEP = 200
JOB_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")

_local: OrderedDict[str, dict] = OrderedDict()  # in-process jobs (no Redis), newest last
_worker_app: Flask | None = None  # set by spt.worker in the worker process


class UnknownJob(KeyError):
    """Raised for a job name that is not registered."""


def register(name: str, target: str) -> None:
    """Register a job function by import path, "package.module:function"."""
    REGISTRY[name] = target


def _function(name: str) -> Callable:
    try:
        module, attribute = REGISTRY[name].split(":")
    except KeyError as error:
        raise UnknownJob(name) from error
    return getattr(importlib.import_module(module), attribute)


def redis_connection():
    """The Redis client of this app (one per process), or None when jobs run in-process."""
    url = current_app.config["REDIS_URL"]
    if not url:
        return None
    if "spt_redis" not in current_app.extensions:
        current_app.extensions["spt_redis"] = Redis.from_url(
            url, socket_connect_timeout=2, socket_timeout=10)
    return current_app.extensions["spt_redis"]


def queue(connection=None):
    """The RQ queue that `spt worker` serves."""
    return Queue(current_app.config["JOBS_QUEUE"], connection=connection or redis_connection())


def new_id() -> str:
    """A fresh job id (callers that store the id before enqueueing take one here)."""
    return uuid.uuid4().hex


def enqueue(name: str, *, job_id: str | None = None, **kwargs) -> str:
    """Start a registered job and return its id (on the queue, or run before returning)."""
    _function(name)  # an unknown name fails here, in the caller, not later in a worker
    job_id = job_id or new_id()
    connection = redis_connection()
    if connection is not None:
        try:
            job = queue(connection).enqueue_call(
                "spt.jobs.execute", args=(name, kwargs), job_id=job_id,
                timeout=current_app.config["JOB_TIMEOUT"], ttl=QUEUED_TTL_S,
                result_ttl=RESULT_TTL_S, failure_ttl=FAILURE_TTL_S,
                retry=Retry(max=JOB_RETRIES) if JOB_RETRIES else None,
                meta={"name": name, "progress": 0, "message": ""})
            return job.id
        except RedisError as error:
            log.warning("Job queue unreachable (%s): running job %s (%s) in this process",
                        error, job_id, name)
    return _run_here(name, kwargs, job_id)


def is_local(job_id: str) -> bool:
    """Whether this process ran the job itself (no Redis, or Redis was away)."""
    return job_id in _local


def _run_here(name: str, kwargs: dict, job_id: str) -> str:
    state = {"id": job_id, "name": name, "status": "started", "progress": 0, "message": "",
             "result": None, "error": None, "local": True}
    _local[job_id] = state
    while len(_local) > LOCAL_KEEP:
        _local.popitem(last=False)

    def report(percent: int, message: str = "") -> None:
        state.update(progress=_percent(percent), message=message)

    try:
        with current_app.app_context():  # its own session, as in a worker
            state["result"] = _call(name, kwargs, report)
    except Exception as error:  # the caller sees the failure in status(), as with a worker
        log.exception("Job %s (%s) failed", job_id, name)
        state.update(status="failed", error=_short(error))
    else:
        state.update(status="finished", progress=100)
    return job_id


def execute(name: str, kwargs: dict):
    """Run a job inside an app context (the function RQ calls in the worker)."""
    job = get_current_job()
    if job is not None:  # the worker's log lines for this job carry its id
        bind_request_id(job.id)

    def report(percent: int, message: str = "") -> None:
        if job is not None:
            job.meta.update(progress=_percent(percent), message=message)
            job.save_meta()

    app = _worker_app or (current_app._get_current_object() if has_app_context() else None)
    if app is None:
        app = create_app()
    with app.app_context():
        result = _call(name, kwargs, report)
        report(100)
    return result


def _call(name: str, kwargs: dict, report: Callable) -> object:
    function = _function(name)
    arguments = dict(kwargs)
    if "progress" in inspect.signature(function).parameters:
        arguments["progress"] = report
    return _plain(function(get_db(), **arguments))


def _plain(result: object) -> object:
    """A JSON-able stand-in for a job's return value (a row becomes its id)."""
    if result is None or isinstance(result, bool | int | float | str | list | dict):
        return result
    if getattr(result, "id", None) is not None:
        return {"id": result.id}
    return str(result)


def _percent(value) -> int:
    return max(0, min(100, int(value)))


def _short(error: BaseException | str) -> str:
    text = str(error).strip().splitlines()
    return (text[-1] if text else type(error).__name__)[:300]


def status(job_id: str) -> dict | None:
    """The job's state: status (queued, started, finished, failed ...), progress, result.

    None when no one knows the job (the queue lost it); status "unknown" while Redis is away.
    """
    if not JOB_ID.fullmatch(job_id or ""):
        return None
    connection = redis_connection()
    if connection is None or job_id in _local:
        state = _local.get(job_id)
        return dict(state) if state else None
    try:
        job = Job.fetch(job_id, connection=connection)
    except NoSuchJobError:
        return None
    except RedisError:
        return {"id": job_id, "status": "unknown", "progress": 0, "message": "",
                "result": None, "error": None}
    state, meta = job.get_status(refresh=True), job.meta
    if state is None:
        return None
    finished = state == "finished"
    latest = job.latest_result() if state == "failed" else None
    return {"id": job.id, "name": meta.get("name"), "status": str(state.value),
            "progress": 100 if finished else meta.get("progress", 0),
            "message": meta.get("message", ""),
            "result": job.return_value() if finished else None,
            "error": _short(latest.exc_string or "") if latest else None}
