"""Retention: `spt purge-expired` with frozen time, through the CLI runner."""

from datetime import UTC, datetime, timedelta

from freezegun import freeze_time
from sqlalchemy import func, inspect
from sqlmodel import select

from spt.config import from_environment
from spt.db import get_db, get_engine
from spt.models import (
    AuditEvent,
    Candidate,
    IntakeDraft,
    Match,
    OutboxMessage,
    StatusChange,
    User,
    metadata,
)
from spt.services import audit, retention
from tests.factories import make_candidate, make_employer, make_match, make_placement

START = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


def _purge(runner, *args):
    result = runner.invoke(args=["purge-expired", *args])
    assert result.exit_code == 0, result.output
    return result.output


def _candidate(app, candidate_id) -> Candidate:
    with app.app_context():
        return get_db().get(Candidate, candidate_id)


def _mails_to(app, address) -> list[OutboxMessage]:
    with app.app_context():
        return list(get_db().exec(select(OutboxMessage).where(OutboxMessage.recipient == address)))


def _row_counts(app) -> dict[str, int]:
    with app.app_context():
        db = get_db()
        names = inspect(get_engine()).get_table_names()
        return {table.name: db.exec(select(func.count()).select_from(table)).one()
                for table in metadata.sorted_tables if table.name in names}


def test_inactive_candidates_get_one_reminder_at_eleven_months_and_are_erased_at_twelve(
        app, runner):
    with freeze_time(START):
        idle_user, idle = make_candidate(app, email="stil@example.nl", first_name="Stil")
        busy_user, busy = make_candidate(app, email="actief@example.nl")
    with freeze_time(START + timedelta(days=180)), app.app_context():
        db = get_db()
        db.get(User, busy_user).last_login_at = datetime.now(UTC)
        db.commit()

    with freeze_time(START + timedelta(days=340)):  # 11 months and a bit
        output = _purge(runner)
        assert f"herinneringen na 11 maanden: 1 ({idle})" in output
        _purge(runner)  # idempotent: no second reminder
    reminders = _mails_to(app, "stil@example.nl")
    assert len(reminders) == 1 and "binnenkort verwijderd" in reminders[0].subject
    assert _candidate(app, idle).retention_reminder_at is not None

    with freeze_time(START + timedelta(days=370)):  # past 12 months
        output = _purge(runner)
        assert f"inactieve kandidaten wissen: 1 ({idle})" in output
        assert "inactieve kandidaten wissen: 0" in _purge(runner)
    erased = _candidate(app, idle)
    assert erased.user_id is None and erased.first_name == "" and erased.email == ""
    assert _candidate(app, busy).user_id == busy_user
    with app.app_context():
        assert get_db().get(User, idle_user) is None
        actions = get_db().exec(select(AuditEvent.action).where(
            AuditEvent.subject_type == "candidate", AuditEvent.subject_id == idle)).all()
        assert "privacy.erased" in actions


def test_activity_after_the_reminder_restarts_the_clock(app, runner):
    with freeze_time(START):
        user_id, candidate_id = make_candidate(app, email="terug@example.nl")
    with freeze_time(START + timedelta(days=340)):
        _purge(runner)
    with freeze_time(START + timedelta(days=350)), app.app_context():
        db = get_db()
        db.get(User, user_id).last_login_at = datetime.now(UTC)
        db.commit()
    with freeze_time(START + timedelta(days=400)):
        assert "inactieve kandidaten wissen: 0" in _purge(runner)
    with freeze_time(START + timedelta(days=350 + 340)):
        assert f"herinneringen na 11 maanden: 1 ({candidate_id})" in _purge(runner)
    second = START + timedelta(days=350 + 340)
    assert _candidate(app, candidate_id).retention_reminder_at.replace(tzinfo=UTC) == second
    assert [m.created_at.replace(tzinfo=UTC) for m in _mails_to(app, "terug@example.nl")] == [
        second]  # the first reminder itself left the outbox after 90 days
    assert _candidate(app, candidate_id).user_id == user_id


def test_dry_run_lists_what_would_go_and_changes_nothing(app, runner):
    with freeze_time(START):
        _, candidate_id = make_candidate(app)
        with app.app_context():
            db = get_db()
            db.add(IntakeDraft(token="oud-concept", data={"1": {"first_name": "X"}}))
            db.add(OutboxMessage(recipient="iemand@example.nl", subject="Oud", body="..."))
            db.commit()
    before = _row_counts(app)
    with freeze_time(START + timedelta(days=800)):
        output = _purge(runner, "--dry-run")
    assert "Proefdraai" in output
    assert f"inactieve kandidaten wissen: 1 ({candidate_id})" in output
    assert "oude intake-concepten verwijderen: 1" in output
    assert "oude e-mails uit de outbox verwijderen: 1" in output
    assert _row_counts(app) == before
    assert _candidate(app, candidate_id).first_name == "Samira"


