"""The advisor's werkvoorraad and pipeline board: what needs attention, and moving candidates."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, or_
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from spt.db import among
from spt.models import Candidate, Employer, Match, Placement, StatusChange, User
from spt.models._base import utcnow
from spt.services import audit, pipeline, postcodes
from spt.services.errors import Conflict, DomainError, NotFound
from spt.vocabulary import CandidateStatus as C
from spt.vocabulary import MatchStatus as M

NEW_INTAKE_DAYS = 14
STARTING_SOON_DAYS = 14
NO_CONTACT_DAYS = 28
LIST_LIMIT = 50
# Statuses in which a candidate still needs follow-up (not finished, not dropped out).
FOLLOW_UP = (C.INTAKE_AFGEROND, C.ORIENTATIE, C.MATCHVOORSTEL, C.VOORGESTELD, C.KENNISMAKING,
             C.PROEFPLAATSING, C.GEPLAATST, C.NAZORG, C.AFGEWEZEN, C.ON_HOLD)
# Match statuses an advisor may set by hand; consent steps go through proposals and answers.
# Erased candidates are anonymous rows kept for the KPIs: no list or count shows them.
LIVE = col(Candidate.erased_at).is_(None)
MANUAL_MATCH_TARGETS = (M.MATCHVOORSTEL, M.KENNISMAKING, M.PROEFPLAATSING, M.GEPLAATST,
                        M.AFGEWEZEN, M.UITGEVALLEN, M.ON_HOLD, M.BEREKEND)


def aware(moment: datetime | None) -> datetime | None:
    """A stored time as an aware UTC datetime (SQLite returns naive values)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Workqueue:
    """The lists on the advisor's start page."""

    new_intakes: list
    incomplete: list
    employers_to_verify: list
    waiting_for_candidate: list
    waiting_for_employer: list
    starting_soon: list
    no_contact: list


def _introductions(db: Session, status: str) -> list:
    return list(db.exec(
        select(Match, Candidate, Placement, Employer)
        .join(Candidate, Candidate.id == Match.candidate_id)
        .join(Placement, Placement.id == Match.placement_id)
        .join(Employer, Employer.id == Placement.employer_id)
        .where(Match.status == status, col(Candidate.erased_at).is_(None))
        .order_by(Match.proposed_at).limit(LIST_LIMIT)))


def overview(db: Session, *, now: datetime | None = None) -> Workqueue:
    """Everything on the werkvoorraad, oldest work first."""
    now = now or utcnow()
    last_seen = func.coalesce(Candidate.last_contact_at, Candidate.intake_completed_at,
                              Candidate.created_at)
    return Workqueue(
        new_intakes=list(db.exec(select(Candidate).where(
            Candidate.intake_completed_at >= now - timedelta(days=NEW_INTAKE_DAYS),
            col(Candidate.advisor_id).is_(None), LIVE).order_by(Candidate.intake_completed_at)
            .limit(LIST_LIMIT))),
        incomplete=list(db.exec(select(Candidate).where(
            col(Candidate.intake_completed_at).is_(None), LIVE).order_by(Candidate.created_at)
            .limit(LIST_LIMIT))),
        employers_to_verify=list(db.exec(select(Employer).where(
            col(Employer.verified_at).is_(None), col(Employer.refused_at).is_(None))
            .order_by(Employer.created_at).limit(LIST_LIMIT))),
        waiting_for_candidate=_introductions(db, M.WACHT_OP_KANDIDAAT),
        waiting_for_employer=_introductions(db, M.VOORGESTELD),
        starting_soon=list(db.exec(select(Placement, Employer).join(Employer).where(
            Placement.status == "open", Placement.start_date >= now.date(),
            Placement.start_date <= (now + timedelta(days=STARTING_SOON_DAYS)).date())
            .order_by(Placement.start_date).limit(LIST_LIMIT))),
        no_contact=list(db.exec(select(Candidate).where(
            col(Candidate.status).in_(FOLLOW_UP), LIVE,
            last_seen < now - timedelta(days=NO_CONTACT_DAYS)).order_by(last_seen)
            .limit(LIST_LIMIT))),
    )


