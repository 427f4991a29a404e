"""AVG rights: export everything about a candidate, and erase it keeping anonymous aggregates."""

from datetime import date, datetime

from flask_babel import gettext as _
from sqlmodel import Session, col, delete, select, update

from spt.db import among
from spt.models import (
    Appointment,
    AuditEvent,
    Candidate,
    CandidateOccupation,
    CandidateSkill,
    Consent,
    Employer,
    InboxItem,
    IntakeDraft,
    Match,
    Module,
    ModuleEnrolment,
    Occupation,
    OutboxMessage,
    Placement,
    RecognitionSynonym,
    Skill,
    StatusChange,
    User,
)
from spt.models._base import utcnow
from spt.services import accounts, audit
from spt.services.errors import NotFound
from spt.vocabulary import MatchStatus as M

# Every table that holds data about a candidate, and how export and erasure treat it.
# tests/test_privacy.py fails when a table referring to a candidate or user is missing here;
# the privacy page (templates/main/privacy.html) tells candidates the same in Dutch.
COVERAGE = {
    "candidate": "exported; every personal and profile field blanked on erasure, marked erased; "
                 "the anonymous row (number, status, dates) kept for the KPIs",
    "candidateskill": "exported; deleted",
    "candidateoccupation": "exported; deleted",
    "consent": "exported; deleted",
    "match": "exported; computed ones deleted, the rest kept for the KPIs without free text "
             "(notes, reasons, explanation); open ones closed",
    "moduleenrolment": "exported; reason cleared, kept for KPIs without identity",
    "statuschange": "exported; reasons cleared (free text), actor link removed, kept for KPIs",
    "intakedraft": "exported; deleted",
    "outboxmessage": "exported; deleted, with the calendar invites about the person's "
                     "kennismakingen that went to the employer and the advisor",
    "auditevent": "exported; kept: who did what when, as ids; events never hold the words of "
                  "notes or reasons (append-only)",
    "user": "exported; deleted",
    "appointment": "exported; deleted (the kennismakingen of the candidate's matches)",
    "inboxitem": "exported; deleted (the candidate's own inbox and the employer's messages "
                 "about the candidate's matches)",
    "recognitionsynonym": "exported (texts they taught); kept without the link to the person "
                          "(created_by_id cleared): a job or skill name, never shown with a name",
}
# Blanked on erasure: empty text, None, or an empty list.
PERSONAL_FIELDS = ("first_name", "last_name", "email", "phone", "postcode", "heard_via",
                   "education_field", "advisor_notes")
PROFILE_FIELDS = ("pc4", "birth_year", "gender", "nt2_speaker", "nt2_level", "level",
                  "foreign_diploma", "hours_per_week", "available_from", "max_km",
                  "retention_reminder_at", "news_sent_at")
LIST_FIELDS = ("certificates", "driving_licences", "themes", "kinds", "news_placement_ids")
# Matches that ended or led to a placement keep their status; open ones are closed.
KEPT_MATCH_STATUSES = (M.AFGEWEZEN, M.UITGEVALLEN, M.GEPLAATST)


def _plain(value):
    return value.isoformat() if isinstance(value, date | datetime) else value


def _row(row, exclude=()) -> dict:
    return {k: _plain(v) for k, v in row.model_dump().items() if k not in exclude}


def export_candidate(db: Session, *, candidate_id: int, actor_id: int | None) -> dict:
    """Everything stored about a candidate, as JSON-ready data (the export is logged)."""
    candidate = db.get(Candidate, candidate_id)
    if candidate is None or candidate.erased_at is not None:
        raise NotFound(_("Kandidaat niet gevonden."))
    user = db.get(User, candidate.user_id) if candidate.user_id else None
    data = {
        "account": _row(user, exclude=("password_hash", "totp_secret")) if user else None,
        "profiel": _row(candidate),
        "vaardigheden": [dict(_row(cs), skill=label) for cs, label in db.exec(
            select(CandidateSkill, Skill.label)
            .join(Skill, Skill.id == CandidateSkill.skill_id, isouter=True)
            .where(CandidateSkill.candidate_id == candidate_id))],
        "werkervaring": [dict(_row(co), beroep=label) for co, label in db.exec(
            select(CandidateOccupation, Occupation.preferred_label)
            .join(Occupation, Occupation.id == CandidateOccupation.occupation_id, isouter=True)
            .where(CandidateOccupation.candidate_id == candidate_id))],
        "toestemmingen": [_row(c) for c in db.exec(
            select(Consent).where(Consent.candidate_id == candidate_id))],
        "matches": [dict(_row(m), plek=title, werkgever=name) for m, title, name in db.exec(
            select(Match, Placement.title, Employer.name)
            .join(Placement, Placement.id == Match.placement_id)
            .join(Employer, Employer.id == Placement.employer_id)
            .where(Match.candidate_id == candidate_id))],
        "scholing": [dict(_row(e), module=title) for e, title in db.exec(
            select(ModuleEnrolment, Module.title)
            .join(Module, Module.id == ModuleEnrolment.module_id)
            .where(ModuleEnrolment.candidate_id == candidate_id))],
        "statusgeschiedenis": [_row(s) for s in _history(db, candidate_id)],
        "concept_intake": [_row(d) for d in db.exec(
            select(IntakeDraft).where(IntakeDraft.user_id == candidate.user_id))] if user else [],
        "e-mails": [_row(m) for m in db.exec(
            select(OutboxMessage).where(OutboxMessage.recipient == user.email))] if user else [],
        "afspraken": [_row(a) for a in db.exec(select(Appointment).where(
            col(Appointment.match_id).in_(select(Match.id).where(
                Match.candidate_id == candidate_id))).order_by(Appointment.id))],
        "berichten": [_row(i) for i in db.exec(
            select(InboxItem).where(InboxItem.user_id == user.id))] if user else [],
        "logboek": [_row(e) for e in _audit_events(db, candidate, user)],
        "herkenning_bijgedragen": [_row(s, exclude=("created_by_id", "reviewed_by_id"))
                                   for s in db.exec(select(RecognitionSynonym).where(
                                       RecognitionSynonym.created_by_id == user.id))]
        if user else [],
    }
    audit.record(db, actor_id=actor_id, action="privacy.exported", subject_type="candidate",
                 subject_id=candidate_id)
    db.commit()
    return data


