"""The intake: a draft per account or browser, saved step by step, finished in one commit."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, delete, select

from matching.types import INTENTS
from spt.models import (
    Candidate,
    CandidateOccupation,
    CandidateSkill,
    Consent,
    IntakeDraft,
    Occupation,
    Skill,
    StatusChange,
    User,
)
from spt.models._base import utcnow
from spt.services import accounts, audit, intake_drafts, mail, matches
from spt.services import intake_typed as typed
from spt.services.consents import PRIVACY_VERSION
from spt.services.errors import DomainError
from spt.services.intake_typed import TYPED
from spt.services.passwords import hash_password, password_problem
from spt.services.profile import apply_answers, as_draft
from spt.urls import external_url
from spt.vocabulary import CandidateStatus as C

PURPOSES = ("matching", "employers_pseudonymous", "mail", "research")
STEPS = 6
REQUIRED_STEPS = (1, 4, 5)  # steps 2 and 3 may stay empty: a school leaver has no jobs yet


def find_draft(db: Session, *, user_id: int | None, token: str | None) -> IntakeDraft | None:
    """The open draft of this account; for a visitor, of this browser session.

    A logged-in user never gets a visitor's draft: on a shared computer (or with a planted
    cookie) it would show one person's details to another and overwrite the account's contact
    details with someone else's.
    """
    if user_id is not None:
        return db.exec(select(IntakeDraft).where(IntakeDraft.user_id == user_id)).first()
    if token:
        return db.exec(select(IntakeDraft).where(IntakeDraft.token == token,
                                                 col(IntakeDraft.user_id).is_(None))).first()
    return None


def _draft_for_write(db: Session, user_id: int | None, token: str) -> IntakeDraft:
    draft = find_draft(db, user_id=user_id, token=token)
    if draft is None:
        draft = IntakeDraft(token=token, user_id=user_id, data={})
        if user_id is not None:
            draft.data = _profile_as_draft(db, user_id)
    return draft


@dataclass(frozen=True)
class StepSaved:
    """A saved step; `check` asks to show the same step again, with what was recognised."""

    draft: IntakeDraft
    check: bool


def save_step(db: Session, *, user_id: int | None, token: str, step: int, values: dict,
              action: dict | None = None) -> StepSaved:
    """Store one step in the draft; for a finished intake the profile is updated at once.

    On steps 2 and 3 every typed text is recognised; `action` is the candidate's answer to a
    "Bedoel je ...?" ({"op": choose | none | wrong, "text": ..., "target": ...}).
    """
    draft = _draft_for_write(db, user_id, token)
    check = False
    if step in TYPED:
        saved = _current(db, draft.data, user_id).get(str(step), {})
        values, check = typed.read_step(db, step, values, saved, action, user_id)
    draft.data = {**draft.data, str(step): values}
    draft.step = max(draft.step, min(step + (0 if check else 1), STEPS))
    draft.updated_at = utcnow()
    db.add(draft)
    if step == 1 and user_id is None:
        intake_drafts.remember_address(db, draft, values["email"])
    candidate = _finished_candidate(db, user_id)
    if candidate is not None:
        _apply(db, candidate, {str(step): values})
        matches.recompute_for_candidate(db, candidate)
    db.commit()
    return StepSaved(draft, check)


def _finished_candidate(db: Session, user_id: int | None) -> Candidate | None:
    if user_id is None:
        return None
    candidate = db.exec(select(Candidate).where(Candidate.user_id == user_id)).first()
    return candidate if candidate and candidate.intake_completed_at else None


def is_finished(db: Session, user_id: int | None) -> bool:
    """Whether this account already finished its intake (steps then edit the profile)."""
    return _finished_candidate(db, user_id) is not None


def form_data(db: Session, *, user_id: int | None, token: str | None) -> tuple[dict, int]:
    """What the steps show, and the furthest step open.

    A finished profile's skills are read from the profile itself: advisors link skills and
    completed modules add them outside the intake, and saving the step must keep those.
    """
    draft = find_draft(db, user_id=user_id, token=token)
    if draft is None:
        profile = _profile_as_draft(db, user_id) if user_id is not None else {}
        return profile, 6 if profile else 1  # a finished profile opens any step
    return _current(db, draft.data, user_id), draft.step


def _current(db: Session, data: dict, user_id: int | None) -> dict:
    """The draft, with a finished profile's jobs and skills read from the profile itself."""
    profile = _profile_as_draft(db, user_id) if user_id is not None else {}
    return typed.merge(data, profile) if profile else data


