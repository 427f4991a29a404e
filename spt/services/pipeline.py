"""The pipeline as explicit state machines for candidates and matches, with history."""

from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, func, select

from spt.db import lock_rows, savepoint
from spt.models import Candidate, Employer, Match, Placement, StatusChange
from spt.models._base import utcnow
from spt.services.errors import Conflict, DomainError
from spt.vocabulary import CandidateStatus as C
from spt.vocabulary import MatchStatus as M

SIDE_EXITS = (C.AFGEWEZEN, C.UITGEVALLEN, C.ON_HOLD)
CANDIDATE_STATUSES = dict(C.choices())
CANDIDATE_TRANSITIONS = {
    C.AANGEMELD: {C.INTAKE_AFGEROND, C.UITGEVALLEN, C.ON_HOLD},
    C.INTAKE_AFGEROND: {C.ORIENTATIE, C.MATCHVOORSTEL, C.UITGEVALLEN, C.ON_HOLD},
    C.ORIENTATIE: {C.MATCHVOORSTEL, C.UITGEVALLEN, C.ON_HOLD},
    C.MATCHVOORSTEL: {C.VOORGESTELD, C.ORIENTATIE, C.UITGEVALLEN, C.ON_HOLD},
    C.VOORGESTELD: {C.KENNISMAKING, C.MATCHVOORSTEL, C.AFGEWEZEN, C.UITGEVALLEN, C.ON_HOLD},
    C.KENNISMAKING: {C.PROEFPLAATSING, C.GEPLAATST, C.MATCHVOORSTEL, C.AFGEWEZEN, C.UITGEVALLEN,
                     C.ON_HOLD},
    C.PROEFPLAATSING: {C.GEPLAATST, C.MATCHVOORSTEL, C.AFGEWEZEN, C.UITGEVALLEN},
    C.GEPLAATST: {C.NAZORG, C.UITGEVALLEN},
    C.NAZORG: {C.DUURZAAM_GEPLAATST, C.UITGEVALLEN},
    C.DUURZAAM_GEPLAATST: set(),
    C.AFGEWEZEN: {C.ORIENTATIE, C.MATCHVOORSTEL, C.UITGEVALLEN, C.ON_HOLD},
    C.ON_HOLD: {C.INTAKE_AFGEROND, C.ORIENTATIE, C.MATCHVOORSTEL, C.UITGEVALLEN},
    C.UITGEVALLEN: {C.ORIENTATIE},
}
MATCH_STATUSES = dict(M.choices())
MATCH_TRANSITIONS = {
    M.BEREKEND: {M.MATCHVOORSTEL, M.WACHT_OP_KANDIDAAT, M.AFGEWEZEN},
    M.MATCHVOORSTEL: {M.WACHT_OP_KANDIDAAT, M.AFGEWEZEN, M.ON_HOLD, M.BEREKEND},
    M.WACHT_OP_KANDIDAAT: {M.VOORGESTELD, M.AFGEWEZEN, M.ON_HOLD},
    M.VOORGESTELD: {M.KENNISMAKING, M.AFGEWEZEN, M.ON_HOLD},
    M.KENNISMAKING: {M.PROEFPLAATSING, M.GEPLAATST, M.AFGEWEZEN, M.UITGEVALLEN, M.ON_HOLD},
    M.PROEFPLAATSING: {M.GEPLAATST, M.AFGEWEZEN, M.UITGEVALLEN},
    M.GEPLAATST: {M.UITGEVALLEN},
    M.AFGEWEZEN: set(),
    M.UITGEVALLEN: set(),
    M.ON_HOLD: {M.MATCHVOORSTEL, M.WACHT_OP_KANDIDAAT, M.VOORGESTELD, M.KENNISMAKING,
                M.AFGEWEZEN},
}
# Match statuses in which the employer is working with the candidate (mentor capacity in use).
ACTIVE_WITH_EMPLOYER = (M.KENNISMAKING, M.PROEFPLAATSING, M.GEPLAATST)


def _refuse(labels: dict, old: str, new: str) -> DomainError:
    return DomainError(_("Deze stap kan niet: van '%(old)s' naar '%(new)s'.",
                         old=str(labels.get(old, old)), new=str(labels.get(new, new))))


def candidate_conflict(db: Session, candidate_id: int) -> Conflict:
    """The Dutch 409 for a candidate someone else changed first, with its current state."""
    current = db.get(Candidate, candidate_id, populate_existing=True)
    if current is None:
        return Conflict(_("Deze kandidaat bestaat niet meer."))
    return Conflict(_("Iemand anders heeft %(number)s net gewijzigd: de status is nu "
                      "'%(status)s'. Laad de pagina opnieuw; er is niets verloren gegaan.",
                      number=current.number,
                      status=str(CANDIDATE_STATUSES.get(current.status, current.status))))


