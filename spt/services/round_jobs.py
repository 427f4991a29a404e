"""Match rounds as background jobs that cannot get stuck.

A round is started as attempt n with a job id (both stored before the job is queued). The job
claims its attempt, writes its step (laden, rangschikken, toewijzen, opslaan) and a heartbeat
every JOB_HEARTBEAT_S, and stores the result with status "klaar" in one statement at the end, so
a killed worker leaves no half-written round. Only the job's own attempt can write: a late job of
an earlier attempt changes nothing.

`check()` runs whenever the round is looked at. It detects, instead of waiting for, a job that
failed for good, a queue that lost the job (Redis restarted empty, or away when it should run),
and a worker that died (the heartbeat stopped): the round becomes "fout" with the reason, and the
advisor can start it again (at most ROUND_MAX_ATTEMPTS times).
"""

import logging
import threading
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from rq import get_current_job
from sqlalchemy import update
from sqlmodel import Session, col

from spt import jobs
from spt.models import MatchRound
from spt.models._base import utcnow
from spt.services import audit, rounds
from spt.services.errors import DomainError, NotFound
from spt.services.workqueue import aware
from spt.vocabulary import RoundStatus as R

log = logging.getLogger(__name__)
RUNNING = (R.WACHTEND, R.BEZIG)
# Step -> (percent when it starts, what the page says).
STEPS = {
    "laden": (10, _l("Kandidaten en plekken laden")),
    "rangschikken": (35, _l("Paren rangschikken")),
    "toewijzen": (65, _l("Plekken toewijzen binnen de capaciteit")),
    "opslaan": (90, _l("Resultaat opslaan")),
}


def _get(db: Session, round_id: int) -> MatchRound:
    row = db.get(MatchRound, round_id)
    if row is None:
        raise NotFound(_("Deze matchronde bestaat niet."))
    return row


def _mark(engine, round_id: int, attempt: int, *, statuses=RUNNING, **values) -> bool:
    """Change this attempt of a running round in a transaction of its own; False if superseded."""
    with Session(engine) as own:
        result = own.exec(update(MatchRound).where(
            MatchRound.id == round_id, MatchRound.attempt == attempt,
            col(MatchRound.status).in_(statuses)).values(**values))
        own.commit()
        return result.rowcount == 1


class _Heartbeat:
    """Writes the round's heartbeat every few seconds while the job runs."""

    def __init__(self, engine, round_id: int, attempt: int, every_s: float):
        self._args, self._every = (engine, round_id, attempt), every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True, name="round-heartbeat")

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_exc):
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        while not self._stop.wait(self._every):
            try:
                _mark(*self._args, statuses=(R.BEZIG,), heartbeat_at=utcnow())
            except Exception as error:  # noqa: BLE001 - a missed beat is not worth a crash
                log.warning("Round heartbeat failed: %s", error)


def run_round(db: Session, round_id: int, attempt: int | None = None, progress=None):
    """The job `match_round`: compute the round in steps and store the result at once."""
    report = progress or (lambda _percent, _message="": None)
    engine, row = db.get_bind(), _get(db, round_id)
    attempt = row.attempt if attempt is None else attempt
    params, now = dict(row.params), utcnow()
    if not _mark(engine, round_id, attempt, status=R.BEZIG, step="laden", progress=10,
                 heartbeat_at=now, started_at=now):
        return {"id": round_id, "skipped": True}  # a newer attempt, or already finished

    def step(name: str) -> None:
        percent, label = STEPS[name]
        _mark(engine, round_id, attempt, step=name, progress=percent, heartbeat_at=utcnow())
        report(percent, str(label))

    report(10, str(STEPS["laden"][1]))
    with _Heartbeat(engine, round_id, attempt, current_app.config["JOB_HEARTBEAT_S"]):
        try:
            result = rounds.compute(db, params, step=step)
        except DomainError as error:  # a refusal is an answer, not worth a retry
            result, status = {"error": error.message}, R.FOUT
        except Exception:
            db.rollback()
            _after_crash(engine, round_id, attempt)
            raise
        else:
            status = R.KLAAR
            step("opslaan")
    db.rollback()  # end the read transaction; the result goes in one guarded statement
    _mark(engine, round_id, attempt, status=status, result=result, progress=100, step="",
          finished_at=utcnow())
    return {"id": round_id}


def _after_crash(engine, round_id: int, attempt: int) -> None:
    """A retry is coming: wait for it; no retry left: the round failed."""
    job = get_current_job()
    if job is not None and (job.retries_left or 0) > 0:
        _mark(engine, round_id, attempt, status=R.WACHTEND, step="", progress=0)
    else:
        _fail(engine, round_id, attempt, _("Mislukt: de berekening gaf een fout. Start de "
                                           "ronde opnieuw."))


