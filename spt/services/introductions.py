"""Introductions: an advisor proposes, the candidate consents per employer, identity follows."""

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, select

from spt.models import Candidate, Consent, Employer, Match, Placement, StatusChange, User
from spt.models._base import utcnow
from spt.services import appointments, audit, inbox, mail, pipeline
from spt.services.errors import DomainError, NotFound
from spt.services.intake import PRIVACY_VERSION
from spt.urls import external_url
from spt.vocabulary import MatchStatus as M

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
    pipeline.move_match(db, match, M.WACHT_OP_KANDIDAAT, actor_id=advisor.id, reason=note,
                        expected_version=expected_version,
                        values={"proposed_by_id": advisor.id, "proposed_at": utcnow()})
    pipeline.follow_match(db, candidate, M.WACHT_OP_KANDIDAAT, actor_id=advisor.id)
    audit.record(db, actor_id=advisor.id, action="advisor.proposed", subject_type="match",
                 subject_id=match.id, detail={"score": match.score,
                                              "factors": match.explanation.get("factors", []),
                                              "with_note": bool(note.strip())})
    _mail_candidate(db, candidate, placement, employer)
    inbox.add(db, user_id=candidate.user_id, kind="consent_request", match_id=match.id,
              detail={"employer": employer.name, "title": placement.title})
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


WAITING = M.WACHT_OP_KANDIDAAT
# Places at an employer that withdrawing consent puts on hold (undo brings them back); later
# steps (proefplaatsing, geplaatst) are facts and keep their status, only the name goes.
ON_HOLD_WHEN_WITHDRAWN = (WAITING, M.VOORGESTELD, M.KENNISMAKING)
THANKED = _l("De kandidaat heeft bedankt.")


def _own_match(db: Session, user: User, match_id: int):
    match, candidate, placement, employer = _match_with_parties(db, match_id)
    if candidate.user_id != user.id:
        raise NotFound(_("Deze match bestaat niet."))
    return match, candidate, placement, employer


def _at_employer(db: Session, candidate_id: int, employer_id: int, statuses) -> list:
    return list(db.exec(select(Match, Placement).join(Placement, Placement.id == Match.placement_id)
                        .where(Match.candidate_id == candidate_id,
                               Placement.employer_id == employer_id,
                               col(Match.status).in_(statuses)).order_by(Match.id)))


def _active_consents(db: Session, candidate_id: int, employer_id: int) -> list[Consent]:
    return list(db.exec(select(Consent).where(
        Consent.candidate_id == candidate_id, Consent.employer_id == employer_id,
        Consent.purpose == PURPOSE, col(Consent.withdrawn_at).is_(None))))


def answer(db: Session, *, user: User, match_id: int, consent: bool) -> list[Placement]:
    """Yes or no to this employer: one answer for every place there that waits for it.

    Yes lets the employer see name and contact details; no closes those places with
    "de kandidaat heeft bedankt" and the employer never learns who it was. Returns the places.
    """
    match, candidate, _placement, employer = _own_match(db, user, match_id)
    if match.status != WAITING:
        raise DomainError(_("Op dit voorstel heb je al gereageerd."))
    waiting = _at_employer(db, candidate.id, employer.id, (WAITING,))
    if consent and not any(c.granted for c in _active_consents(db, candidate.id, employer.id)):
        db.add(Consent(candidate_id=candidate.id, employer_id=employer.id, purpose=PURPOSE,
                       granted=True, privacy_version=_privacy_version()))
    elif not consent:
        db.add(Consent(candidate_id=candidate.id, employer_id=employer.id, purpose=PURPOSE,
                       granted=False, privacy_version=_privacy_version()))
    for row, _p in waiting:
        if consent:
            pipeline.move_match(db, row, M.VOORGESTELD, actor_id=user.id)
        else:
            pipeline.move_match(db, row, M.AFGEWEZEN, actor_id=user.id, reason=str(THANKED),
                                values={"candidate_declined_at": utcnow()})
    places = [p for _m, p in waiting]
    inbox.resolve(db, kind="consent_request", match_ids=[m.id for m, _p in waiting])
    if consent:
        pipeline.follow_match(db, candidate, M.VOORGESTELD, actor_id=user.id)
        for row, place in waiting:
            _mail_employer(db, employer, place)
            inbox.add(db, user_id=employer.user_id, kind="proposal", match_id=row.id,
                      detail={"employer": employer.name, "title": place.title})
    else:
        _tell_advisor(db, candidate, employer, places, _("heeft bedankt voor"))
    audit.record(db, actor_id=user.id, action="candidate.consent_" + ("given" if consent
                                                                       else "refused"),
                 subject_type="match", subject_id=match.id,
                 detail={"employer_id": employer.id, "matches": [m.id for m, _p in waiting]})
    db.commit()
    return places