def certificate_choices(db: Session) -> list[tuple[str, str]]:
    """Certificates a candidate can tick, from the skills catalogue."""
    rows = db.exec(select(Skill.slug, Skill.label).where(
        Skill.kind == "certificaat", Skill.retired_at.is_(None)).order_by(Skill.label))
    return [(slug, label) for slug, label in rows]


def missing_steps(data: dict) -> list[int]:
    """Required steps that the draft does not hold yet."""
    return [step for step in REQUIRED_STEPS if str(step) not in data]


def complete(db: Session, *, user: User | None, token: str, consents: dict[str, bool],
             password: str | None = None) -> User | None:
    """Finish the intake: account (if needed), profile, consents and matches in one commit.

    A visitor's new account waits for the mailed confirmation before the first login; for an
    address that already has an account its owner gets a mail and nothing is linked (None).
    The visitor is told the same in both cases.
    """
    draft = find_draft(db, user_id=user.id if user else None, token=token)
    if draft is None:
        return _update_consents(db, user, consents)
    if missing := missing_steps(draft.data):
        raise DomainError(_("Vul eerst stap %(n)d in.", n=missing[0]))
    if not consents.get("matching"):
        raise DomainError(_("Zonder deze toestemming kunnen wij je niet helpen."),
                          field="consent_matching")
    user_id = user.id if user else None
    try:
        return _complete(db, draft, user, consents, password)
    except (IntegrityError, StaleDataError, DomainError) as error:
        # A double submit that raced the first one: the first finished the intake.
        db.rollback()
        if isinstance(error, DomainError) and find_draft(db, user_id=user_id, token=token):
            raise
        raise DomainError(_("Deze intake is al afgerond. Log in om verder te gaan.")) from error


def _complete(db: Session, draft: IntakeDraft, user: User | None, consents: dict[str, bool],
              password: str | None) -> User:
    if user is None:
        email = draft.data["1"]["email"]
        if problem := password_problem(password or ""):
            raise DomainError(problem, field="password")
        if (owner := accounts.find_by_email(db, email)) is not None:
            hash_password(password or "")  # the same work as a new account
            accounts.notify_taken_address(db, owner)
            db.commit()
            return None
        user = accounts.new_candidate_user(db, email=email, password=password or "")
    candidate = db.exec(select(Candidate).where(Candidate.user_id == user.id)).first()
    if candidate is None:
        candidate = Candidate(user_id=user.id)
    was_complete = candidate.intake_completed_at is not None
    _apply(db, candidate, draft.data)
    _record_consents(db, candidate, consents)
    if not was_complete:
        _finish(db, candidate, user)
    db.delete(draft)
    db.flush()
    matches.recompute_for_candidate(db, candidate)
    db.commit()
    return user


def _update_consents(db: Session, user: User | None, consents: dict[str, bool]) -> User:
    candidate = _finished_candidate(db, user.id if user else None)
    if candidate is None:
        raise DomainError(_("Deze intake is al afgerond of bestaat niet meer."))
    _record_consents(db, candidate, consents)
    db.commit()
    return user


def _finish(db: Session, candidate: Candidate, user: User) -> None:
    candidate.intake_completed_at = candidate.last_contact_at = utcnow()
    old, candidate.status = candidate.status, C.INTAKE_AFGEROND
    db.add(StatusChange(subject_type="candidate", subject_id=candidate.id, from_status=old,
                        to_status=C.INTAKE_AFGEROND, reason="intake", actor_id=user.id))
    audit.record(db, actor_id=user.id, action="intake.completed", subject_type="candidate",
                 subject_id=candidate.id)
    _confirm_intake(db, user)