def _fail(engine, round_id: int, attempt: int, message: str) -> None:
    with Session(engine) as own:
        row = own.get(MatchRound, round_id)
        result = {**(row.result or {}), "error": message}
    _mark(engine, round_id, attempt, status=R.FOUT, result=result, finished_at=utcnow())


def launch(db: Session, row: MatchRound, *, actor_id: int) -> MatchRound:
    """Start the next attempt of a stored round: id and attempt first, then the queue."""
    row.attempt, row.job_id = row.attempt + 1, jobs.new_id()
    row.status, row.progress, row.step, row.heartbeat_at, row.finished_at = (
        R.WACHTEND, 0, "", None, None)
    row.result = {k: v for k, v in (row.result or {}).items() if k != "error"}
    db.add(row)
    audit.record(db, actor_id=actor_id, action="advisor.round_started",
                 subject_type="match_round", subject_id=row.id,
                 detail={"params": row.params, "attempt": row.attempt, "job": row.job_id})
    db.commit()
    jobs.enqueue("match_round", job_id=row.job_id, round_id=row.id, attempt=row.attempt)
    return row


def start(db: Session, *, advisor_id: int, region: str, theme: str, kinds: list[str],
          max_per_placement: int) -> MatchRound:
    """Store a new round and hand it to the job queue (a worker, or at once without Redis)."""
    row = MatchRound(created_by_id=advisor_id, params={
        "region": region, "theme": theme, "kinds": list(kinds),
        "max_per_placement": max_per_placement, "locked": [], "excluded": []})
    db.add(row)
    db.flush()
    return launch(db, row, actor_id=advisor_id)


def ran_in_request(row: MatchRound) -> bool:
    """Whether the queue was configured but away, so the round ran in the request instead."""
    return bool(current_app.config["REDIS_URL"] and row.job_id and jobs.is_local(row.job_id))


def restart(db: Session, *, advisor_id: int, round_id: int) -> MatchRound:
    """Start a failed round again, up to ROUND_MAX_ATTEMPTS attempts."""
    row = _get(db, round_id)
    if row.status != "fout":
        raise DomainError(_("Deze ronde loopt nog of is klaar; opnieuw starten kan niet."))
    if row.attempt >= current_app.config["ROUND_MAX_ATTEMPTS"]:
        raise DomainError(_("Deze ronde is al %(n)d keer gestart. Start een nieuwe ronde.",
                            n=row.attempt))
    return launch(db, row, actor_id=advisor_id)


def _problem(row: MatchRound, state: dict | None, stale: bool) -> str | None:
    """Why a running round will never finish, or None while it may still."""
    if row.job_id is None:
        return _("Mislukt: deze ronde is nooit aan een worker gegeven.")
    if row.status == "bezig" and not stale:
        return None  # the heartbeat is fresh: someone is working on it
    if state is None:
        if not current_app.config["REDIS_URL"]:
            return _("Mislukt: het proces dat de ronde berekende is gestopt.") if stale else None
        return _("Mislukt: de wachtrij is deze taak kwijt (bijvoorbeeld na een herstart van "
                 "Redis).")
    status = state["status"]
    if status == "unknown":
        return _("Mislukt: de wachtrij (Redis) is niet bereikbaar.")
    if status in ("failed", "stopped", "canceled"):
        return _("Mislukt: de berekening is afgebroken (%(error)s).",
                 error=state.get("error") or status)
    if status == "finished" or (row.status == "bezig" and stale):
        return _("Mislukt: de worker is gestopt tijdens de berekening.")
    return None  # queued, scheduled or just started: it will run


def check(db: Session, round_id: int) -> MatchRound:
    """Detect a round that cannot finish any more and mark it failed with the reason."""
    row = _get(db, round_id)
    if row.status not in RUNNING:
        return row
    # Never less than three beats: a live round between two heartbeats is not dead.
    stale_after = timedelta(seconds=max(current_app.config["JOB_STALE_S"],
                                        3 * current_app.config["JOB_HEARTBEAT_S"]))
    last_sign = aware(row.heartbeat_at or row.started_at or row.created_at)
    stale = utcnow() - last_sign > stale_after
    state = jobs.status(row.job_id) if row.job_id else None
    message = _problem(row, state, stale)
    if message is not None:
        _fail(db.get_bind(), row.id, row.attempt, message)
        db.rollback()
        row = db.get(MatchRound, round_id, populate_existing=True)
    return row


def step_label(row: MatchRound) -> str:
    """What a running round is doing now, in Dutch."""
    if row.status == "wachtend":
        return _("Wacht op een worker")
    return str(STEPS[row.step][1]) if row.step in STEPS else ""
