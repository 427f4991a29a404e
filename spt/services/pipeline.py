"""The pipeline as explicit state machines for candidates and matches, with history."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from sqlmodel import Session

from spt.models import Candidate, Match, StatusChange
from spt.models._base import utcnow
from spt.services.errors import Conflict, DomainError

SIDE_EXITS = ("afgewezen", "uitgevallen", "on_hold")
CANDIDATE_STATUSES = {
    "aangemeld": _l("Aangemeld"), "intake_afgerond": _l("Intake afgerond"),
    "orientatie": _l("Oriëntatie"), "matchvoorstel": _l("Matchvoorstel"),
    "voorgesteld": _l("Voorgesteld aan werkgever"), "kennismaking": _l("Kennismaking"),
    "proefplaatsing": _l("Proefplaatsing / WEP"), "geplaatst": _l("Geplaatst"),
    "nazorg": _l("Nazorg"), "duurzaam_geplaatst": _l("Duurzaam geplaatst"),
    "afgewezen": _l("Afgewezen"), "uitgevallen": _l("Uitgevallen"), "on_hold": _l("On hold"),
}
CANDIDATE_TRANSITIONS = {
    "aangemeld": {"intake_afgerond", "uitgevallen", "on_hold"},
    "intake_afgerond": {"orientatie", "matchvoorstel", "uitgevallen", "on_hold"},
    "orientatie": {"matchvoorstel", "uitgevallen", "on_hold"},
    "matchvoorstel": {"voorgesteld", "orientatie", "uitgevallen", "on_hold"},
    "voorgesteld": {"kennismaking", "matchvoorstel", "afgewezen", "uitgevallen", "on_hold"},
    "kennismaking": {"proefplaatsing", "geplaatst", "matchvoorstel", "afgewezen", "uitgevallen",
                     "on_hold"},
    "proefplaatsing": {"geplaatst", "matchvoorstel", "afgewezen", "uitgevallen"},
    "geplaatst": {"nazorg", "uitgevallen"},
    "nazorg": {"duurzaam_geplaatst", "uitgevallen"},
    "duurzaam_geplaatst": set(),
    "afgewezen": {"orientatie", "matchvoorstel", "uitgevallen", "on_hold"},
    "on_hold": {"intake_afgerond", "orientatie", "matchvoorstel", "uitgevallen"},
    "uitgevallen": {"orientatie"},
}
MATCH_STATUSES = {
    "berekend": _l("Berekend"), "matchvoorstel": _l("Matchvoorstel"),
    "wacht_op_kandidaat": _l("Wacht op toestemming kandidaat"),
    "voorgesteld": _l("Voorgesteld aan werkgever"), "kennismaking": _l("Kennismaking"),
    "proefplaatsing": _l("Proefplaatsing"), "geplaatst": _l("Geplaatst"),
    "afgewezen": _l("Afgewezen"), "uitgevallen": _l("Uitgevallen"), "on_hold": _l("On hold"),
}
MATCH_TRANSITIONS = {
    "berekend": {"matchvoorstel", "wacht_op_kandidaat", "afgewezen"},
    "matchvoorstel": {"wacht_op_kandidaat", "afgewezen", "on_hold", "berekend"},
    "wacht_op_kandidaat": {"voorgesteld", "afgewezen", "on_hold"},
    "voorgesteld": {"kennismaking", "afgewezen", "on_hold"},
    "kennismaking": {"proefplaatsing", "geplaatst", "afgewezen", "uitgevallen", "on_hold"},
    "proefplaatsing": {"geplaatst", "afgewezen", "uitgevallen"},
    "geplaatst": {"uitgevallen"},
    "afgewezen": set(),
    "uitgevallen": set(),
    "on_hold": {"matchvoorstel", "wacht_op_kandidaat", "voorgesteld", "kennismaking",
                "afgewezen"},
}
# Match statuses in which the employer is working with the candidate (mentor capacity in use).
ACTIVE_WITH_EMPLOYER = ("kennismaking", "proefplaatsing", "geplaatst")


def _refuse(labels: dict, old: str, new: str) -> DomainError:
    return DomainError(_("Deze stap kan niet: van '%(old)s' naar '%(new)s'.",
                         old=str(labels.get(old, old)), new=str(labels.get(new, new))))


def move_candidate(db: Session, candidate: Candidate, new: str, *, actor_id: int | None,
                   reason: str = "") -> None:
    """Move a candidate along the pipeline, recording who, when and why (caller commits)."""
    old = candidate.status
    if old == new:
        return
    if new not in CANDIDATE_TRANSITIONS.get(old, set()):
        raise _refuse(CANDIDATE_STATUSES, old, new)
    if new in SIDE_EXITS and not reason.strip():
        raise DomainError(_("Geef een reden op."), field="reason")
    candidate.status, candidate.updated_at = new, utcnow()
    db.add(candidate)
    db.add(StatusChange(subject_type="candidate", subject_id=candidate.id, from_status=old,
                        to_status=new, reason=reason.strip()[:500], actor_id=actor_id))


def move_match(db: Session, match: Match, new: str, *, actor_id: int | None, reason: str = "",
               expected_version: int | None = None, values: dict | None = None) -> Match:
    """Move a match along its pipeline with optimistic locking (409 on a stale version)."""
    old = match.status
    if new not in MATCH_TRANSITIONS.get(old, set()):
        raise _refuse(MATCH_STATUSES, old, new)
    version = match.version if expected_version is None else expected_version
    changes = {"status": new, "version": version + 1, "updated_at": utcnow(), **(values or {})}
    result = db.exec(update(Match).where(Match.id == match.id, Match.version == version)
                        .values(**changes))
    if result.rowcount != 1:
        db.rollback()
        raise Conflict(_("Iemand anders heeft deze match net gewijzigd. Laad de pagina opnieuw; "
                         "er is niets verloren gegaan."))
    db.add(StatusChange(subject_type="match", subject_id=match.id, from_status=old,
                        to_status=new, reason=reason.strip()[:500], actor_id=actor_id))
    db.refresh(match)
    return match


def follow_match(db: Session, candidate: Candidate, match_status: str, *, actor_id: int | None,
                 reason: str = "") -> None:
    """Move the candidate along with a match where the pipeline allows it."""
    target = {"wacht_op_kandidaat": "matchvoorstel", "voorgesteld": "voorgesteld",
              "kennismaking": "kennismaking", "proefplaatsing": "proefplaatsing",
              "geplaatst": "geplaatst"}.get(match_status)
    if target and target in CANDIDATE_TRANSITIONS.get(candidate.status, set()):
        move_candidate(db, candidate, target, actor_id=actor_id, reason=reason)
