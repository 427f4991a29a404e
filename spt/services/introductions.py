"""Introductions: an advisor proposes, the candidate consents per employer, identity follows."""

from flask_babel import gettext as _
from sqlmodel import Session, col, select

from spt.models import Candidate, Consent, Employer, Match, Placement, User
from spt.models._base import utcnow
from spt.services import audit, mail, pipeline
from spt.services.errors import DomainError, NotFound
from spt.services.intake import PRIVACY_VERSION
from spt.urls import external_url

PURPOSE = "introduction"


def identity_visible(db: Session, *, candidate_id: int, employer_id: int) -> bool:
    """Whether this employer may see the candidate's name and contact details right now."""
    statement = select(Consent.id).where(
        Consent.candidate_id == candidate_id, Consent.employer_id == employer_id,
        Consent.purpose == PURPOSE, Consent.granted.is_(True), col(Consent.withdrawn_at).is_(None))
    return db.exec(statement).first() is not None


def _match_with_parties(db: Session, match_id: int):
    row = db.exec(select(Match, Candidate, Placement, Employer)
                  .join(Candidate, Candidate.id == Match.candidate_id)
                  .join(Placement, Placement.id == Match.placement_id)
                  .join(Employer, Employer.id == Placement.employer_id)
                  .where(Match.id == match_id)).first()
    if row is None:
        raise NotFound(_("Deze match bestaat niet."))
    return row


def propose(db: Session, *, advisor: User, match_id: int, expected_version: int,
            note: str = "") -> Match:
    """Propose a match: the candidate is asked for consent for this employer (logged)."""
    match, candidate, placement, employer = _match_with_parties(db, match_id)
    if employer.verified_at is None:
        raise DomainError(_("%(name)s is nog niet gecontroleerd. Controleer de werkgever eerst; "
                            "daarna kunt u kandidaten voorstellen.", name=employer.name))
    if candidate.erased_at is not None:
        raise NotFound(_("Deze kandidaat bestaat niet."))
    pipeline.move_match(db, match, "wacht_op_kandidaat", actor_id=advisor.id, reason=note,
                        expected_version=expected_version,
                        values={"proposed_by_id": advisor.id, "proposed_at": utcnow()})
    pipeline.follow_match(db, candidate, "wacht_op_kandidaat", actor_id=advisor.id)
    audit.record(db, actor_id=advisor.id, action="advisor.proposed", subject_type="match",
                 subject_id=match.id, detail={"score": match.score,
                                              "factors": match.explanation.get("factors", []),
                                              "with_note": bool(note.strip())})
    _mail_candidate(db, candidate, placement, employer)
    db.commit()
    return match


def _mail_candidate(db: Session, candidate: Candidate, placement: Placement,
                    employer: Employer) -> None:
    user = db.get(User, candidate.user_id) if candidate.user_id else None
    if user is None or user.mail_preferences.get("introductions") is False:
        return
    mail.queue(db, to=user.email, subject=_("Een adviseur wil je voorstellen aan een werkgever"),
               body=_("Je adviseur wil je voorstellen aan %(employer)s voor de plek "
                      "'%(title)s'. Geef je toestemming? De werkgever ziet je naam pas als "
                      "je ja zegt.\n\nBekijk het voorstel: %(link)s",
                      employer=employer.name, title=placement.title,
                      link=external_url("candidate.home")))


def answer(db: Session, *, user: User, match_id: int, consent: bool) -> Match:
    """The candidate gives or refuses consent for an introduction to this employer."""
    match, candidate, placement, employer = _match_with_parties(db, match_id)
    if candidate.user_id != user.id:
        raise NotFound(_("Deze match bestaat niet."))
    if match.status != "wacht_op_kandidaat":
        raise DomainError(_("Op dit voorstel heb je al gereageerd."))
    db.add(Consent(candidate_id=candidate.id, employer_id=employer.id, purpose=PURPOSE,
                   granted=consent, privacy_version=_privacy_version()))
    new = "voorgesteld" if consent else "afgewezen"
    reason = "" if consent else _("De kandidaat wil niet voorgesteld worden.")
    pipeline.move_match(db, match, new, actor_id=user.id, reason=reason)
    if consent:
        pipeline.follow_match(db, candidate, "voorgesteld", actor_id=user.id)
        _mail_employer(db, employer, placement)
    audit.record(db, actor_id=user.id, action="candidate.consent_" + ("given" if consent
                                                                       else "refused"),
                 subject_type="match", subject_id=match.id, detail={"employer_id": employer.id})
    db.commit()
    return match


def _mail_employer(db: Session, employer: Employer, placement: Placement) -> None:
    user = db.get(User, employer.user_id) if employer.user_id else None
    if user is None or user.mail_preferences.get("introductions") is False:
        return
    mail.queue(db, to=user.email, subject=_("Nieuwe kandidaat voorgesteld"),
               body=_("Een adviseur van het Servicepunt Techniek stelt een kandidaat voor "
                      "voor uw plek '%(title)s'. Bekijk het profiel: %(link)s",
                      title=placement.title, link=external_url("employer.home")))


def withdraw(db: Session, *, user: User, match_id: int) -> Match:
    """The candidate withdraws consent: the employer loses the identity at once."""
    match, candidate, _placement, employer = _match_with_parties(db, match_id)
    if candidate.user_id != user.id:
        raise NotFound(_("Deze match bestaat niet."))
    consents = db.exec(select(Consent).where(
        Consent.candidate_id == candidate.id, Consent.employer_id == employer.id,
        Consent.purpose == PURPOSE, col(Consent.withdrawn_at).is_(None))).all()
    if not any(c.granted for c in consents):
        raise DomainError(_("Er is geen toestemming om in te trekken."))
    for consent in consents:
        consent.withdrawn_at = utcnow()
        db.add(consent)
    if "afgewezen" in pipeline.MATCH_TRANSITIONS.get(match.status, set()):
        pipeline.move_match(db, match, "afgewezen", actor_id=user.id,
                            reason=_("De kandidaat heeft de toestemming ingetrokken."))
    audit.record(db, actor_id=user.id, action="candidate.consent_withdrawn",
                 subject_type="match", subject_id=match.id, detail={"employer_id": employer.id})
    db.commit()
    return match


def _privacy_version() -> str:
    return PRIVACY_VERSION


def for_candidate(db: Session, candidate_id: int) -> list[tuple[Match, Placement, Employer]]:
    """Introductions the candidate has been asked about or agreed to, newest first."""
    statuses = ("wacht_op_kandidaat", "voorgesteld", "kennismaking", "proefplaatsing",
                "geplaatst")
    rows = db.exec(select(Match, Placement, Employer)
                   .join(Placement, Placement.id == Match.placement_id)
                   .join(Employer, Employer.id == Placement.employer_id)
                   .where(Match.candidate_id == candidate_id, col(Match.status).in_(statuses))
                   .order_by(col(Match.proposed_at).desc()))
    return list(rows)
