"""Match rounds cannot get stuck: real steps, a self-refreshing page, retries, a timeout, and
"mislukt, opnieuw starten" detected when the worker dies or the queue loses the job."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from redis import Redis
from rq import SimpleWorker
from sqlmodel import select

from spt import jobs
from spt.db import get_db
from spt.models import MatchRound
from spt.services import round_jobs, rounds
from tests import test_jobs
from tests.factories import make_candidate, make_employer, make_placement
from tests.test_jobs import REDIS_TEST_URL

redis_app = test_jobs.redis_app  # the fixture: a Redis database of this run, flushed

WAIT_S = 120  # a bound against a hang, never an assertion on speed


@pytest.fixture
def market(app):
    _u, employer = make_employer(app, mentor_capacity=2)
    make_placement(app, employer, theme="energie")
    for i in range(3):
        make_candidate(app, first_name=f"K{i}")


def _start(client) -> int:
    response = client.post("/adviseur/matchronde", data={"region": "", "theme": "",
                                                         "max_per_placement": 1})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def _round(app, round_id) -> MatchRound:
    with app.app_context():
        return get_db().get(MatchRound, round_id)


def _wait(check, message: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not check():
        assert time.monotonic() < deadline, message
        time.sleep(0.1)


def test_a_round_reports_its_real_steps_and_stores_the_result_at_the_end(app, client, advisor,
                                                                         market, monkeypatch):
    marks = []
    original = round_jobs._mark

    def recording(engine, round_id, attempt, **values):
        marks.append(values.get("step", values.get("status")))
        return original(engine, round_id, attempt, **values)

    monkeypatch.setattr(round_jobs, "_mark", recording)
    round_id = _start(client)
    steps = [m for m in marks if m in round_jobs.STEPS]
    assert steps == ["laden", "rangschikken", "toewijzen", "opslaan"]
    row = _round(app, round_id)
    assert (row.status, row.progress, row.attempt) == ("klaar", 100, 1)
    assert row.job_id and row.result["candidates"] == 3
    page = client.get(f"/adviseur/matchronde/{round_id}").get_data(as_text=True)
    assert row.job_id in page and 'http-equiv="refresh"' not in page


def test_a_running_round_page_refreshes_itself_and_names_its_job_and_step(app, client, advisor,
                                                                          market, redis_app):
    round_id = _start(client)
    page = client.get(f"/adviseur/matchronde/{round_id}").get_data(as_text=True)
    row = _round(app, round_id)
    assert row.status == "wachtend"
    assert 'http-equiv="refresh"' in page and row.job_id in page
    assert "Wacht op een worker" in page and "poging 1 van 3" in page


def test_a_job_the_queue_lost_is_detected_and_can_be_started_again(app, client, advisor, market,
                                                                   redis_app):
    round_id = _start(client)
    with app.app_context():
        jobs.redis_connection().flushdb()  # Redis restarted empty
    page = client.get(f"/adviseur/matchronde/{round_id}").get_data(as_text=True)
    assert "Mislukt: de wachtrij is deze taak kwijt" in page and "Opnieuw starten" in page
    assert _round(app, round_id).status == "fout"
    assert client.post(f"/adviseur/matchronde/{round_id}/opnieuw").status_code == 302
    _work(app)
    row = _round(app, round_id)
    assert (row.status, row.attempt, "error" in row.result) == ("klaar", 2, False)


def test_a_queued_round_whose_queue_went_away_is_detected(app, client, advisor, market,
                                                          redis_app):
    round_id = _start(client)
    good = app.extensions["spt_redis"]
    app.extensions["spt_redis"] = Redis.from_url("redis://127.0.0.1:1/0",  # Redis went away
                                                 socket_connect_timeout=1)
    good.close()
    page = client.get(f"/adviseur/matchronde/{round_id}").get_data(as_text=True)
    assert "Mislukt: de wachtrij (Redis) is niet bereikbaar" in page
    assert _round(app, round_id).status == "fout"


def test_a_round_started_while_redis_is_down_runs_in_the_request_and_says_so(app, client,
                                                                             advisor, market):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    response = client.post("/adviseur/matchronde", data={"region": "", "theme": "",
                                                         "max_per_placement": 1},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "Achtergrondtaken zijn nu niet beschikbaar" in response.get_data(as_text=True)
    with app.app_context():
        row = get_db().exec(select(MatchRound)).one()
    assert row.status == "klaar"


def _work(app) -> None:
    with app.app_context():
        connection = jobs.redis_connection()
        SimpleWorker([jobs.queue(connection)], connection=connection).work(burst=True)


def test_a_failing_round_is_retried_up_to_the_limit_then_fails_in_dutch(app, client, advisor,
                                                                        market, redis_app,
                                                                        monkeypatch):
    calls = []

    def broken(db, params, step=None):
        calls.append(1)
        raise RuntimeError("database weg")

    monkeypatch.setattr(rounds, "compute", broken)
    round_id = _start(client)
    _work(app)
    assert len(calls) == 1 + jobs.JOB_RETRIES
    page = client.get(f"/adviseur/matchronde/{round_id}").get_data(as_text=True)
    assert _round(app, round_id).status == "fout"
    assert "Mislukt" in page and "Opnieuw starten" in page


def test_a_round_that_runs_too_long_is_stopped(app, client, advisor, market, redis_app,
                                               monkeypatch):
    app.config["JOB_TIMEOUT"] = 1
    monkeypatch.setattr(jobs, "JOB_RETRIES", 0)

    def endless(db, params, step=None):
        time.sleep(30)

    monkeypatch.setattr(rounds, "compute", endless)
    round_id = _start(client)
    _work(app)
    client.get(f"/adviseur/matchronde/{round_id}")
    row = _round(app, round_id)
    assert row.status == "fout" and "pairs" not in row.result


def test_restarts_are_limited(app, client, advisor, market):
    round_id = _start(client)
    with app.app_context():
        db = get_db()
        row = db.get(MatchRound, round_id)
        row.status, row.attempt = "fout", app.config["ROUND_MAX_ATTEMPTS"]
        db.add(row)
        db.commit()
    page = client.get(f"/adviseur/matchronde/{round_id}").get_data(as_text=True)
    assert "Opnieuw starten" not in page
    refused = client.post(f"/adviseur/matchronde/{round_id}/opnieuw")
    assert refused.status_code == 400 and "Start een nieuwe ronde" in refused.get_data(
        as_text=True)


def test_a_late_job_of_an_earlier_attempt_changes_nothing(app, client, advisor, market):
    round_id = _start(client)
    with app.app_context():
        db = get_db()
        row = db.get(MatchRound, round_id)
        row.status, row.attempt, row.result = "wachtend", 2, {}
        db.add(row)
        db.commit()
        assert round_jobs.run_round(db, round_id, attempt=1) == {"id": round_id, "skipped": True}
    assert _round(app, round_id).status == "wachtend"


SLOW_WORKER = """
import os, sys, threading
from spt.services import rounds
def hang(db, params, step=None):
    step("rangschikken")
    open(sys.argv[1], "a").write(f"{os.getpid()}\\n")  # the work horse's pid
    threading.Event().wait()
