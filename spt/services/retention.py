"""Retention periods: what `spt purge-expired` removes, and the removal itself."""

import calendar
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, or_
from sqlmodel import Session, col, delete, select, update

from spt.db import among
from spt.models import AuditEvent, Candidate, IntakeDraft, Match, OutboxMessage, StatusChange, User
from spt.services import audit, mail, privacy
from spt.urls import external_url
from spt.vocabulary import MatchStatus as M

MIN_AUDIT_MONTHS = 6  # the audit log is evidence: never kept shorter than this
CLOSED_STATUSES = (M.AFGEWEZEN, M.UITGEVALLEN)


@dataclass(frozen=True)
class Periods:
    """The retention periods in force (from the SPT_RETENTION_* settings)."""

    inactive_months: int
    reminder_months: int
    closed_introduction_weeks: int
    audit_months: int
    intake_draft_days: int
    outbox_days: int


@dataclass
class PurgePlan:
    """What a purge removes (or removed): candidate and match ids, and counts of old rows."""

    erase_candidates: list[int] = field(default_factory=list)
    remind_candidates: list[int] = field(default_factory=list)
    clear_introductions: list[int] = field(default_factory=list)
    audit_events: int = 0
    intake_drafts: int = 0
    outbox_messages: int = 0

    @property
    def empty(self) -> bool:
        """Whether there is nothing to do."""
        return not (self.erase_candidates or self.remind_candidates or self.clear_introductions
                    or self.audit_events or self.intake_drafts or self.outbox_messages)