def move_candidate(db: Session, candidate: Candidate, new: str, *, actor_id: int | None,
                   reason: str = "", expected_version: int | None = None) -> None:
    """Move a candidate along the pipeline, recording who, when and why (caller commits).

    The write names the version it read (the page's, when given): a second writer gets a 409.
    """
    candidate_id = candidate.id  # readable after a failed flush too
    if expected_version is not None and candidate.version != expected_version:
        raise candidate_conflict(db, candidate_id)
    old = candidate.status
    if old == new:
        return
    if new not in CANDIDATE_TRANSITIONS.get(old, set()):
        raise _refuse(CANDIDATE_STATUSES, old, new)
    if new in SIDE_EXITS and not reason.strip():
        raise DomainError(_("Geef een reden op."), field="reason")
    try:
        # A savepoint: a candidate changed meanwhile undoes this move only, not the caller's work.
        with savepoint(db):
            candidate.status, candidate.updated_at = new, utcnow()
            db.add(candidate)
            db.flush()  # UPDATE ... WHERE version = the one read: 0 rows when someone was first
    except StaleDataError as error:
        raise candidate_conflict(db, candidate_id) from error
    db.add(StatusChange(subject_type="candidate", subject_id=candidate.id, from_status=old,
                        to_status=new, reason=reason.strip()[:500], actor_id=actor_id))


def move_match(db: Session, match: Match, new: str, *, actor_id: int | None, reason: str = "",
               expected_version: int | None = None, values: dict | None = None) -> Match:
    """Move a match along its pipeline with optimistic locking (409 on a stale version).

    Every path that makes a match active (kennismaking and after) passes here, so this is where
    the employer's mentor capacity and the placement's seats are checked, under a lock.
    """
    old = match.status
    if new not in MATCH_TRANSITIONS.get(old, set()):
        raise _refuse(MATCH_STATUSES, old, new)
    if new in ACTIVE_WITH_EMPLOYER and old not in ACTIVE_WITH_EMPLOYER:
        check_room(db, match)
    version = match.version if expected_version is None else expected_version
    changes = {"status": new, "version": version + 1, "updated_at": utcnow(), **(values or {})}
    result = db.exec(update(Match).where(Match.id == match.id, Match.version == version)
                        .values(**changes))
    if result.rowcount != 1:  # nothing was written: the caller decides what happens next
        raise Conflict(_("Iemand anders heeft deze match net gewijzigd. Laad de pagina opnieuw; "
                         "er is niets verloren gegaan."))
    db.add(StatusChange(subject_type="match", subject_id=match.id, from_status=old,
                        to_status=new, reason=reason.strip()[:500], actor_id=actor_id))
    db.refresh(match)
    return match


def check_room(db: Session, match: Match) -> None:
    """Refuse a match that would exceed the employer's mentor capacity or the placement's seats.

    The employer's row is locked first (SQLite: the write lock), so two acceptances at once
    are counted one after the other and cannot both take the last place.
    """
    placement = db.get(Placement, match.placement_id)
    lock_rows(db, Employer, [placement.employer_id])
    employer = db.get(Employer, placement.employer_id, populate_existing=True)
    active = col(Match.status).in_(ACTIVE_WITH_EMPLOYER)
    in_use = db.exec(select(func.count(Match.id)).join(Placement).where(
        Placement.employer_id == employer.id, active, Match.id != match.id)).one()
    if in_use + 1 > employer.mentor_capacity:
        raise DomainError(_(
            "Uw begeleidingscapaciteit is vol: %(used)d van %(total)d begeleidingsplekken zijn in "
            "gebruik. Rond eerst een lopende kennismaking of plaatsing af, of verhoog de "
            "capaciteit bij 'Organisatie' als u meer begeleiders heeft.",
            used=in_use, total=employer.mentor_capacity))
    seats = db.exec(select(Placement.seats).where(Placement.id == placement.id)).one()
    taken = db.exec(select(func.count(Match.id)).where(
        Match.placement_id == placement.id, active, Match.id != match.id)).one()
    if taken >= seats:
        raise DomainError(_(
            "Deze plek heeft %(seats)d plaats(en) en die zijn allemaal bezet door lopende "
            "kennismakingen of plaatsingen. Verhoog het aantal plekken of rond er eerst een af.",
            seats=seats))


def follow_match(db: Session, candidate: Candidate, match_status: str, *, actor_id: int | None,
                 reason: str = "") -> None:
    """Move the candidate along with a match where the pipeline allows it."""
    target = {M.WACHT_OP_KANDIDAAT: C.MATCHVOORSTEL, M.VOORGESTELD: C.VOORGESTELD,
              M.KENNISMAKING: C.KENNISMAKING, M.PROEFPLAATSING: C.PROEFPLAATSING,
              M.GEPLAATST: C.GEPLAATST}.get(match_status)
    if target and target in CANDIDATE_TRANSITIONS.get(candidate.status, set()):
        move_candidate(db, candidate, target, actor_id=actor_id, reason=reason)