def _candidate(db: Session, candidate_id: int) -> Candidate:
    candidate = db.get(Candidate, candidate_id)
    if candidate is None or candidate.erased_at is not None:
        raise NotFound(_("Deze kandidaat bestaat niet."))
    return candidate


def _claimed_by_other(db: Session, candidate: Candidate) -> Conflict:
    owner = db.get(User, candidate.advisor_id)
    return Conflict(_("Een andere adviseur (%(email)s) heeft deze kandidaat al opgepakt.",
                      email=owner.email if owner else "?"))


def claim(db: Session, *, advisor_id: int, candidate_id: int) -> Candidate:
    """The advisor takes on a new candidate ('ik pak dit op'); of two at once, one wins."""
    candidate = _candidate(db, candidate_id)
    if candidate.advisor_id not in (None, advisor_id):
        raise _claimed_by_other(db, candidate)
    if candidate.advisor_id == advisor_id:
        return candidate
    candidate.advisor_id, candidate.updated_at = advisor_id, utcnow()
    db.add(candidate)
    try:
        db.flush()  # the version check: a claim made meanwhile leaves 0 rows to update
    except StaleDataError:
        db.rollback()
        candidate = db.get(Candidate, candidate_id, populate_existing=True)
        if candidate.advisor_id == advisor_id:
            return candidate
        raise _claimed_by_other(db, candidate) if candidate.advisor_id else \
            pipeline.candidate_conflict(db, candidate_id) from None
    audit.record(db, actor_id=advisor_id, action="advisor.claimed", subject_type="candidate",
                 subject_id=candidate.id)
    db.commit()
    return candidate


def record_contact(db: Session, *, advisor_id: int, candidate_id: int) -> Candidate:
    """Note that the advisor spoke to the candidate today."""
    candidate = _candidate(db, candidate_id)
    candidate.last_contact_at = utcnow()
    db.add(candidate)
    audit.record(db, actor_id=advisor_id, action="advisor.contact", subject_type="candidate",
                 subject_id=candidate.id)
    db.commit()
    return candidate


@dataclass(frozen=True)
class BoardFilters:
    """Filters of the pipeline board; empty strings mean 'all'."""

    theme: str = ""
    region: str = ""
    kind: str = ""
    advisor_id: int | None = None


@dataclass(frozen=True)
class Board:
    """Candidates per pipeline status, with the choices for the filters."""

    columns: list[tuple[str, object, list]] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    advisors: list[User] = field(default_factory=list)
    total: int = 0


def _region(pc4: str | None) -> str:
    area = postcodes.area(pc4)
    return area.region if area else ""


def board(db: Session, filters: BoardFilters) -> Board:
    """Candidates with a completed or started intake, per status, filtered."""
    query = select(Candidate).where(LIVE).order_by(Candidate.id)
    if filters.advisor_id:
        query = query.where(Candidate.advisor_id == filters.advisor_id)
    rows = [c for c in db.exec(query)
            if (not filters.theme or filters.theme in c.themes)
            and (not filters.kind or filters.kind in c.kinds)
            and (not filters.region or _region(c.pc4) == filters.region)]
    by_status: dict[str, list] = {}
    for candidate in rows:
        by_status.setdefault(candidate.status, []).append((candidate, _region(candidate.pc4)))
    columns = [(status, label, by_status.get(status, []))
               for status, label in pipeline.CANDIDATE_STATUSES.items()]
    regions = sorted({a.region for a in postcodes.areas().values() if a.region})
    advisors = list(db.exec(select(User).where(col(User.role).in_(("advisor", "admin")),
                                               User.active).order_by(User.email)))
    return Board(columns=columns, regions=regions, advisors=advisors, total=len(rows))