def _confirm_intake(db: Session, user: User) -> None:
    """The mail that says the intake arrived and what happens next (caller commits)."""
    mail.queue(db, to=user.email, subject=_("Je intake bij SPT Match is binnen"),
               body=_("Dank je wel. Je intake bij SPT Match is binnen.\n\nWat gebeurt er nu?\n"
                      "- Een adviseur van het Servicepunt Techniek bekijkt je gegevens en neemt "
                      "contact met je op.\n- Op Mijn loopbaan zie je routes, scholing en plekken "
                      "die bij je passen: %(home)s\n- Werkgevers zien je naam pas als je daar "
                      "per werkgever ja op zegt.\n\nJe toestemming kun je altijd intrekken, "
                      "zonder je account te verwijderen: %(consent)s",
                      home=external_url("candidate.home"),
                      consent=external_url("candidate.consent_overview")))


def _record_consents(db: Session, candidate: Candidate, consents: dict[str, bool]) -> None:
    current = {c.purpose: c for c in db.exec(select(Consent).where(
        Consent.candidate_id == candidate.id, Consent.employer_id.is_(None),
        Consent.withdrawn_at.is_(None)))}
    for purpose in PURPOSES:
        granted = bool(consents.get(purpose))
        existing = current.get(purpose)
        if existing is not None and existing.granted == granted:
            continue
        if existing is not None:
            existing.withdrawn_at = utcnow()
        db.add(Consent(candidate_id=candidate.id, purpose=purpose, granted=granted,
                       privacy_version=PRIVACY_VERSION))


def _apply(db: Session, candidate: Candidate, data: dict) -> None:
    """Copy draft steps onto the candidate profile (the caller commits)."""
    if "2" in data:
        _intent(data["2"].get("intent"))
    apply_answers(candidate, data)
    candidate.updated_at = utcnow()
    db.add(candidate)
    db.flush()
    if "2" in data:
        _replace_jobs(db, candidate, data["2"]["jobs"])
    if "3" in data:
        _replace_skills(db, candidate, data["3"]["skills"])


def _intent(value: str | None) -> str | None:
    if value and value not in INTENTS:
        raise DomainError(_("Kies overstappen, blijven of doorgroeien."), field="intent")
    return value or None


def _replace_jobs(db: Session, candidate: Candidate, jobs: list[dict]) -> None:
    db.exec(delete(CandidateOccupation).where(CandidateOccupation.candidate_id == candidate.id))
    uris = {job["occupation_uri"] for job in jobs if job.get("occupation_uri")}
    ids = dict(db.exec(select(Occupation.uri, Occupation.id).where(Occupation.uri.in_(uris))).all())
    for job in jobs:
        occupation_id = ids.get(job.get("occupation_uri"))
        db.add(CandidateOccupation(candidate_id=candidate.id, free_text=job["title"],
                                   years=job["years"] or 0, occupation_id=occupation_id,
                                   confidence=job.get("confidence") if occupation_id else None,
                                   mapped_by=job.get("mapped_by") or "matcher"))


def _replace_skills(db: Session, candidate: Candidate, skills: list[dict]) -> None:
    db.exec(delete(CandidateSkill).where(CandidateSkill.candidate_id == candidate.id))
    slugs = {s["skill_slug"] for s in skills if s.get("skill_slug")}
    ids = dict(db.exec(select(Skill.slug, Skill.id).where(Skill.slug.in_(slugs))).all())
    seen: set[int] = set()
    for skill in skills:
        skill_id = ids.get(skill.get("skill_slug"))
        if skill_id in seen:
            continue  # the same concept typed twice counts once
        if skill_id is not None:
            seen.add(skill_id)
        db.add(CandidateSkill(candidate_id=candidate.id, skill_id=skill_id,
                              free_text=skill["name"], self_level=int(skill["level"]),
                              needs_review=skill_id is None,
                              confidence=skill.get("confidence") if skill_id else None,
                              mapped_by=skill.get("mapped_by") or "matcher"))


def _profile_as_draft(db: Session, user_id: int) -> dict:
    """A finished candidate's profile in draft form, so the same steps edit it."""
    candidate = db.exec(select(Candidate).where(Candidate.user_id == user_id)).first()
    if candidate is None or candidate.intake_completed_at is None:
        return {}

    return as_draft(db, candidate)
