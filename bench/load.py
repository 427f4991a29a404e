"""Load and fault test: gunicorn with 2 workers on loopback, bounded in count and time.

    .venv/bin/python bench/load.py            # SQLite (a fresh WAL file in a temporary folder)
    .venv/bin/python bench/load.py --pg       # also PostgreSQL (creates and drops `spt_load`)

(a) N concurrent intakes (steps 1-6, each visitor its own session): exactly N candidates, no 5xx.
(b) the advisor candidate page with 5,000 open placements: p50/p95 over sequential requests.
(c) kill -9 one gunicorn worker while intakes run: every acknowledged intake is stored.
(d) PostgreSQL only: the database goes away (a TCP proxy between app and server is killed, or
    hangs): Dutch 503 within 5 s; the app recovers on its own when the proxy is back.
It runs in the production configuration (SPT_ENV=production, CSRF on), MFA off for the advisor.
"""

import argparse
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_client import PASSWORD, Visitor, intake, login  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOAD_DB = "spt_load"
ADVISOR = "adviseur-load@example.nl"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def spt(env: dict, *args: str) -> str:
    done = subprocess.run([str(BIN / "spt"), *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=300, check=True)
    return done.stdout


class Gunicorn:
    """`gunicorn -c gunicorn.conf.py wsgi:app` with 2 workers, stopped on exit."""

    def __init__(self, env: dict, log: Path):
        self.port = free_port()
        self.env = {**env, "SPT_WEB_BIND": f"127.0.0.1:{self.port}", "SPT_WEB_WORKERS": "2"}
        self.log = log

    def __enter__(self):
        self.handle = self.log.open("ab")
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
            env=self.env, stdout=self.handle, stderr=subprocess.STDOUT, start_new_session=True)
        wait_until(lambda: self.healthy(), 60, "gunicorn did not start")
        return self

    def healthy(self) -> bool:
        try:
            return Visitor(self.port, timeout=5).request("GET", "/healthz").status == 200
        except OSError:
            return False

    def workers(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()]

    def __exit__(self, *_exc):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(40)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.handle.close()


def wait_until(check, seconds: float, message: str) -> float:
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > seconds:
            raise RuntimeError(message)
        time.sleep(0.1)
    return time.monotonic() - started


def run_intakes(port: int, count: int, concurrency: int, tag: str, on_ack=None):
    emails = [f"load-{tag}-{n}@example.nl" for n in range(count)]
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(lambda e: intake(port, e, on_ack), emails))
    return results, time.perf_counter() - started


def stored_emails(url: str, tag: str) -> set[str]:
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text(
            'SELECT c.email FROM candidate c JOIN "user" u ON u.id = c.user_id '
            "WHERE c.intake_completed_at IS NOT NULL AND u.email LIKE :pattern"),
            {"pattern": f"load-{tag}-%"})
        emails = {row[0] for row in rows}
    engine.dispose()
    return emails


def phase_intakes(server, url: str, count: int, concurrency: int) -> dict:
    """(a) Concurrent intakes: count candidates, every request status."""
    results, seconds = run_intakes(server.port, count, concurrency, "a")
    statuses = [s for r in results for s in r.statuses]
    stored = stored_emails(url, "a")
    return {"intakes": count, "acknowledged": sum(r.acknowledged for r in results),
            "candidates_stored": len(stored), "requests": len(statuses),
            "5xx": sum(s >= 500 for s in statuses),
            "errors": sorted({r.error for r in results if r.error})[:5],
            "seconds": round(seconds, 1), "intakes_per_s": round(count / seconds, 1),
            "ok": len(stored) == count and not any(s >= 500 for s in statuses)}


