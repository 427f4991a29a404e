"""gunicorn settings for SPT Match: `gunicorn -c python:spt.gunicorn_conf spt.wsgi:app`.

Every value can be changed through the environment (SPT_WEB_*), see the README's Production section.
"""

import os

# 127.0.0.1 only: a TLS-terminating proxy (nginx, Caddy) in front talks to it.
bind = os.environ.get("SPT_WEB_BIND", "127.0.0.1:8000")

# Sync workers: one request at a time per process. The expensive requests (ranking placements,
# argon2 password hashes) are CPU-bound, so threads would wait on the GIL and gain nothing, and
# sync workers need no thread-safety from module-level caches. Slow clients are the proxy's job
# (it buffers requests and responses). Scale with processes: about 2 per core.
worker_class = "sync"
workers = int(os.environ.get("SPT_WEB_WORKERS", os.environ.get("WEB_CONCURRENCY", "2")))

# A request that takes over 60 s is stuck: the worker is killed and replaced. Long work (match
# rounds) belongs on the background worker (`spt worker`).
timeout = int(os.environ.get("SPT_WEB_TIMEOUT", "60"))
# On SIGTERM (deploy, restart) workers finish the requests they have for up to 30 s.
graceful_timeout = int(os.environ.get("SPT_WEB_GRACEFUL_TIMEOUT", "30"))
keepalive = 5  # seconds; the proxy reuses connections

# Recycle each worker after about 1,000 requests (jitter: not all at once) to bound slow leaks.
max_requests = int(os.environ.get("SPT_WEB_MAX_REQUESTS", "1000"))
max_requests_jitter = int(os.environ.get("SPT_WEB_MAX_REQUESTS_JITTER", "100"))

# Every worker imports the app itself and opens its own database pool: no connections shared
# across fork, and a failing import shows in each worker's log.
preload_app = False

# Logs to stderr (the service manager keeps them). No query strings or cookies in the access log:
# %(U)s is the path only, %(L)s the request time in seconds.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("SPT_WEB_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(L)ss "%(a)s"'
# The proxy's X-Forwarded-* headers are trusted from the proxy on loopback only.
forwarded_allow_ips = os.environ.get("SPT_WEB_FORWARDED_ALLOW_IPS", "127.0.0.1")
