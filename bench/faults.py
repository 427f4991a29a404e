"""Fault drills, run as an operator would, on loopback only and bounded in time.

    .venv/bin/python bench/faults.py          # SQLite (a WAL file in a temporary folder)
    .venv/bin/python bench/faults.py --pg     # and PostgreSQL (creates and drops `spt_faults`)

The app runs as in production: gunicorn with 2 sync workers (SPT_ENV=production, CSRF on; MFA
off for the drill's users), `spt worker` on a Redis of its own (a private redis-server on a free
port, so killing it touches nobody else), PostgreSQL reached through a TCP proxy the drill can
stop or freeze. Every drill prints one row: drill, expected, observed, lost rows, 5xx, recovery
seconds. Nothing leaves 127.0.0.1; every wait has a bound; the whole run stops after MAX_RUN_S.
"""

import argparse
import gzip
import json
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from load import BIN, Gunicorn, free_port, spt, wait_until  # noqa: E402
from load_client import CSRF, PASSWORD, STEPS, Visitor, login  # noqa: E402
from load_proxy import TcpProxy  # noqa: E402

MAX_RUN_S = 20 * 60
PROMISE_S = 5
PG_ADMIN = os.environ.get("SPT_FAULTS_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
FAULTS_DB = "spt_faults"
SLOW_WORKER = """
import os, sys, threading
from spt.services import rounds
def long_round(db, params, step=None):
    step("rangschikken")
    open(sys.argv[1], "w").write(str(os.getpid()))  # the work horse (a session of its own)
    threading.Event().wait()  # a round that takes long: the drill kills its worker meanwhile
rounds.compute = long_round
from spt.cli import main
main(["worker"])
"""


@dataclass
class Row:
    """One line of the drill table."""

    drill: str
    expected: str
    observed: str
    lost: int | str = 0
    errors_5xx: int = 0
    recovery_s: float | str = "-"
    ok: bool = True


class Stack:
    """Redis, the database, gunicorn and a worker for one engine; stopped on exit."""

    def __init__(self, engine: str, tmp: Path):
        self.engine, self.tmp, self.proxy, self.worker = engine, tmp, None, None
        self.redis_port = free_port()

    def start_redis(self, *, flush: bool = False) -> None:
        self.redis = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.redis_port), "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: _answers(self.redis_port), 20, "redis-server did not start")

    def stop_redis(self) -> None:
        self.redis.send_signal(signal.SIGKILL)
        self.redis.wait()

    def __enter__(self):
        self.start_redis()
        if self.engine == "sqlite":
            self.url = self.direct = f"sqlite:///{self.tmp}/spt.sqlite"
        else:
            admin = make_url(PG_ADMIN)
            if admin.host not in ("127.0.0.1", "localhost"):
                raise SystemExit("bench/faults.py runs on loopback only")
            _pg_admin(f"DROP DATABASE IF EXISTS {FAULTS_DB} WITH (FORCE)",
                      f"CREATE DATABASE {FAULTS_DB}")
            target = admin.set(database=FAULTS_DB)
            self.direct = target.render_as_string(hide_password=False)
            self.proxy = TcpProxy((admin.host, admin.port or 5432)).start()
            self.url = target.set(host="127.0.0.1", port=self.proxy.port).render_as_string(
                hide_password=False)
        self.env = {**os.environ, "SPT_ENV": "production", "SPT_SECRET_KEY": secrets.token_hex(32),
                    "SPT_DATABASE_URL": self.url, "SPT_MFA_REQUIRED": "0",
                    "SPT_REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/1",
                    "SPT_RATELIMIT_STORAGE": f"redis://127.0.0.1:{self.redis_port}/0"}
        spt(self.env, "db", "upgrade")
        spt(self.env, "load-reference")
        self.web = Gunicorn(self.env, self.tmp / "gunicorn.log").__enter__()
        self.start_worker()
        return self

    def start_worker(self, script: str | None = None) -> None:
        command = ([sys.executable, "-c", script, str(self.tmp / "horse.pid")] if script
                   else [str(BIN / "spt"), "worker"])
        log = (self.tmp / "worker.log").open("ab")
        self.worker = subprocess.Popen(command, env=self.env, cwd=ROOT, stdout=log,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        log.close()

    def stop_worker(self) -> None:
        if self.worker is not None:
            os.killpg(self.worker.pid, signal.SIGKILL)
            self.worker.wait()
            self.worker = None

    def __exit__(self, *_exc):
        self.stop_worker()
        self.web.__exit__()
        if self.redis.poll() is None:
            self.stop_redis()
        if self.proxy is not None:
            self.proxy.stop()
            _pg_admin(f"DROP DATABASE IF EXISTS {FAULTS_DB} WITH (FORCE)")

    def sql(self, statement: str, **params):
        engine = create_engine(self.direct)
        with engine.begin() as connection:
            result = connection.execute(text(statement), params)
            rows = result.all() if result.returns_rows else None
        engine.dispose()
        return rows

    def scalar(self, statement: str, **params):
        return self.sql(statement, **params)[0][0]


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _pg_admin(*statements: str) -> None:
    engine = create_engine(make_url(PG_ADMIN), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        for statement in statements:
            connection.execute(text(statement))
    engine.dispose()


def seed(stack: Stack, n: int) -> dict:
    """Advisors, an employer with mentor capacity 1, placements and candidates (in-process)."""
    code = f"""
import json
from datetime import date
from spt import create_app
from spt.db import get_db
from spt.models import Candidate, Employer, Match, Placement
from spt.models._base import utcnow
from spt.services import accounts
app = create_app()
with app.app_context():
    db = get_db()
    advisors = [accounts.create_user(db, email=f"adviseur{{i}}@faults.nl", password={PASSWORD!r},
                                     role="advisor").email for i in range(2)]
    boss = accounts.create_user(db, email="baas@faults.nl", password={PASSWORD!r},
                                role="employer")
    employer = db.query(Employer).filter_by(user_id=boss.id).one()
    employer.mentor_capacity, employer.verified_at, employer.pc4 = 1, utcnow(), "1012"
    db.add(employer)
    out = {{"advisors": advisors, "employer": employer.id, "candidates": [], "matches": []}}
    for i in range({n}):
        c = Candidate(first_name=f"Drill{{i}}", email=f"k{{i}}@faults.nl", pc4="1093",
                      postcode="1093 AB", status="intake_afgerond", intake_completed_at=utcnow(),
                      themes=["energie"], kinds=["bbl"], hours_per_week=32, max_km=30,
                      available_from=date(2027, 1, 4), level="mbo-2", nt2_level="B1")
        db.add(c)
        db.flush()
        p = Placement(employer_id=employer.id, kind="vacature", title=f"Monteur {{i}}",
                      pc4="1012", hours_per_week=32, seats=2, status="open")
        db.add(p)
        db.flush()
        m = Match(candidate_id=c.id, placement_id=p.id, status="voorgesteld",
                  explanation={{"factors": [], "matched": [], "missing_essential": [],
                               "missing_optional": [], "exclusions": [], "eligible": True}})
        db.add(m)
        db.flush()
        out["candidates"].append(c.id)
        out["matches"].append(m.id)
    db.commit()
    print(json.dumps(out))
"""
    done = subprocess.run([sys.executable, "-c", code], env={**stack.env,
                          "SPT_DATABASE_URL": stack.direct}, cwd=ROOT, capture_output=True,
                          text=True, timeout=300, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def together(*posts: tuple[Visitor, str, dict]) -> list[int]:
    """POST (visitor, path, form) all at the same moment; the statuses in order."""
    barrier = threading.Barrier(len(posts), timeout=60)

    def run(post):
        visitor, path, form = post
        barrier.wait()
        return visitor.request("POST", path, form).status

    with ThreadPoolExecutor(len(posts)) as pool:
        return [f.result(timeout=180) for f in [pool.submit(run, p) for p in posts]]


def token(visitor: Visitor, path: str) -> tuple[str, str]:
    page = visitor.request("GET", path)
    return CSRF.search(page.text).group(1), page.text


def drill_moves(port: int, stack: Stack, world: dict, trials: int = 10) -> Row:
    first, second = world["advisor_visitors"]
    ok = fives = 0
    for trial in range(trials):
        candidate = world["candidates"][trial]
        forms = []
        for visitor in (first, second):  # both look at the board, then both move
            csrf, page = token(visitor, "/adviseur/pipeline")
            version = page.split(f'name="versions" value="{candidate}:')[1].split('"')[0]
            forms.append({"csrf_token": csrf, "candidate_ids": [candidate], "reason": "drill",
                          "versions": [f"{candidate}:{version}"]})
        answers = together(
            (first, "/adviseur/pipeline/verplaatsen", forms[0] | {"status": "orientatie"}),
            (second, "/adviseur/pipeline/verplaatsen", forms[1] | {"status": "on_hold"}))
        moves = stack.scalar("SELECT count(*) FROM statuschange WHERE subject_type = 'candidate'"
                             " AND subject_id = :c", c=candidate)
        fives += sum(a >= 500 for a in answers)
        ok += sorted(answers) == [302, 409] and moves == 1
    return Row("two advisors move one candidate", "one 302, one Dutch 409; one move in history",
               f"{ok}/{trials} trials as expected", 0, fives, ok=ok == trials)


def drill_claims(port: int, stack: Stack, world: dict, trials: int = 10) -> Row:
    first, second = world["advisor_visitors"]
    ok = fives = 0
    for trial in range(trials):
        candidate = world["candidates"][10 + trial]
        path = f"/adviseur/kandidaten/{candidate}"
        forms = [{"csrf_token": token(v, path)[0]} for v in (first, second)]
        answers = together(*((v, f"{path}/oppakken", f)
                             for v, f in zip((first, second), forms, strict=True)))
        claims = stack.scalar("SELECT count(*) FROM auditevent WHERE action = 'advisor.claimed' "
                              "AND subject_id = :c", c=candidate)
        fives += sum(a >= 500 for a in answers)
        ok += sorted(answers) == [302, 409] and claims == 1
    return Row("two advisors claim one candidate", "one owner, the other a Dutch 409",
               f"{ok}/{trials} trials as expected", 0, fives, ok=ok == trials)


def drill_capacity(port: int, stack: Stack, world: dict, trials: int = 6) -> Row:
    worst = fives = 0
    bosses = [login(port, "baas@faults.nl") for _ in range(2)]  # two browsers of one employer
    for trial in range(trials):
        matches = world["matches"][20 + 2 * trial: 22 + 2 * trial]
        stack.sql("UPDATE match SET status = 'afgewezen' WHERE status = 'kennismaking'")
        forms = []
        for boss, match in zip(bosses, matches, strict=True):
            csrf, page = token(boss, f"/werkgever/kandidaten/{match}")
            version = page.split('name="uitnodigen-version"')[1].split('value="')[1].split('"')[0]
            forms.append({"csrf_token": csrf, "uitnodigen-version": version,
                          "uitnodigen-meeting_on": "2027-02-10"})
        answers = together(*((b, f"/werkgever/kandidaten/{m}/uitnodigen", f)
                             for b, m, f in zip(bosses, matches, forms, strict=True)))
        fives += sum(a >= 500 for a in answers)
        worst = max(worst, stack.scalar("SELECT count(*) FROM match WHERE status IN "
                                        "('kennismaking', 'proefplaatsing', 'geplaatst')"))
    return Row("two accepts at once, mentor capacity 1", "never more than 1 active",
               f"at most {worst} active in {trials} trials", 0, fives, ok=worst <= 1)


def _intake_until_consent(port: int, email: str) -> Visitor:
    visitor = Visitor(port)
    for number in range(1, 6):
        form = dict(STEPS[number], email=email) if number == 1 else STEPS[number]
        visitor.submit(f"/intake/{number}", form)
    return visitor


def drill_double_submits(port: int, stack: Stack, trials: int = 5) -> Row:
    fives = duplicates = 0
    for trial in range(trials):
        email = f"dubbel{trial}@faults.nl"
        visitor = _intake_until_consent(port, email)
        csrf = token(visitor, "/intake/6")[0]
        twin = Visitor(port, cookies=dict(visitor.cookies))
        form = STEPS[6] | {"csrf_token": csrf}
        answers = together((visitor, "/intake/6", form), (twin, "/intake/6", form))
        fives += sum(a >= 500 for a in answers)
        duplicates += stack.scalar('SELECT count(*) FROM "user" WHERE email = :e', e=email) != 1
    for trial in range(4):  # two browsers, one address
        email = f"twee{trial}@faults.nl"
        browsers = [Visitor(port) for _ in range(2)]
        forms = [{"csrf_token": token(b, "/registreren")[0], "email": email,
                  "password": PASSWORD, "confirm": PASSWORD} for b in browsers]
        answers = together(*((b, "/registreren", f) for b, f in zip(browsers, forms,
                                                                    strict=True)))
        fives += sum(a >= 500 for a in answers)
        duplicates += stack.scalar('SELECT count(*) FROM "user" WHERE email = :e', e=email) != 1
    return Row("double submits: intake step 6 x5, one e-mail from two browsers x4",
               "one account each, a Dutch message, no 5xx", f"{duplicates} duplicated",
               duplicates, fives, ok=not fives and not duplicates)


def drill_file_in_text(port: int) -> Row:
    browser = Visitor(port)
    csrf = token(browser, "/inloggen")[0]
    boundary = "drillboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
            f"{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"email\"; "
            f"filename=\"cv.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\r\n"
            f"--{boundary}--\r\n")
    cookies = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(f"POST /inloggen HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                     f"Cookie: {cookies}\r\n"
                     f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                     f"Content-Length: {len(body)}\r\n\r\n{body}".encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    status, dutch = int(answer.split()[1]), "bestand mee waar tekst hoort" in answer.decode()
    return Row("a file sent in a text field", "Dutch 400", f"{status}, Dutch message: {dutch}",
               0, int(status >= 500), ok=status == 400 and dutch)


def drill_backups(stack: Stack) -> list[Row]:
    rows, file = [], stack.tmp / "nightly.jsonl.gz"
    spt(stack.env | {"SPT_DATABASE_URL": stack.direct}, "backup", str(file))
    counts = stack.scalar("SELECT (SELECT count(*) FROM match) + (SELECT count(*) FROM candidate)"
                          " + (SELECT count(*) FROM placementskill)")
    with gzip.open(file, "rt", encoding="utf-8") as handle:
        lines = handle.read().splitlines(keepends=True)
    cut = stack.tmp / "cut.jsonl.gz"
    with gzip.open(cut, "wt", encoding="utf-8") as handle:
        handle.writelines(lines[: len(lines) * 2 // 3])
    refused = subprocess.run([str(BIN / "spt"), "restore", "--force", str(cut)], cwd=ROOT,
                             env=stack.env | {"SPT_DATABASE_URL": stack.direct},
                             capture_output=True, text=True, timeout=300)
    after = stack.scalar("SELECT (SELECT count(*) FROM match) + (SELECT count(*) FROM candidate)"
                         " + (SELECT count(*) FROM placementskill)")
    rows.append(Row("restore --force of a backup cut at a line boundary",
                    "refused before touching anything, exit != 0",
                    f"exit {refused.returncode}, database unchanged: {after == counts}",
                    counts - after, 0, ok=refused.returncode != 0 and after == counts))
    target = stack.tmp / "killed.jsonl.gz"
    process = subprocess.Popen([str(BIN / "spt"), "backup", str(target)], cwd=ROOT,
                               env=stack.env | {"SPT_DATABASE_URL": stack.direct},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_until(lambda: list(stack.tmp.glob(".killed.jsonl.gz.partial-*")) or process.poll()
               is not None, 120, "the backup did not start")
    process.send_signal(signal.SIGKILL)
    process.wait()
    rows.append(Row("spt backup killed (kill -9) while writing", "no file under the final name",
                    f"final file exists: {target.exists()}", 0, 0, ok=not target.exists()))
    return rows


def _burst(port: int, path: str, visitor: Visitor | None = None, n: int = 10):
    """n parallel GETs: their statuses and the slowest time."""
    def one(_i):
        client = Visitor(port, timeout=60, cookies=dict(visitor.cookies) if visitor else {})
        response = client.request("GET", path)
        return response.status, response.seconds

    with ThreadPoolExecutor(n) as pool:
        results = list(pool.map(one, range(n)))
    return [s for s, _t in results], max(t for _s, t in results)


def _recovered(port: int) -> float:
    return wait_until(lambda: Visitor(port, timeout=10).request("GET", "/healthz").status == 200,
                      60, "no recovery")


def drill_database(stack: Stack, world: dict) -> list[Row]:
    port, rows = stack.web.port, []
    user = world["advisor_visitors"][0]
    if stack.engine == "sqlite":
        candidate = world["candidates"][-1]
        csrf = token(user, f"/adviseur/kandidaten/{candidate}")[0]
        holder = sqlite3.connect(stack.direct.removeprefix("sqlite:///"), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another writer that does not finish
        statuses, slowest = [], 0.0
        for _ in range(4):  # a logged-in advisor saves notes: waits for the lock, then 503
            response = user.request("POST", f"/adviseur/kandidaten/{candidate}/notities",
                                    {"csrf_token": csrf, "notes": "drill"})
            statuses.append(response.status)
            slowest = max(slowest, response.seconds)
        holder.rollback()
        holder.close()
        recovery = _recovered(port)
        rows.append(Row("SQLite write lock held by another process",
                        f"Dutch 503 within {PROMISE_S} s, then recovery",
                        f"statuses {sorted(set(statuses))}, slowest {slowest:.2f} s", 0, 0,
                        round(recovery, 2), ok=set(statuses) == {503} and slowest < PROMISE_S))
        return rows
    for name, fault, heal in (
            ("PostgreSQL refusing (proxy stopped)", stack.proxy.stop, stack.proxy.start),
            ("PostgreSQL hanging (proxy frozen: connections open, no answers)",
             stack.proxy.freeze, lambda: (stack.proxy.stop(), stack.proxy.thaw(),
                                          stack.proxy.start()))):
        fault()
        statuses, slowest = _burst(port, "/adviseur/", user)
        health = Visitor(port, timeout=60).request("GET", "/healthz")
        heal()
        recovery = _recovered(port)
        rows.append(Row(name, f"10 parallel: Dutch 503 within {PROMISE_S} s; /healthz 503",
                        f"statuses {sorted(set(statuses))}, slowest {slowest:.2f} s, "
                        f"healthz {health.status}", 0, 0, round(recovery, 2),
                        ok=set(statuses) == {503} and slowest < PROMISE_S
                        and health.status == 503))
    engine = create_engine(stack.direct)
    with engine.connect() as connection:
        transaction = connection.begin()
        connection.execute(text('LOCK TABLE "user" IN ACCESS EXCLUSIVE MODE'))
        statuses, slowest = _burst(port, "/adviseur/", user, n=2)  # one per sync worker
        transaction.rollback()
    engine.dispose()
    recovery = _recovered(port)
    rows.append(Row("PostgreSQL table locked (LOCK TABLE user), 2 parallel",
                    f"Dutch 503 within {PROMISE_S} s", f"statuses {sorted(set(statuses))}, "
                    f"slowest {slowest:.2f} s", 0, 0, round(recovery, 2),
                    ok=set(statuses) == {503} and slowest < PROMISE_S))
    return rows


def drill_schema_behind(stack: Stack) -> Row:
    port, env = stack.web.port, stack.env | {"SPT_DATABASE_URL": stack.direct}
    subprocess.run([str(BIN / "spt"), "db", "downgrade", "0002", "--yes"], cwd=ROOT, env=env,
                   capture_output=True, timeout=120, check=True)
    health = Visitor(port, timeout=30).request("GET", "/healthz").status
    spt(env, "db", "upgrade")
    recovery = _recovered(port)
    return Row("schema behind the code (downgraded)", "/healthz 503 until spt db upgrade",
               f"healthz {health}", 0, 0, round(recovery, 2), ok=health == 503)


def drill_redis(stack: Stack, world: dict) -> Row:
    port = stack.web.port
    stack.stop_redis()
    stack.stop_worker()  # it exits without Redis anyway; systemd would restart it
    fives, ok = 0, True
    try:
        advisor = login(port, world["advisors"][1])  # raises if the login is refused
        suggest = Visitor(port).request("GET", "/api/suggest?kind=skill&q=lassen").status
        health = Visitor(port).request("GET", "/healthz")
        csrf = token(advisor, "/adviseur/matchronde")[0]
        started = advisor.request("POST", "/adviseur/matchronde", {
            "csrf_token": csrf, "region": "", "theme": "", "max_per_placement": "1"})
        page = advisor.request("GET", started.location or "/adviseur/matchronde")
        observed = (f"login ok, suggest {suggest}, healthz {health.status} "
                    f"{'degraded' if 'degraded' in health.text else '?'}, round "
                    f"{'ran in the request' if 'klaar' in page.text else page.status}")
        ok = suggest == 200 and health.status == 200 and "klaar" in page.text
        fives = sum(s >= 500 for s in advisor.statuses)
    except RuntimeError as error:
        observed, ok = f"failed: {error}", False
    stack.start_redis()
    recovery = wait_until(lambda: _healthy_without_worker(port), 60, "redis did not come back")
    stack.start_worker()
    return Row("Redis killed", "login, suggestions work; a round runs in the request",
               observed, 0, fives, round(recovery, 2), ok=ok)


def _healthy_without_worker(port: int) -> bool:
    text_ = Visitor(port).request("GET", "/healthz").text.replace(" ", "")
    return '"redis":{"status":"ok"}' in text_


def _round_status(stack: Stack, round_id: int) -> str:
    return stack.scalar("SELECT status FROM matchround WHERE id = :r", r=round_id)


def drill_rounds(stack: Stack, world: dict) -> list[Row]:
    rows = []
    advisor = world["advisor_visitors"][0]

    def start_round() -> int:
        csrf = token(advisor, "/adviseur/matchronde")[0]
        answer = advisor.request("POST", "/adviseur/matchronde", {
            "csrf_token": csrf, "region": "", "theme": "", "max_per_placement": "1"})
        return int(answer.location.rstrip("/").split("/")[-1])

    def restart_and_finish(round_id: int) -> float:
        csrf = token(advisor, f"/adviseur/matchronde/{round_id}")[0]
        advisor.request("POST", f"/adviseur/matchronde/{round_id}/opnieuw", {"csrf_token": csrf})
        return wait_until(lambda: _round_status(stack, round_id) == "klaar", 120,
                          "the restarted round did not finish")

    stack.stop_worker()
    stack.start_worker(SLOW_WORKER)
    round_id = start_round()
    horse = stack.tmp / "horse.pid"
    wait_until(lambda: horse.exists() and horse.read_text(), 120, "the round did not start")
    stack.stop_worker()  # kill -9 of `spt worker` and of its work horse: a power cut
    os.kill(int(horse.read_text()), signal.SIGKILL)
    killed = time.monotonic()
    wait_until(lambda: "Mislukt" in advisor.request("GET", f"/adviseur/matchronde/{round_id}")
               .text, 120, "the dead worker was not detected")
    detected = time.monotonic() - killed
    half = stack.scalar("SELECT count(*) FROM matchround WHERE id = :r AND CAST(result AS TEXT)"
                        " LIKE '%pairs%'", r=round_id)
    stack.start_worker()
    recovery = detected + restart_and_finish(round_id)
    rows.append(Row("spt worker killed (kill -9) mid-round",
                    "'Mislukt, opnieuw starten' detected; no half-written round",
                    f"detected after {detected:.0f} s (heartbeat silent 30 s); result kept: "
                    f"{half}", half, 0, round(recovery, 1), ok=half == 0))

    stack.stop_worker()
    round_id = start_round()  # queued, no worker
    stack.stop_redis()
    stack.start_redis()  # restarted empty
    page = advisor.request("GET", f"/adviseur/matchronde/{round_id}").text
    lost = "kwijt" in page
    stack.start_worker()
    started = time.monotonic()
    restart_and_finish(round_id)
    rows.append(Row("Redis restarted empty with a queued round",
                    "detected at once as lost; restart finishes it",
                    f"detected on the next view: {lost}", 0, 0,
                    round(time.monotonic() - started, 1), ok=lost))
    return rows


def drill_slow_clients(stack: Stack) -> Row:
    # noqa below: the test module needs pytest, which only this drill should require
    from tests.test_proxy import get, nginx_config, slow_clients  # noqa: PLC0415

    port = stack.web.port
    clients = slow_clients(port)
    try:
        get(port, "/healthz", timeout=3)
        direct = "answered"
    except TimeoutError:
        direct = "no answer in 3 s"
    finally:
        for sock in clients:
            sock.close()
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        return Row("3 slow clients, 2 sync workers", "site answers behind nginx",
                   f"direct: {direct}; nginx not installed", ok=False)
    listen = free_port()
    folder = stack.tmp / "nginx"
    folder.mkdir(exist_ok=True)
    config = nginx_config(port, listen, folder)
    proxy = subprocess.Popen([nginx, "-p", str(folder), "-c", str(config), "-g", "daemon off;"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: _answers(listen), 20, "nginx did not start")
        clients = slow_clients(listen)
        started = time.monotonic()
        behind = get(listen, "/inloggen", timeout=60).split()[1]
        seconds = time.monotonic() - started
        for sock in clients:
            sock.close()
    finally:
        proxy.terminate()
        proxy.wait(30)
    return Row("3 slow clients, 2 sync workers", "site answers behind the README's nginx",
               f"direct: {direct}; behind nginx: {behind} in {seconds:.2f} s", 0, 0,
               ok=behind == "200" and direct != "answered")


def run(engine: str) -> list[Row]:
    with tempfile.TemporaryDirectory() as folder, Stack(engine, Path(folder)) as stack:
        world = seed(stack, 40)
        port = stack.web.port
        # Logged in once: the login rate limit (10 a minute from one address) holds in drills.
        world["advisor_visitors"] = [login(port, e) for e in world["advisors"]]
        rows = [drill_moves(port, stack, world), drill_claims(port, stack, world),
                drill_capacity(port, stack, world), drill_double_submits(port, stack),
                drill_file_in_text(port), *drill_backups(stack), *drill_database(stack, world),
                drill_schema_behind(stack), drill_redis(stack, world),
                *drill_rounds(stack, world), drill_slow_clients(stack)]
        fives = sum(1 for line in (stack.tmp / "gunicorn.log").read_text().splitlines()
                    if '" 50' in line)
        rows.append(Row("all requests of the run", "no 5xx except the outages' 503s",
                        f"{fives} responses 5xx in the access log (the outage drills' 503s "
                        "included)", ok=True))
        return rows


def table(engine: str, rows: list[Row]) -> str:
    lines = [f"\n{engine}: drill | expected | observed | lost rows | 5xx | recovery s | ok",
             "|---|---|---|---|---|---|---|"]
    lines += [f"| {r.drill} | {r.expected} | {r.observed} | {r.lost} | {r.errors_5xx} | "
              f"{r.recovery_s} | {'yes' if r.ok else 'NO'} |" for r in rows]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", action="store_true", help="also run the drills on PostgreSQL")
    parser.add_argument("--pg-only", action="store_true", help="only PostgreSQL")
    args = parser.parse_args()
    signal.alarm(MAX_RUN_S)  # bounded: the whole run ends, whatever hangs
    engines = (["postgresql"] if args.pg_only else ["sqlite"]) + (["postgresql"] if args.pg
                                                                 else [])
    failed = False
    print(f"{time.strftime('%Y-%m-%d %H:%M')}, load average {os.getloadavg()[0]:.1f}")
    for engine in engines:
        rows = run(engine)
        print(table(engine, rows), flush=True)
        failed |= not all(r.ok for r in rows)
    print(f"\nload average at the end {os.getloadavg()[0]:.1f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