def phase_advisor_page(server, env: dict, url: str, placements: int, requests: int) -> dict:
    """(b) The advisor candidate page with this many open placements: latency percentiles."""
    seeded = json.loads(subprocess.run(
        [sys.executable, "bench/load_seed.py", str(placements), ADVISOR, PASSWORD], env=env,
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=True).stdout)
    engine = create_engine(url)
    with engine.connect() as connection:
        candidate_id = connection.execute(text("SELECT min(id) FROM candidate")).scalar()
        open_count = connection.execute(text(
            "SELECT count(*) FROM placement WHERE status = 'open'")).scalar()
    engine.dispose()
    advisor = login(server.port, ADVISOR)
    path = f"/adviseur/kandidaten/{candidate_id}"
    for _ in range(4):  # both workers build their catalogue cache
        advisor.request("GET", path)
    times, statuses = [], []
    for _ in range(requests):
        response = advisor.request("GET", path)
        times.append(response.seconds * 1000)
        statuses.append(response.status)
    times.sort()
    p95 = times[int(0.95 * len(times)) - 1]
    return {"open_placements": open_count, "seeded": seeded["placements"], "path": path,
            "requests": requests, "statuses": sorted(set(statuses)),
            "p50_ms": round(statistics.median(times)), "p95_ms": round(p95),
            "max_ms": round(times[-1]), "ok": p95 < 300 and set(statuses) == {200}}