@dataclass(frozen=True)
class BulkMove:
    """What a bulk move did: the candidates moved, and those that could not move with why."""

    moved: list[str]
    refused: list[tuple[str, str]]


def move_candidates(db: Session, *, actor_id: int, candidate_ids: list[int], status: str,
                    reason: str, versions: dict[int, int] | None = None) -> BulkMove:
    """Move candidates to a status: each that can move does, the others are listed with why.

    `versions` are the ones the board showed: a candidate changed since then is not moved. Each
    move is its own savepoint, so a refused one leaves the others; nothing moved is an error.
    """
    if not candidate_ids:
        raise DomainError(_("Kies eerst een of meer kandidaten."), field="candidate_ids")
    if status not in pipeline.CANDIDATE_STATUSES:
        raise DomainError(_("Kies een bestaande status."), field="status")
    candidates = list(db.exec(select(Candidate).where(among(db, col(Candidate.id), candidate_ids),
                                                      LIVE).order_by(Candidate.id)))
    if len(candidates) != len(set(candidate_ids)):
        raise NotFound(_("Deze kandidaat bestaat niet."))
    moved, refused, errors = [], [], []
    for candidate in candidates:
        number = candidate.number
        try:
            pipeline.move_candidate(db, candidate, status, actor_id=actor_id, reason=reason,
                                    expected_version=(versions or {}).get(candidate.id))
        except DomainError as error:
            refused.append((number, error.message))
            errors.append(error)
        else:
            moved.append(candidate)
    if not moved:
        if len(errors) == 1:
            raise errors[0]
        first = errors[0]
        raise type(first)("; ".join(f"{number}: {why}" for number, why in refused),
                          field=first.field)
    audit.record(db, actor_id=actor_id, action="advisor.moved_candidates",
                 subject_type="candidate", subject_id=moved[0].id if len(moved) == 1 else None,
                 detail={"ids": sorted(c.id for c in moved), "to": status})
    db.commit()
    return BulkMove([c.number for c in moved], refused)


def move_match(db: Session, *, actor_id: int, match_id: int, status: str, reason: str,
               expected_version: int) -> Match:
    """Move a match by hand with optimistic locking; the candidate follows where it can."""
    match = db.get(Match, match_id)
    if match is None:
        raise NotFound(_("Deze match bestaat niet."))
    if status not in MANUAL_MATCH_TARGETS:
        raise DomainError(_("Deze stap zet u niet met de hand; een voorstel gaat via "
                            "'voorstellen' en de toestemming van de kandidaat."), field="status")
    if status in pipeline.SIDE_EXITS and not reason.strip():
        raise DomainError(_("Geef een reden op."), field="reason")
    if match.version != expected_version:
        raise Conflict(_("Iemand anders heeft deze match net gewijzigd. Laad de pagina opnieuw; "
                         "er is niets verloren gegaan."))
    pipeline.move_match(db, match, status, actor_id=actor_id, reason=reason,
                        expected_version=expected_version)
    candidate = db.get(Candidate, match.candidate_id)
    pipeline.follow_match(db, candidate, status, actor_id=actor_id, reason=reason)
    audit.record(db, actor_id=actor_id, action="advisor.moved_match", subject_type="match",
                 subject_id=match.id, detail={"to": status})
    db.commit()
    return match


def history(db: Session, candidate_id: int) -> list[tuple[StatusChange, str | None]]:
    """Status changes of the candidate and its matches, newest first, with the actor's e-mail."""
    match_ids = list(db.exec(select(Match.id).where(Match.candidate_id == candidate_id)))
    return list(db.exec(
        select(StatusChange, User.email).join(User, User.id == StatusChange.actor_id, isouter=True)
        .where(or_((StatusChange.subject_type == "candidate")
                   & (StatusChange.subject_id == candidate_id),
                   (StatusChange.subject_type == "match")
                   & among(db, col(StatusChange.subject_id), match_ids)))
        .order_by(col(StatusChange.at).desc(), col(StatusChange.id).desc())))