def _history(db: Session, candidate_id: int):
    match_ids = select(Match.id).where(Match.candidate_id == candidate_id)
    return db.exec(select(StatusChange).where(
        ((StatusChange.subject_type == "candidate") & (StatusChange.subject_id == candidate_id))
        | ((StatusChange.subject_type == "match") & col(StatusChange.subject_id).in_(match_ids)))
        .order_by(StatusChange.at))


def _audit_events(db: Session, candidate: Candidate, user: User | None):
    about = (AuditEvent.subject_type == "candidate") & (AuditEvent.subject_id == candidate.id)
    if user is not None:
        about = about | (AuditEvent.actor_id == user.id)
    return db.exec(select(AuditEvent).where(about).order_by(AuditEvent.id))


def erase_own_account(db: Session, *, user: User, password: str, trusted: bool) -> None:
    """A candidate erases their own account after the password check (counted like a login)."""
    accounts.check_password(db, user, password, trusted=trusted)
    candidate = db.exec(select(Candidate).where(Candidate.user_id == user.id)).first()
    if candidate is None:
        raise NotFound(_("Kandidaat niet gevonden."))
    erase_candidate(db, candidate_id=candidate.id, actor_id=user.id)


def erase_candidate(db: Session, *, candidate_id: int, actor_id: int | None) -> None:
    """Remove personal data and every free text about the person; keep anonymous aggregates.

    The candidate is marked erased and leaves every list, ranking and count; open matches are
    closed (status uitgevallen, no reason), so no employer or advisor keeps a 'ghost'.
    """
    candidate = db.get(Candidate, candidate_id)
    if candidate is None or candidate.erased_at is not None:
        raise NotFound(_("Kandidaat niet gevonden."))
    user = db.get(User, candidate.user_id) if candidate.user_id else None
    for model in (CandidateSkill, CandidateOccupation, Consent):
        db.exec(delete(model).where(model.candidate_id == candidate_id))
    _erase_matches(db, candidate_id)
    db.exec(update(ModuleEnrolment).where(ModuleEnrolment.candidate_id == candidate_id)
            .values(reason=""))
    db.exec(update(StatusChange).where(StatusChange.subject_type == "candidate",
                                       StatusChange.subject_id == candidate_id)
            .values(reason=""))
    addresses = {a for a in (candidate.email, user.email if user else "") if a}
    if addresses:
        db.exec(delete(OutboxMessage).where(col(OutboxMessage.recipient).in_(addresses)))
    for field in PERSONAL_FIELDS:
        setattr(candidate, field, "")
    for field in PROFILE_FIELDS:
        setattr(candidate, field, None)
    for field in LIST_FIELDS:
        setattr(candidate, field, [])
    candidate.user_id, candidate.erased_at = None, utcnow()
    db.add(candidate)
    if user is not None:
        _erase_user(db, user)
    audit.record(db, actor_id=actor_id if actor_id != (user and user.id) else None,
                 action="privacy.erased", subject_type="candidate", subject_id=candidate_id)
    db.commit()


def _erase_matches(db: Session, candidate_id: int) -> None:
    match_ids = select(Match.id).where(Match.candidate_id == candidate_id)
    # A kennismaking and the messages about it say when and where the person was expected;
    # the invites mailed to the employer and the advisor name the person as an attendee.
    db.exec(delete(InboxItem).where(col(InboxItem.match_id).in_(match_ids)))
    for uid in db.exec(select(Appointment.uid).where(col(Appointment.match_id).in_(match_ids))):
        db.exec(delete(OutboxMessage).where(col(OutboxMessage.attachment).contains(uid)))
    db.exec(delete(Appointment).where(col(Appointment.match_id).in_(match_ids)))
    db.exec(delete(Match).where(Match.candidate_id == candidate_id, Match.status == M.BEREKEND))
    matches = list(db.exec(select(Match).where(Match.candidate_id == candidate_id)))
    ids = [m.id for m in matches]
    if not ids:
        return
    db.exec(update(StatusChange).where(StatusChange.subject_type == "match",
                                       among(db, col(StatusChange.subject_id), ids))
            .values(reason=""))
    now = utcnow()
    for match in matches:
        if match.status not in KEPT_MATCH_STATUSES:
            db.add(StatusChange(subject_type="match", subject_id=match.id,
                                from_status=match.status, to_status=M.UITGEVALLEN, reason=""))
            match.status, match.version = M.UITGEVALLEN, match.version + 1
        match.explanation, match.override_reason = {}, None
        match.decline_note = match.outcome_reason = ""
        match.updated_at = now
        db.add(match)


def _erase_user(db: Session, user: User) -> None:
    db.exec(delete(IntakeDraft).where(IntakeDraft.user_id == user.id))
    db.exec(delete(InboxItem).where(InboxItem.user_id == user.id))
    db.exec(update(StatusChange).where(StatusChange.actor_id == user.id).values(actor_id=None))
    db.exec(update(RecognitionSynonym).where(RecognitionSynonym.created_by_id == user.id)
            .values(created_by_id=None))
    db.flush()
    db.delete(user)