def phase_kill_worker(server, url: str, count: int, concurrency: int) -> dict:
    """(c) kill -9 a worker once some intakes were acknowledged; none of those may be lost."""
    acknowledged = threading.Semaphore(0)
    killed: dict = {}

    def killer():
        for _ in range(count // 10):
            if not acknowledged.acquire(timeout=60):
                return
        victim = server.workers()[0]
        os.kill(victim, signal.SIGKILL)
        killed.update(pid=victim, at=time.monotonic())

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    results, seconds = run_intakes(server.port, count, concurrency, "c", acknowledged.release)
    thread.join(5)
    stored = stored_emails(url, "c")
    acked = {r.email for r in results if r.acknowledged}
    statuses = [s for r in results for s in r.statuses]
    return {"intakes": count, "killed_worker": killed.get("pid"),
            "acknowledged": len(acked), "stored": len(stored),
            "acknowledged_but_lost": len(acked - stored),
            "stored_without_ack": len(stored - acked),
            "visitors_cut_off": sum(1 for r in results if r.error),
            "errors": sorted({r.error for r in results if r.error})[:5], "5xx": sum(
                s >= 500 for s in statuses), "workers_after": len(server.workers()),
            "seconds": round(seconds, 1), "ok": bool(killed) and not acked - stored}


def phase_outage(env: dict, pg: "make_url", log: Path, tmp: Path) -> dict:
    """(d) The app reaches PostgreSQL through a proxy that is killed, hangs, and comes back."""
    port = free_port()

    def proxy(*flags):
        process = subprocess.Popen(
            [sys.executable, "bench/load_proxy.py", str(port), pg.host or "127.0.0.1",
             str(pg.port or 5432), *flags], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        process.stdout.readline()  # "ready"
        return process

    def burst(n=10):
        def one(path):
            response = Visitor(server.port, timeout=20).request("GET", path)
            return response.status, response.seconds, "Even niet beschikbaar" in response.text
        with ThreadPoolExecutor(n) as pool:
            return list(pool.map(one, ["/intake/4"] * (n - 2) + ["/healthz"] * 2))

    proxied = pg.set(host="127.0.0.1", port=port).render_as_string(hide_password=False)
    running = proxy()
    out = {}
    try:
        with Gunicorn({**env, "SPT_DATABASE_URL": proxied}, log) as server:
            for mode, flags in (("refused", ()), ("hanging", ("--blackhole",))):
                running.kill()
                running.wait()
                running = proxy(*flags) if flags else running
                time.sleep(2.5)  # past the fail-fast window of the previous mode: really connect
                answers = burst()
                pages = answers[:-2]
                out[mode] = {"statuses": sorted({a[0] for a in answers}),
                             "max_s": round(max(a[1] for a in answers), 2),
                             "dutch_page": all(a[2] for a in pages)}
            running.kill()
            running.wait()
            running = proxy()
            # Each worker retries its first connection within 2 s (spt.db.ConnectBreaker):
            # recovered means 10 health checks in a row answer 200, whichever worker takes them.
            streak = []
            out["recovered_after_s"] = round(wait_until(
                lambda: streak.append(server.healthy()) or all(streak[-10:]) and len(streak) >= 10,
                30, "no recovery"), 2)
            after = intake(server.port, "load-d-0@example.nl")
            out["intake_after_recovery"] = after.acknowledged
    finally:
        running.kill()
        running.wait()
    out["ok"] = all(out[m]["statuses"] == [503] and out[m]["max_s"] < 5 and out[m]["dutch_page"]
                    for m in ("refused", "hanging")) and out["intake_after_recovery"]
    return out


def _outage_only(report, name, env, pg, log, tmp) -> dict:
    report["d_outage"] = phase_outage(env, pg, log, tmp) if pg is not None else "n/a"
    print(name, "d", report["d_outage"], flush=True)
    return report


def run_backend(name: str, url: str, args, tmp: Path, pg=None) -> dict:
    env = {**os.environ, "SPT_ENV": "production", "SPT_SECRET_KEY": secrets.token_hex(32),
           "SPT_DATABASE_URL": url, "SPT_MFA_REQUIRED": "0", "PYTHONUNBUFFERED": "1"}
    env.pop("SPT_REDIS_URL", None)
    log = Path(args.logs) / f"gunicorn-{name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.unlink(missing_ok=True)
    spt(env, "db", "upgrade")
    spt(env, "load-reference")
    report = {"backend": name, "loadavg_before": os.getloadavg()[0]}
    if args.phases == "d":
        return _outage_only(report, name, env, pg, log, tmp)
    if args.phases == "b":
        with Gunicorn(env, log) as server:
            intake(server.port, "load-b-0@example.nl")  # the candidate whose page is measured
            report["b_advisor_page"] = phase_advisor_page(server, env, url, args.placements,
                                                          args.requests)
        print(name, "b", report["b_advisor_page"], flush=True)
        return report
    with Gunicorn(env, log) as server:
        report["a_intakes"] = phase_intakes(server, url, args.intakes, args.concurrency)
        print(name, "a", report["a_intakes"], flush=True)
        report["b_advisor_page"] = phase_advisor_page(server, env, url, args.placements,
                                                      args.requests)
        print(name, "b", report["b_advisor_page"], flush=True)
        report["c_kill_worker"] = phase_kill_worker(server, url, args.kill_intakes,
                                                    args.concurrency)
        print(name, "c", report["c_kill_worker"], flush=True)
    if pg is not None:
        report["d_outage"] = phase_outage(env, pg, log, tmp)
    else:
        report["d_outage"] = "n/a: a SQLite file does not go away (tests/test_db_down.py)"
    print(name, "d", report["d_outage"], flush=True)
    report["loadavg_after"] = os.getloadavg()[0]  # the machine is shared: read figures with it
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", action="store_true", help="also run on PostgreSQL")
    parser.add_argument("--pg-only", action="store_true", help="run on PostgreSQL only")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--intakes", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--placements", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--kill-intakes", type=int, default=100)
    parser.add_argument("--phases", default="abcd", choices=("abcd", "b", "d"),
                        help="d: only the outage phase (PostgreSQL)")
    parser.add_argument("--logs", default=os.path.join(tempfile.gettempdir(), "spt-load-logs"),
                        help="folder for the gunicorn logs (kept after the run)")
    args = parser.parse_args()
    reports = []
    with tempfile.TemporaryDirectory(prefix="spt-load-") as folder:
        tmp = Path(folder)
        if not args.pg_only:
            reports.append(run_backend("sqlite", f"sqlite:///{tmp / 'spt.sqlite'}", args, tmp))
        if args.pg or args.pg_only:
            admin_url = make_url(args.pg_url)
            admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f"DROP DATABASE IF EXISTS {LOAD_DB} WITH (FORCE)"))
                connection.execute(text(f"CREATE DATABASE {LOAD_DB}"))
            pg = admin_url.set(database=LOAD_DB)
            try:
                reports.append(run_backend("postgresql", pg.render_as_string(False), args, tmp,
                                           pg=pg))
            finally:
                with admin.connect() as connection:
                    connection.execute(text(f"DROP DATABASE IF EXISTS {LOAD_DB} WITH (FORCE)"))
                admin.dispose()
    print(json.dumps(reports, indent=2))
    failed = [r["backend"] for r in reports for k, v in r.items()
              if isinstance(v, dict) and not v.get("ok")]
    print("FAILED: " + ", ".join(failed) if failed else "ALL OK")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