def _mail_employer(db: Session, employer: Employer, placement: Placement) -> None:
    user = db.get(User, employer.user_id) if employer.user_id else None
    if user is None or user.mail_preferences.get("introductions") is False:
        return
    mail.queue(db, to=user.email, subject=_("Nieuwe kandidaat voorgesteld"),
               body=_("Een adviseur van het Servicepunt Techniek stelt een kandidaat voor "
                      "voor uw plek '%(title)s'. Bekijk het profiel: %(link)s",
                      title=placement.title, link=external_url("employer.home")))


def withdraw(db: Session, *, user: User, match_id: int) -> list[Placement]:
    """Withdraw consent for this employer: the name goes at once, its places go on hold.

    The advisor and the employer are told; `undo` brings it all back. Returns the places.
    """
    _match, candidate, _placement, employer = _own_match(db, user, match_id)
    consents = _active_consents(db, candidate.id, employer.id)
    if not any(c.granted for c in consents):
        raise DomainError(_("Er is geen toestemming om in te trekken."))
    now = utcnow()
    for consent in consents:
        consent.withdrawn_at = now
        db.add(consent)
    rows = _at_employer(db, candidate.id, employer.id, ON_HOLD_WHEN_WITHDRAWN)
    for row, _p in rows:
        pipeline.move_match(db, row, M.ON_HOLD, actor_id=user.id, reason=str(THANKED),
                            values={"candidate_declined_at": now})
    appointments.cancel_after_withdrawal(db, match_ids=[m.id for m, _p in rows],
                                         actor_id=user.id)
    places = [p for _m, p in _at_employer(db, candidate.id, employer.id,
                                          (*ON_HOLD_WHEN_WITHDRAWN, M.ON_HOLD,
                                           *pipeline.ACTIVE_WITH_EMPLOYER))]
    _tell_advisor(db, candidate, employer, places, _("heeft de toestemming ingetrokken voor"))
    _tell_employer(db, candidate, employer, places, withdrawn=True)
    audit.record(db, actor_id=user.id, action="candidate.consent_withdrawn",
                 subject_type="candidate", subject_id=candidate.id,
                 detail={"employer_id": employer.id, "matches": [m.id for m, _p in rows]})
    db.commit()
    return places


def undo_withdrawal(db: Session, *, user: User, match_id: int) -> list[Placement]:
    """Give consent for this employer again: places on hold after the withdrawal come back."""
    _match, candidate, _placement, employer = _own_match(db, user, match_id)
    if any(c.granted for c in _active_consents(db, candidate.id, employer.id)):
        raise DomainError(_("Je toestemming voor %(employer)s staat al aan.",
                            employer=employer.name))
    held = [(m, p) for m, p in _at_employer(db, candidate.id, employer.id, (M.ON_HOLD,))
            if m.candidate_declined_at is not None]
    if not held:
        raise DomainError(_("Hier is niets meer terug te zetten. Je adviseur kan je opnieuw "
                            "voorstellen."))
    db.add(Consent(candidate_id=candidate.id, employer_id=employer.id, purpose=PURPOSE,
                   granted=True, privacy_version=_privacy_version()))
    for row, _p in held:
        pipeline.move_match(db, row, _status_before_hold(db, row), actor_id=user.id,
                            reason=_("De kandidaat doet weer mee."),
                            values={"candidate_declined_at": None})
    places = [p for _m, p in held]
    _tell_advisor(db, candidate, employer, places, _("doet weer mee voor"))
    _tell_employer(db, candidate, employer, places, withdrawn=False)
    audit.record(db, actor_id=user.id, action="candidate.consent_restored",
                 subject_type="candidate", subject_id=candidate.id,
                 detail={"employer_id": employer.id, "matches": [m.id for m, _p in held]})
    db.commit()
    return places


def _status_before_hold(db: Session, match: Match) -> str:
    change = db.exec(select(StatusChange).where(
        StatusChange.subject_type == "match", StatusChange.subject_id == match.id,
        StatusChange.to_status == M.ON_HOLD).order_by(col(StatusChange.id).desc())).first()
    return change.from_status if change and change.from_status else WAITING