def test_free_text_of_closed_introductions_is_cleared_after_four_weeks(app, runner):
    _, employer = make_employer(app)
    placement = make_placement(app, employer)
    with freeze_time(START):
        ids = {}
        for status in ("afgewezen", "uitgevallen", "voorgesteld"):
            _, candidate = make_candidate(app)
            ids[status] = make_match(app, candidate, placement, status=status,
                                     decline_note="Vond het gesprek met Jan lastig",
                                     outcome_reason="Ziek", override_reason="Past toch")
        with app.app_context():
            db = get_db()
            db.add(StatusChange(subject_type="match", subject_id=ids["afgewezen"],
                                from_status="voorgesteld", to_status="afgewezen",
                                reason="Woont te ver bij zijn moeder"))
            db.commit()
    with freeze_time(START + timedelta(weeks=3)):
        assert "gesloten introducties wissen: 0" in _purge(runner)
    with freeze_time(START + timedelta(weeks=5)):
        output = _purge(runner)
        assert "gesloten introducties wissen: 2" in output
        assert "gesloten introducties wissen: 0" in _purge(runner)
    with app.app_context():
        db = get_db()
        for status in ("afgewezen", "uitgevallen"):
            match = db.get(Match, ids[status])
            assert (match.decline_note, match.outcome_reason, match.override_reason) == (
                "", "", None)
            assert match.status == status and match.score == 0.6
        assert db.get(Match, ids["voorgesteld"]).decline_note.startswith("Vond")
        assert db.exec(select(StatusChange.reason).where(
            StatusChange.subject_id == ids["afgewezen"])).all() == [""]


def test_audit_events_go_after_the_period_but_never_before_six_months(app, runner):
    def add_event(action):
        with app.app_context():
            db = get_db()
            audit.record(db, actor_id=None, action=action)
            db.commit()

    with freeze_time(START):
        add_event("test.old")
    with freeze_time(START + timedelta(days=200)):
        add_event("test.recent")

    app.config["RETENTION_AUDIT_MONTHS"] = 1  # too short: six months apply
    with freeze_time(START + timedelta(days=150)):
        assert "oude logboekregels verwijderen: 0" in _purge(runner)
    with freeze_time(START + timedelta(days=190)):
        assert "oude logboekregels verwijderen: 1" in _purge(runner)
    with app.app_context():
        actions = get_db().exec(select(AuditEvent.action)).all()
    assert "test.old" not in actions and "test.recent" in actions
    assert "retention.purged" in actions


def test_default_audit_period_is_24_months(app):
    with app.app_context():
        assert retention.periods().audit_months == 24
        assert retention.periods().inactive_months == 12
        assert retention.periods().closed_introduction_weeks == 4


def test_old_intake_drafts_and_outbox_mail_are_deleted(app, runner):
    with freeze_time(START), app.app_context():
        db = get_db()
        db.add(IntakeDraft(token="oud", data={}))
        db.add(OutboxMessage(recipient="a@example.nl", subject="Oud", body="x",
                             sent_at=datetime.now(UTC)))
        db.commit()
    with freeze_time(START + timedelta(days=80)), app.app_context():
        db = get_db()
        db.add(IntakeDraft(token="nieuw", data={}))
        db.add(OutboxMessage(recipient="b@example.nl", subject="Nieuw", body="x"))
        db.commit()
    with freeze_time(START + timedelta(days=95)):
        output = _purge(runner)
    assert "oude intake-concepten verwijderen: 1" in output
    assert "oude e-mails uit de outbox verwijderen: 1" in output
    with app.app_context():
        db = get_db()
        assert db.exec(select(IntakeDraft.token)).all() == ["nieuw"]
        assert db.exec(select(OutboxMessage.subject)).all() == ["Nieuw"]


def test_months_before_clamps_to_the_end_of_the_month():
    assert retention.months_before(datetime(2026, 3, 31, tzinfo=UTC), 1) == datetime(
        2026, 2, 28, tzinfo=UTC)
    assert retention.months_before(datetime(2026, 1, 15, tzinfo=UTC), 13) == datetime(
        2024, 12, 15, tzinfo=UTC)


def test_periods_come_from_the_environment_and_the_audit_floor_holds(app):
    settings = from_environment({"SPT_RETENTION_AUDIT_MONTHS": "3",
                                 "SPT_RETENTION_INACTIVE_MONTHS": "18",
                                 "SPT_RETENTION_CLOSED_INTRODUCTION_WEEKS": "2"})
    app.config.update(settings)
    with app.app_context():
        periods = retention.periods()
    assert (periods.audit_months, periods.inactive_months, periods.closed_introduction_weeks) == (
        6, 18, 2)
