"""Background jobs: in-process without Redis, on RQ with Redis, and the progress endpoint."""


import pytest
from rq import SimpleWorker
from sqlmodel import select

from spt import jobs
from spt.db import get_db
from spt.models import MatchRound, User
from tests.isolation import redis_test_url

# A Redis database of its own per run and xdist worker (tests/isolation.py), so parallel runs
# never flush each other's queues.
REDIS_TEST_URL = redis_test_url()


def add(db, *, a: int, b: int, progress):
    """A job that reports progress and returns a value."""
    progress(50, "halverwege")
    assert db.exec(select(User)).all() is not None
    return a + b


def fail(db):
    """A job that breaks."""
    raise ValueError("kapot")


@pytest.fixture(autouse=True)
def test_jobs_registered(monkeypatch):
    monkeypatch.setitem(jobs.REGISTRY, "add", "tests.test_jobs:add")
    monkeypatch.setitem(jobs.REGISTRY, "fail", "tests.test_jobs:fail")


def _new_round(app) -> int:
    with app.app_context():
        row = MatchRound(params={"region": "", "theme": "", "kinds": [], "max_per_placement": 1,
                                 "locked": [], "excluded": []})
        db = get_db()
        db.add(row)
        db.commit()
        return row.id


def _round_status(app, round_id: int) -> str:
    with app.app_context():
        return get_db().get(MatchRound, round_id).status


def test_without_redis_a_job_runs_before_enqueue_returns(app):
    with app.app_context():
        state = jobs.status(jobs.enqueue("add", a=2, b=3))
    assert state["status"] == "finished" and state["result"] == 5 and state["progress"] == 100


def test_without_redis_a_failing_job_is_reported_not_raised(app):
    with app.app_context():
        state = jobs.status(jobs.enqueue("fail"))
    assert state["status"] == "failed" and state["error"] == "kapot"


def test_an_unknown_job_name_is_refused_at_once(app):
    with app.app_context(), pytest.raises(jobs.UnknownJob):
        jobs.enqueue("no-such-job")


def test_a_match_round_runs_as_a_job(app):
    round_id = _new_round(app)
    with app.app_context():
        state = jobs.status(jobs.enqueue("match_round", round_id=round_id))
    assert state["status"] == "finished" and state["result"] == {"id": round_id}
    assert _round_status(app, round_id) == "klaar"


def test_job_progress_is_for_advisors_only(app, client, make_user, login):
    with app.app_context():
        job_id = jobs.enqueue("add", a=1, b=1)
    assert client.get(f"/api/jobs/{job_id}").status_code in (302, 401)
    login(make_user("candidate"))
    assert client.get(f"/api/jobs/{job_id}").status_code == 403
    advisor = app.test_client()
    login(make_user("advisor"), on=advisor)
    response = advisor.get(f"/api/jobs/{job_id}")
    assert response.status_code == 200 and response.json["result"] == 2
    assert advisor.get("/api/jobs/unknown").status_code == 404


@pytest.fixture
def redis_app(app):
    redis = pytest.importorskip("redis")
    connection = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis does not answer on 127.0.0.1:6379")
    connection.flushdb()
    app.config["REDIS_URL"] = REDIS_TEST_URL
    yield app
    connection.flushdb()
    connection.close()
    app.extensions.pop("spt_redis").close()


def _work(app) -> None:
    with app.app_context():
        connection = jobs.redis_connection()
        SimpleWorker([jobs.queue(connection)], connection=connection).work(burst=True)


def test_with_redis_jobs_wait_for_the_worker_and_report_progress(redis_app):
    with redis_app.app_context():
        job_id = jobs.enqueue("add", a=2, b=3)
        assert jobs.status(job_id)["status"] == "queued"
    _work(redis_app)
    with redis_app.app_context():
        state = jobs.status(job_id)
    assert (state["status"], state["result"], state["progress"]) == ("finished", 5, 100)
    assert state["message"] == "" and state["name"] == "add"


def test_with_redis_a_failing_job_shows_its_error(redis_app):
    with redis_app.app_context():
        job_id = jobs.enqueue("fail")
    _work(redis_app)
    with redis_app.app_context():
        state = jobs.status(job_id)
    assert state["status"] == "failed" and "kapot" in state["error"]


def test_with_redis_a_match_round_runs_in_the_worker(redis_app):
    round_id = _new_round(redis_app)
    with redis_app.app_context():
        job_id = jobs.enqueue("match_round", round_id=round_id)
    assert _round_status(redis_app, round_id) == "wachtend"
    _work(redis_app)
    assert _round_status(redis_app, round_id) == "klaar"
    with redis_app.app_context():
        assert jobs.status(job_id)["result"] == {"id": round_id}


def test_the_worker_command_needs_redis(runner):
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code != 0 and "SPT_REDIS_URL" in result.output


def test_when_redis_is_away_a_job_runs_in_the_caller_with_a_warning(app, caplog):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    with app.app_context():
        job_id = jobs.enqueue("add", a=1, b=2)
        state = jobs.status(job_id)
        assert jobs.is_local(job_id)
    assert (state["status"], state["result"]) == ("finished", 3)
    assert "Job queue unreachable" in caplog.text
