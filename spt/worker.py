"""The background worker process (`spt worker`): an RQ worker on the "spt" queue.

RQ forks a work horse per job: a crash or a timeout kills that job, not the worker. The horse
inherits the app made here; it drops the database connections it inherited from the parent
(never shared across a fork) and opens its own.
"""

import os

from flask import Flask
from redis import Redis
from rq import Worker

from spt import jobs


class NoRedisConfigured(RuntimeError):
    """Raised when the worker is started without SPT_REDIS_URL."""


def _forget_connections_after_fork(app: Flask) -> None:
    engine = app.extensions["spt_engine"]
    os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))


def run(app: Flask, *, burst: bool = False) -> bool:
    """Serve the job queue until stopped (or until it is empty, with burst); True if it ran jobs."""
    url = app.config["REDIS_URL"]
    if not url:
        raise NoRedisConfigured("SPT_REDIS_URL is niet ingesteld: zonder Redis draaien taken "
                                "direct in de webserver en is er geen worker nodig.")
    jobs._worker_app = app
    _forget_connections_after_fork(app)
    connection = Redis.from_url(url)  # its own client: RQ lengthens its socket timeout
    with app.app_context():
        worker = Worker([jobs.queue(connection)], connection=connection)
    return worker.work(burst=burst, with_scheduler=False)
