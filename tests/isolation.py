"""Names of this run's databases and Redis database, unique per run and per pytest-xdist worker.

Two runs on one host (or two workers of one run) never drop, copy or flush each other's data:
PostgreSQL database names carry the run id and the worker, SQLite files live in each test's
tmp_path, and each worker has a Redis database number of its own.
"""

import os
import zlib
from urllib.parse import urlsplit, urlunsplit

# "gw0", "gw1", ... under pytest-xdist; "main" in a plain run.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
_WORKER_INDEX = int(WORKER[2:]) if WORKER.startswith("gw") else 0
# SPT_TEST_RUN_ID names the run (CI may set it); the process id otherwise.
RUN_ID = f"{os.environ.get('SPT_TEST_RUN_ID') or os.getpid()}_{WORKER}"
# Redis databases 2..15 are for tests (0 and 1 stay for a developer's own app and worker).
_FIRST_TEST_DB, _TEST_DBS = 2, 14


def redis_test_url() -> str:
    """This worker's Redis URL: SPT_TEST_REDIS_URL's database moved up by the worker's index."""
    given = os.environ.get("SPT_TEST_REDIS_URL")
    if not given:
        # Workers of one run share their parent (the pytest that started them): consecutive
        # numbers, distinct for up to 14 workers.
        parent = os.getppid() if WORKER != "main" else os.getpid()
        run = zlib.crc32((os.environ.get("SPT_TEST_RUN_ID") or str(parent)).encode())
        number = _FIRST_TEST_DB + (run + _WORKER_INDEX) % _TEST_DBS
        return f"redis://127.0.0.1:6379/{number}"
    parts = urlsplit(given)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(base + _WORKER_INDEX) % 16}"))