rounds.compute = hang
from spt.cli import main
main(["worker"])
"""


def _spawn_worker(app, tmp_path) -> tuple[subprocess.Popen, Path]:
    pids = tmp_path / "horses"
    pids.touch()
    env = {**os.environ, "SPT_DATABASE_URL": app.config["DATABASE_URL"],
           "SPT_REDIS_URL": REDIS_TEST_URL}
    log = (tmp_path / "worker.log").open("wb")
    process = subprocess.Popen([sys.executable, "-c", SLOW_WORKER, str(pids)], env=env,
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    return process, pids


def _horses(pids: Path) -> list[int]:
    return [int(line) for line in pids.read_text().split()]


def test_killing_the_work_horse_retries_then_fails_with_no_half_written_round(
        app, client, advisor, market, redis_app, tmp_path):
    round_id = _start(client)
    worker, pids = _spawn_worker(app, tmp_path)
    try:
        for attempt in range(1 + jobs.JOB_RETRIES):  # each kill is retried until the limit
            _wait(lambda n=attempt: len(_horses(pids)) > n, "the work horse did not start")
            assert _round(app, round_id).step == "rangschikken"
            os.kill(_horses(pids)[attempt], signal.SIGKILL)

        def failed() -> bool:
            client.get(f"/adviseur/matchronde/{round_id}")
            return _round(app, round_id).status == "fout"

        _wait(failed, "the dead work horse was not detected")
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    row = _round(app, round_id)
    assert "pairs" not in row.result and "afgebroken" in row.result["error"]


def test_killing_the_whole_worker_is_detected_by_the_silent_heartbeat(
        app, client, advisor, market, redis_app, tmp_path):
    round_id = _start(client)
    worker, pids = _spawn_worker(app, tmp_path)
    try:
        _wait(lambda: _horses(pids), "the work horse did not start")
        _wait(lambda: _round(app, round_id).heartbeat_at is not None, "no heartbeat")
        client.get(f"/adviseur/matchronde/{round_id}")
        assert _round(app, round_id).status == "bezig"  # alive: never declared dead
    finally:
        os.killpg(worker.pid, signal.SIGKILL)  # the worker, and its work horse (its own
        os.kill(_horses(pids)[0], signal.SIGKILL)  # session), as a power cut does
        worker.wait()
    with app.app_context():  # the heartbeat has been silent for a minute
        db = get_db()
        row = db.get(MatchRound, round_id)
        row.heartbeat_at = row.heartbeat_at - timedelta(seconds=60)
        db.add(row)
        db.commit()
    page = client.get(f"/adviseur/matchronde/{round_id}").get_data(as_text=True)
    assert "Mislukt: de worker is gestopt" in page and "Opnieuw starten" in page
    row = _round(app, round_id)
    assert row.status == "fout" and "pairs" not in row.result
