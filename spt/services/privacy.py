"""AVG rights: export everything about a candidate, and erase it keeping anonymous aggregates."""

from datetime import date, datetime

from flask_babel import gettext as _
from sqlmodel import Session, col, delete, select, update

from spt.models import (
    AuditEvent,
    Candidate,
    CandidateOccupation,
    CandidateSkill,
    Consent,
    Employer,
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
from spt.services import audit
from spt.services.errors import NotFound

# Every table that holds data about a candidate, and how export and erasure treat it.
# tests/test_privacy.py fails when a table referring to a candidate or user is missing here.
COVERAGE = {
    "candidate": "exported; personal fields blanked on erasure, aggregates kept",
    "candidateskill": "exported; deleted",
    "candidateoccupation": "exported; deleted",
    "consent": "exported; deleted",
    "match": "exported; free text cleared, kept for KPIs without identity",
    "moduleenrolment": "exported; reason cleared, kept for KPIs without identity",
    "statuschange": "exported; kept (no personal data), actor link removed",
    "intakedraft": "exported; deleted",
    "outboxmessage": "exported; deleted",
    "auditevent": "exported; kept (ids only, append-only)",
    "user": "exported; deleted",
    "recognitionsynonym": "exported (texts they taught); kept without the link to the person "
                          "(created_by_id cleared): a job or skill name, never shown with a name",
}
PERSONAL_FIELDS = ("first_name", "last_name", "email", "phone", "postcode", "pc4",
                   "birth_year", "heard_via", "education_field", "advisor_notes")


def _plain(value):
    return value.isoformat() if isinstance(value, date | datetime) else value


def _row(row, exclude=()) -> dict:
    return {k: _plain(v) for k, v in row.model_dump().items() if k not in exclude}


def export_candidate(db: Session, *, candidate_id: int, actor_id: int | None) -> dict:
    """Everything stored about a candidate, as JSON-ready data (the export is logged)."""
    candidate = db.get(Candidate, candidate_id)
    if candidate is None:
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


def erase_candidate(db: Session, *, candidate_id: int, actor_id: int | None) -> None:
    """Remove personal data and free text; keep anonymous aggregates for the KPIs."""
    candidate = db.get(Candidate, candidate_id)
    if candidate is None:
        raise NotFound(_("Kandidaat niet gevonden."))
    user = db.get(User, candidate.user_id) if candidate.user_id else None
    for model in (CandidateSkill, CandidateOccupation, Consent):
        db.exec(delete(model).where(model.candidate_id == candidate_id))
    db.exec(update(Match).where(Match.candidate_id == candidate_id).values(
        explanation={}, override_reason=None, decline_note="", outcome_reason=""))
    db.exec(update(ModuleEnrolment).where(ModuleEnrolment.candidate_id == candidate_id)
            .values(reason=""))
    for field in PERSONAL_FIELDS:
        setattr(candidate, field, None if field in ("pc4", "birth_year") else "")
    candidate.certificates, candidate.driving_licences = [], []
    candidate.user_id = None
    db.add(candidate)
    if user is not None:
        _erase_user(db, user)
    audit.record(db, actor_id=actor_id if actor_id != (user and user.id) else None,
                 action="privacy.erased", subject_type="candidate", subject_id=candidate_id)
    db.commit()


def _erase_user(db: Session, user: User) -> None:
    db.exec(delete(IntakeDraft).where(IntakeDraft.user_id == user.id))
    db.exec(delete(OutboxMessage).where(OutboxMessage.recipient == user.email))
    db.exec(update(StatusChange).where(StatusChange.actor_id == user.id).values(actor_id=None))
    db.exec(update(RecognitionSynonym).where(RecognitionSynonym.created_by_id == user.id)
            .values(created_by_id=None))
    db.flush()
    db.delete(user)
