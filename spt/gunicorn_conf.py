"""gunicorn settings for SPT Match: `gunicorn -c python:spt.gunicorn_conf spt.wsgi:app`.

Every value can be changed through the environment (SPT_WEB_*), see the README's Production section.
"""

import os

from prometheus_client import multiprocess

from spt.config import web_settings
from spt.services.matchmaking import warm_up

# Parsed by spt/config.py like every SPT_* setting: a typo or a value that does not parse
# refuses to start with the reason.
_web = web_settings()

# 127.0.0.1 only: a TLS-terminating proxy (nginx, Caddy) in front talks to it.
bind = _web["bind"]

# Sync workers: one request at a time per process. The expensive requests (ranking placements,
# argon2 password hashes) are CPU-bound, so threads would wait on the GIL and gain nothing, and
# sync workers need no thread-safety from module-level caches. Slow clients are the proxy's job
# (it buffers requests and responses). Scale with processes: about 2 per core.
worker_class = "sync"
workers = _web["workers"]

# A request that takes over 60 s is stuck: the worker is killed and replaced. Long work (match
# rounds) belongs on the background worker (`spt worker`).
timeout = _web["timeout"]
# On SIGTERM (deploy, restart) workers finish the requests they have for up to 30 s.
graceful_timeout = _web["graceful_timeout"]
keepalive = 5  # seconds; the proxy reuses connections

# Recycle each worker after about 1,000 requests (jitter: not all at once) to bound slow leaks.
max_requests = _web["max_requests"]
max_requests_jitter = _web["max_requests_jitter"]

# Every worker imports the app itself and opens its own database pool: no connections shared
# across fork, and a failing import shows in each worker's log.
preload_app = False

# Logs to stderr (the service manager keeps them). No query strings or cookies in the access log:
# %(U)s is the path only, %(L)s the request time in seconds.
accesslog = "-"
errorlog = "-"
loglevel = _web["loglevel"]
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(L)ss "%(a)s"'
# The proxy's X-Forwarded-* headers are trusted from the proxy on loopback only.
forwarded_allow_ips = _web["forwarded_allow_ips"]


def child_exit(_server, worker) -> None:
    """A worker that ends leaves the shared metrics (PROMETHEUS_MULTIPROC_DIR) cleanly."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker) -> None:
    """Build the catalogue and the placement index before this worker takes a request.

    A new or recycled worker would otherwise serve its first visitors while it builds (seconds
    of CPU): the other workers keep serving until this one is warm.
    """
    warm_up(worker.wsgi)
