"""Consent per purpose: given in the intake, withdrawn and given again on its own page.

Withdrawing never needs deleting the account. Without consent for matching the matcher leaves
the candidate alone: computed matches go, no ranking, no match round, no counts for employers;
introductions already agreed stay (they have their own consent per employer).
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, delete, select

from spt.models import Candidate, Consent, Match, User
from spt.models._base import utcnow
from spt.services import audit, mail
from spt.services.errors import DomainError, NotFound
from spt.urls import external_url
from spt.vocabulary import MatchStatus as M

PRIVACY_VERSION = "2026-11"  # the version of the privacy text that consents refer to
PURPOSES = {
    "matching": _l("SPT mag mijn gegevens gebruiken om mij te helpen aan werk of scholing. "
                   "Daarbij helpt software die plekken rangschikt; een adviseur beslist."),
    "employers_pseudonymous": _l("Een adviseur mag mijn profiel zonder naam laten zien aan "
                                 "werkgevers."),
    "mail": _l("Ik wil e-mail over nieuwe plekken die bij mij passen, met scholing die "
               "daarbij helpt."),
    "research": _l("Mijn gegevens mogen zonder naam gebruikt worden voor onderzoek."),
}
# What stops when a consent is withdrawn, said on the page that asks to confirm.
WHEN_WITHDRAWN = {
    "matching": _l("We zoeken dan geen plekken en routes meer voor je. Je adviseur krijgt "
                   "bericht. Je account en je gegevens blijven bewaard. Voorstellen waar je al "
                   "ja op zei, blijven staan; die stop je per werkgever."),
    "employers_pseudonymous": _l("Werkgevers zien je profiel zonder naam dan niet meer "
                                 "zolang je nog geen ja zei."),
    "mail": _l("Je krijgt dan geen e-mail meer over nieuwe plekken en scholing."),
    "research": _l("Je gegevens worden dan niet meer gebruikt voor onderzoek."),
}


def refused(purpose: str):
    """Candidate ids whose current answer for this purpose is no (a subquery).

    Candidates without any answer (from before consent was stored) count as not refused.
    """
    return select(Consent.candidate_id).where(
        Consent.purpose == purpose, col(Consent.employer_id).is_(None),
        col(Consent.granted).is_(False), col(Consent.withdrawn_at).is_(None))


def matching_refused(db: Session, candidate_id: int) -> bool:
    """Whether this candidate has withdrawn (or refused) consent for matching."""
    return db.exec(refused("matching").where(Consent.candidate_id == candidate_id)).first() \
        is not None


def current(db: Session, candidate_id: int) -> dict[str, bool]:
    """The current answer per purpose (False when never given)."""
    rows = db.exec(select(Consent).where(
        Consent.candidate_id == candidate_id, col(Consent.employer_id).is_(None),
        col(Consent.withdrawn_at).is_(None), col(Consent.purpose).in_(tuple(PURPOSES))))
    answers = {purpose: False for purpose in PURPOSES}
    for consent in rows:
        answers[consent.purpose] = consent.granted
    return answers


def _own(db: Session, user: User, purpose: str) -> Candidate:
    if purpose not in PURPOSES:
        raise NotFound(_("Deze toestemming bestaat niet."))
    candidate = db.exec(select(Candidate).where(Candidate.user_id == user.id)).first()
    if candidate is None or candidate.intake_completed_at is None:
        raise NotFound(_("Je hebt nog geen profiel."))
    return candidate


def set_purpose(db: Session, *, user: User, purpose: str, granted: bool) -> Candidate:
    """Give or withdraw one consent; the old answer is kept as history with its end time."""
    candidate = _own(db, user, purpose)
    if current(db, candidate.id)[purpose] == granted:
        raise DomainError(_("Deze toestemming staat al aan.") if granted
                          else _("Deze toestemming staat al uit."))
    now = utcnow()
    for old in db.exec(select(Consent).where(
            Consent.candidate_id == candidate.id, Consent.purpose == purpose,
            col(Consent.employer_id).is_(None), col(Consent.withdrawn_at).is_(None))):
        old.withdrawn_at = now
        db.add(old)
    db.add(Consent(candidate_id=candidate.id, purpose=purpose, granted=granted,
                   privacy_version=PRIVACY_VERSION))
    db.flush()
    if purpose == "matching":
        _matching_changed(db, candidate, granted)
    audit.record(db, actor_id=user.id,
                 action="candidate.purpose_" + ("given" if granted else "withdrawn"),
                 subject_type="candidate", subject_id=candidate.id, detail={"purpose": purpose})
    db.commit()
    return candidate


def _matching_changed(db: Session, candidate: Candidate, granted: bool) -> None:
    # matches ranks through matchmaking, which reads this module: imported here against a cycle
    from spt.services import matches  # noqa: PLC0415

    if granted:
        matches.recompute_for_candidate(db, candidate)
    else:
        db.exec(delete(Match).where(Match.candidate_id == candidate.id,
                                    Match.status == M.BEREKEND))
    advisor = db.get(User, candidate.advisor_id) if candidate.advisor_id else None
    if advisor is None or not advisor.active:
        return
    mail.queue(db, to=advisor.email,
               subject=_("Kandidaat %(number)s: toestemming voor matching %(what)s",
                         number=candidate.number,
                         what=_("weer gegeven") if granted else _("ingetrokken")),
               body=(_("Kandidaat %(number)s heeft de toestemming voor matching weer gegeven. "
                       "De matches worden weer berekend.", number=candidate.number) if granted
                     else _("Kandidaat %(number)s heeft de toestemming voor matching "
                            "ingetrokken. Er worden geen matches meer berekend en de kandidaat "
                            "doet niet mee aan matchrondes. Het account blijft bestaan.",
                            number=candidate.number))
               + "\n\n" + _("Bekijk de kandidaat in SPT Match: %(link)s",
                            link=external_url("advisor.home")))