def _tell_advisor(db: Session, candidate: Candidate, employer: Employer,
                  places: list[Placement], what: str) -> None:
    advisor_id = candidate.advisor_id or next(
        (m.proposed_by_id for m, _p in _at_employer(db, candidate.id, employer.id,
                                                    tuple(pipeline.MATCH_STATUSES))
         if m.proposed_by_id), None)
    advisor = db.get(User, advisor_id) if advisor_id else None
    if advisor is None or not advisor.active:
        return
    mail.queue(db, to=advisor.email,
               subject=_("Kandidaat %(number)s en %(employer)s", number=candidate.number,
                         employer=employer.name),
               body=_("Kandidaat %(number)s %(what)s %(employer)s: %(places)s.\n\nBekijk de "
                      "details in SPT Match: %(link)s", number=candidate.number, what=what,
                      employer=employer.name, places=", ".join(p.title for p in places),
                      link=external_url("advisor.home")))


def _tell_employer(db: Session, candidate: Candidate, employer: Employer,
                   places: list[Placement], *, withdrawn: bool) -> None:
    user = db.get(User, employer.user_id) if employer.user_id else None
    if user is None or not user.active:
        return
    titles = ", ".join(p.title for p in places)
    if withdrawn:
        subject = _("Een kandidaat heeft bedankt")
        body = _("Een kandidaat heeft bedankt voor: %(places)s. U ziet de naam en "
                 "contactgegevens niet meer. Gebruik ze ook niet meer buiten SPT Match. Vragen? "
                 "Neem contact op met de adviseur van het Servicepunt Techniek.", places=titles)
    else:
        subject = _("Een kandidaat doet weer mee")
        body = _("Kandidaat %(number)s doet weer mee voor: %(places)s. U ziet de naam en "
                 "contactgegevens weer in SPT Match: %(link)s", number=candidate.number,
                 places=titles, link=external_url("employer.home"))
    mail.queue(db, to=user.email, subject=subject, body=body)


def _privacy_version() -> str:
    return PRIVACY_VERSION


@dataclass(frozen=True)
class AtEmployer:
    """What the candidate decides about one employer: consent works per employer."""

    employer: Employer
    first_match_id: int  # the form names the employer through one of its matches
    waiting: tuple[Placement, ...]  # places the advisor asks about now
    agreed: tuple[tuple[Match, Placement], ...]  # places where the employer sees who you are
    held: tuple[Placement, ...]  # on hold after a withdrawal: can be undone
    granted: bool


SHOWN = (WAITING, M.VOORGESTELD, M.KENNISMAKING, M.PROEFPLAATSING, M.GEPLAATST, M.ON_HOLD)


def for_candidate(db: Session, candidate_id: int) -> list[AtEmployer]:
    """The employers the candidate was introduced to or asked about, newest first."""
    rows = db.exec(select(Match, Placement, Employer)
                   .join(Placement, Placement.id == Match.placement_id)
                   .join(Employer, Employer.id == Placement.employer_id)
                   .where(Match.candidate_id == candidate_id, col(Match.status).in_(SHOWN))
                   .order_by(col(Match.proposed_at).desc(), col(Match.id).desc()))
    grouped: dict[int, list] = {}
    for match, placement, employer in rows:
        if match.status == M.ON_HOLD and match.candidate_declined_at is None:
            continue  # an advisor's hold, not the candidate's
        grouped.setdefault(employer.id, []).append((match, placement, employer))
    granted = set(db.exec(select(Consent.employer_id).where(
        Consent.candidate_id == candidate_id, Consent.purpose == PURPOSE,
        col(Consent.granted).is_(True), col(Consent.withdrawn_at).is_(None))))
    return [AtEmployer(
        employer=items[0][2], first_match_id=items[0][0].id,
        waiting=tuple(p for m, p, _e in items if m.status == WAITING),
        agreed=tuple((m, p) for m, p, _e in items if m.status not in (WAITING, M.ON_HOLD)),
        held=tuple(p for m, p, _e in items if m.status == M.ON_HOLD),
        granted=employer_id in granted) for employer_id, items in grouped.items()]


def at_employer_of(db: Session, *, user: User, match_id: int) -> AtEmployer:
    """What withdrawing consent for this match's employer would touch (for the confirm page)."""
    _match, candidate, _placement, employer = _own_match(db, user, match_id)
    item = next((i for i in for_candidate(db, candidate.id) if i.employer.id == employer.id),
                None)
    if item is None or not item.granted:
        raise DomainError(_("Er is geen toestemming om in te trekken."))
    return item