def periods() -> Periods:
    """Read the periods from the configuration; the audit period is at least six months."""
    config = current_app.config
    inactive = max(1, int(config["RETENTION_INACTIVE_MONTHS"]))
    return Periods(
        inactive_months=inactive,
        reminder_months=min(max(0, int(config["RETENTION_REMINDER_MONTHS"])), inactive),
        closed_introduction_weeks=max(0, int(config["RETENTION_CLOSED_INTRODUCTION_WEEKS"])),
        audit_months=max(MIN_AUDIT_MONTHS, int(config["RETENTION_AUDIT_MONTHS"])),
        intake_draft_days=max(1, int(config["RETENTION_INTAKE_DRAFT_DAYS"])),
        outbox_days=max(1, int(config["RETENTION_OUTBOX_DAYS"])))


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (clamped to the month's end)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; every *_at column holds UTC.
    return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment


def _candidates_with_activity(db: Session):
    """Candidates that still hold personal data, with their last activity."""
    rows = db.exec(select(Candidate, User.last_login_at)
                   .join(User, User.id == Candidate.user_id, isouter=True)
                   .where(or_(col(Candidate.user_id).is_not(None), Candidate.email != "",
                              Candidate.first_name != "", Candidate.last_name != "")))
    for candidate, last_login in rows:
        moments = [_aware(m) for m in (last_login, candidate.updated_at,
                                       candidate.last_contact_at, candidate.created_at) if m]
        yield candidate, max(moments)


def plan(db: Session, *, now: datetime, settings: Periods | None = None) -> PurgePlan:
    """List what the retention periods remove at this moment; changes nothing."""
    settings = settings or periods()
    result = PurgePlan()
    erase_before = months_before(now, settings.inactive_months)
    remind_before = months_before(now, settings.reminder_months)
    for candidate, last_activity in _candidates_with_activity(db):
        if last_activity <= erase_before:
            result.erase_candidates.append(candidate.id)
        elif last_activity <= remind_before and (
                candidate.retention_reminder_at is None
                or _aware(candidate.retention_reminder_at) < last_activity):
            result.remind_candidates.append(candidate.id)
    result.clear_introductions = list(db.exec(_closed_introductions(now, settings)))
    result.audit_events = _count(db, AuditEvent, _audit_expired(now, settings))
    result.intake_drafts = _count(db, IntakeDraft, _drafts_expired(now, settings))
    result.outbox_messages = _count(db, OutboxMessage, _outbox_expired(now, settings))
    return result


def _count(db: Session, model, condition) -> int:
    return db.exec(select(func.count()).select_from(model).where(condition)).one()


def _closed_introductions(now: datetime, settings: Periods):
    closed_before = now - timedelta(weeks=settings.closed_introduction_weeks)
    reasons = select(StatusChange.id).where(
        StatusChange.subject_type == "match", StatusChange.subject_id == Match.id,
        StatusChange.reason != "")
    has_free_text = or_(col(Match.override_reason).is_not(None), Match.decline_note != "",
                        Match.outcome_reason != "", reasons.exists())
    return select(Match.id).where(
        col(Match.status).in_(CLOSED_STATUSES), has_free_text,
        func.coalesce(Match.updated_at, Match.created_at) < closed_before).order_by(Match.id)


def _audit_expired(now: datetime, settings: Periods):
    return AuditEvent.at < months_before(now, settings.audit_months)


def _drafts_expired(now: datetime, settings: Periods):
    return IntakeDraft.updated_at < now - timedelta(days=settings.intake_draft_days)


def _outbox_expired(now: datetime, settings: Periods):
    # Sent mail, and kept mail when no SMTP server is set up: the outbox is not an archive.
    return func.coalesce(OutboxMessage.sent_at, OutboxMessage.created_at) < (
        now - timedelta(days=settings.outbox_days))


def purge(db: Session, *, now: datetime, dry_run: bool = False) -> PurgePlan:
    """Apply the retention periods: erase, remind, clear and delete what expired (idempotent).

    Each candidate is erased in its own transaction (privacy.erase_candidate commits); the
    reminders, cleared introductions and deleted old rows then follow in one commit.
    """
    settings = periods()
    todo = plan(db, now=now, settings=settings)
    if dry_run or todo.empty:
        return todo
    for candidate_id in todo.erase_candidates:
        privacy.erase_candidate(db, candidate_id=candidate_id, actor_id=None)
    for candidate_id in todo.remind_candidates:
        _remind(db, db.get(Candidate, candidate_id), now, settings)
    _clear_introductions(db, todo.clear_introductions)
    db.exec(delete(IntakeDraft).where(_drafts_expired(now, settings)))
    db.exec(delete(OutboxMessage).where(_outbox_expired(now, settings)))
    audit.record(db, actor_id=None, action="retention.purged", detail={
        "erased": len(todo.erase_candidates), "reminded": len(todo.remind_candidates),
        "introductions_cleared": len(todo.clear_introductions),
        "audit_events": todo.audit_events, "intake_drafts": todo.intake_drafts,
        "outbox_messages": todo.outbox_messages})
    with audit.retention_purge_bypass(db):
        db.exec(delete(AuditEvent).where(_audit_expired(now, settings)))
    db.commit()
    return todo


def _remind(db: Session, candidate: Candidate, now: datetime, settings: Periods) -> None:
    user = db.get(User, candidate.user_id) if candidate.user_id else None
    address = user.email if user else candidate.email
    if address:
        months_left = settings.inactive_months - settings.reminder_months
        link = external_url("auth.login")
        mail.queue(db, to=address, subject=_("Je gegevens bij SPT Match worden binnenkort "
                                             "verwijderd"),
                   body=_("Je hebt SPT Match al een tijd niet gebruikt. Over %(n)d maand(en) "
                          "verwijderen wij je gegevens, zoals we in onze privacyverklaring "
                          "beloven.\n\nWil je ze houden? Log dan in: %(link)s\n\nWil je dat "
                          "we ze nu al verwijderen? Dat kan op je profielpagina.",
                          n=months_left, link=link))
    candidate.retention_reminder_at = now
    db.add(candidate)


def _clear_introductions(db: Session, match_ids: list[int]) -> None:
    if not match_ids:
        return
    db.exec(update(Match).where(among(db, col(Match.id), match_ids)).values(
        override_reason=None, decline_note="", outcome_reason=""))
    db.exec(update(StatusChange).where(StatusChange.subject_type == "match",
                                       among(db, col(StatusChange.subject_id), match_ids))
            .values(reason=""))


def describe(result: PurgePlan, *, dry_run: bool) -> str:
    """The purge result as Dutch text for the terminal."""
    def ids(values: list[int]) -> str:
        return f"{len(values)}" + (f" ({', '.join(map(str, values))})" if values else "")

    return "\n".join([
        "Proefdraai, er verandert niets. Dit zou gebeuren:" if dry_run else "Uitgevoerd:",
        f"  inactieve kandidaten wissen: {ids(result.erase_candidates)}",
        f"  herinneringen na {periods().reminder_months} maanden: "
        f"{ids(result.remind_candidates)}",
        f"  vrije tekst van gesloten introducties wissen: {ids(result.clear_introductions)}",
        f"  oude logboekregels verwijderen: {result.audit_events}",
        f"  oude intake-concepten verwijderen: {result.intake_drafts}",
        f"  oude e-mails uit de outbox verwijderen: {result.outbox_messages}",
    ])
