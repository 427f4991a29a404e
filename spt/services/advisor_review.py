"""The advisor's review of a candidate or a placement: explained rankings, plans and decisions."""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

import matching
from spt.db import savepoint
from spt.models import (
    Candidate,
    Employer,
    Match,
    Placement,
    Skill,
    User,
)
from spt.models._base import utcnow
from spt.services import (
    appointments,
    audit,
    consents,
    corrections,
    enrolments,
    introductions,
    matches,
    matchmaking,
    profile,
    routes,
    workqueue,
)
from spt.services import reasons as pair_reasons
from spt.services.errors import Conflict, DomainError, NotFound
from spt.vocabulary import CandidateStatus as C
from spt.vocabulary import MatchStatus as M

RANK_LIMIT = 25
# Candidates the matcher may propose: a finished intake and not placed, dropped out or on hold.
ACTIVE_STATUSES = (C.INTAKE_AFGEROND, C.ORIENTATIE, C.MATCHVOORSTEL, C.AFGEWEZEN)
# Match statuses that still count as 'not yet decided' when judging whether a choice overrides.
UNDECIDED = (None, M.BEREKEND, M.MATCHVOORSTEL)
@dataclass(frozen=True)
class Ranked:
    """One ranked pair as the advisor sees it; `rank` counts eligible pairs only."""

    placement: Placement
    candidate: Candidate | None
    employer: Employer | None
    result: matching.MatchResult
    rank: int | None
    match: Match | None
    plan: matching.ModulePlan | None = None
    reasons: pair_reasons.Reasons | None = None


def active_candidates(db: Session) -> list[Candidate]:
    """Candidates with a finished intake and consent for matching whom the matcher may propose."""
    return list(db.exec(select(Candidate).where(col(Candidate.intake_completed_at).is_not(None),
                                                col(Candidate.id).not_in(
                                                    consents.refused("matching")),
                                                col(Candidate.erased_at).is_(None),
                                                col(Candidate.status).in_(ACTIVE_STATUSES))
                        .order_by(Candidate.id)))


def get_candidate(db: Session, candidate_id: int) -> Candidate:
    """A candidate or NotFound."""
    candidate = db.get(Candidate, candidate_id)
    if candidate is None or candidate.erased_at is not None:
        raise NotFound(_("Deze kandidaat bestaat niet."))
    return candidate


def get_placement(db: Session, placement_id: int) -> Placement:
    """A placement or NotFound."""
    placement = db.get(Placement, placement_id)
    if placement is None:
        raise NotFound(_("Deze plek bestaat niet."))
    return placement


def skill_labels(db: Session) -> dict[str, str]:
    """Skill slug -> Dutch label, for phrasing explanations."""
    return dict(db.exec(select(Skill.slug, Skill.label)).all())


def shown_detail(results: list, key: str) -> dict:
    """What the advisor saw, for the audit log: ids, scores, positions and the weights."""
    return {"shown": [[getattr(r, key), round(r.score, 4), r.eligible] for r in results],
            "weights": matching.DEFAULT_WEIGHTS.factor_weights()}


def matches_by_placement(db: Session, candidate_id: int) -> dict[int, Match]:
    """The candidate's stored matches keyed by placement id."""
    return {m.placement_id: m for m in db.exec(select(Match).where(
        Match.candidate_id == candidate_id))}


def pair_result(db: Session, candidate: Candidate, placement: Placement) -> matching.MatchResult:
    """The explained score of one pair as the matcher computes it now."""
    return matchmaking.score(db, matchmaking.candidate_profile(db, candidate),
                             matchmaking.placement_profiles(db, [placement])[0])


def position(db: Session, candidate: Candidate, placement: Placement, *,
             perspective: str = "candidate") -> tuple[matching.MatchResult, int | None, list]:
    """The pair's explained result, its rank among eligible pairs, and undecided pairs above it.

    The candidate's view ranks on the cached index of open placements, as the candidate page
    does; a placement outside it (an employer not verified yet) is placed by its score.
    """
    me = matchmaking.candidate_profile(db, candidate)
    target = matchmaking.placement_profiles(db, [placement])[0]
    result = matchmaking.score(db, me, target)
    if perspective == "placement":
        pool = [c for c in active_candidates(db) if c.id != candidate.id]
        profiles = [*matchmaking.candidate_profiles(db, pool), me]
        order = matchmaking.rank_candidates(db, target, profiles, explain=False)
        keys, mine = [r.candidate_key for r in order], str(candidate.id)
        decided = {str(m.candidate_id) for m in db.exec(select(Match).where(
            Match.placement_id == placement.id, col(Match.status).not_in(UNDECIDED[1:])))}
    else:
        order = matchmaking.rank_placements(db, me, explain=False)
        keys, mine = [r.placement_key for r in order], str(placement.id)
        if mine not in keys and result.eligible:  # ranked last among equals, like an append
            keys = [r.placement_key for r in order if r.score >= result.score] + [mine]
        decided = {str(p) for p, m in matches_by_placement(db, candidate.id).items()
                   if m.status not in UNDECIDED}
    rank = keys.index(mine) + 1 if mine in keys else None
    above = [k for k in (keys[: rank - 1] if rank else keys) if k not in decided]
    return result, rank, above


def _ensure_match(db: Session, candidate: Candidate, placement: Placement,
                  result: matching.MatchResult, expected_version: int | None) -> tuple[Match, int]:
    match = db.exec(select(Match).where(Match.candidate_id == candidate.id,
                                        Match.placement_id == placement.id)).first()
    # expected_version 0: the page showed no match yet; None: no check (a round's own pairs)
    if match is not None and expected_version not in (None, match.version):
        raise Conflict(_("Iemand anders heeft deze match net gewijzigd. Laad de pagina opnieuw; "
                         "er is niets verloren gegaan."))
    try:
        with savepoint(db):  # a savepoint: a failure undoes this match, not the caller's work
            if match is None:
                match = Match(candidate_id=candidate.id, placement_id=placement.id)
            match.score = round(result.score, 6)
            match.explanation = matches.explanation_json(result)
            match.updated_at = utcnow()
            db.add(match)
            db.flush()
    except IntegrityError as error:  # another advisor created the same pair a moment ago
        raise Conflict(_("Iemand anders heeft deze match net aangemaakt. Laad de pagina "
                         "opnieuw.")) from error
    return match, match.version


def propose(db: Session, *, advisor: User, candidate_id: int, placement_id: int,
            expected_version: int | None, note: str = "", override_reason: str = "",
            perspective: str = "candidate", round_id: int | None = None) -> Match:
    """Propose a pair (the candidate is asked for consent); an override needs a reason."""
    candidate, placement = get_candidate(db, candidate_id), get_placement(db, placement_id)
    if placement.status != "open":
        raise DomainError(_("Deze plek staat niet open."))
    if round_id is None:
        result, rank, above = position(db, candidate, placement, perspective=perspective)
    else:  # the round's assignment is the ranking the advisor accepted
        result, rank, above = pair_result(db, candidate, placement), None, []
    override = round_id is None and (not result.eligible or bool(above))
    if override and not override_reason.strip():
        raise DomainError(_("Deze keuze wijkt af van de ranglijst (er staan %(n)d betere "
                            "voorstellen boven). Geef een reden op.", n=len(above)),
                          field="override_reason")
    match, version = _ensure_match(db, candidate, placement, result, expected_version)
    if override:
        match.override_reason = override_reason.strip()[:1000]
        db.add(match)
        audit.record(db, actor_id=advisor.id, action="advisor.override", subject_type="match",
                     subject_id=match.id, detail={
                         "score": round(result.score, 6), "rank": rank, "perspective": perspective,
                         "eligible": result.eligible, "ranked_above": above[:50],
                         "exclusions": list(result.explanation.exclusions),
                         "factors": matches.explanation_json(result)["factors"],
                         "weights": matching.DEFAULT_WEIGHTS.factor_weights(placement.kind),
                         "with_reason": True})
    db.flush()
    note = note or (_("Matchronde %(id)d", id=round_id) if round_id else "")
    return introductions.propose(db, advisor=advisor, match_id=match.id,
                                 expected_version=version, note=note)


def save_notes(db: Session, *, advisor_id: int, candidate_id: int, notes: str) -> Candidate:
    """Store the advisor-only notes (motivation, begeleidingsbehoefte)."""
    candidate = get_candidate(db, candidate_id)
    candidate.advisor_notes, candidate.updated_at = notes.strip()[:5000], utcnow()
    db.add(candidate)
    audit.record(db, actor_id=advisor_id, action="advisor.notes_saved",
                 subject_type="candidate", subject_id=candidate.id)
    db.commit()
    return candidate


@dataclass(frozen=True)
class CandidatePage:
    """Everything the candidate page shows."""

    candidate: Candidate
    advisor: User | None
    completeness: profile.Completeness
    recognised: list[corrections.Row]
    ranked: list[Ranked]
    paths: list
    matches: list
    history: list
    labels: dict[str, str]
    enrolments: enrolments.Section
    appointments: dict = field(default_factory=dict)  # match id -> newest kennismaking


def candidate_page(db: Session, *, viewer_id: int, candidate_id: int) -> CandidatePage:
    """The candidate's profile and explained ranking; the scores shown are logged."""
    candidate = get_candidate(db, candidate_id)
    cat = matchmaking.catalogue(db)
    me = matchmaking.candidate_profile(db, candidate)
    ranked = matches.rank_for_candidate(db, candidate, limit=RANK_LIMIT, include_ineligible=True,
                                        profile=me)
    targets = {p.key: p for p in matchmaking.open_index(db).index.placements}
    stored, labels = matches_by_placement(db, candidate.id), skill_labels(db)
    employers = {e.id: e for e in db.exec(select(Employer).where(
        col(Employer.id).in_({p.employer_id for p, _r in ranked} or {0})))}
    rows, position_ = [], 0
    modules = {m.id: m for m in cat.modules}
    usable = routes.open_modules(cat, enrolments.statuses(db, candidate.id))  # never again
    for placement, result in ranked:
        position_ += result.eligible
        target = targets[result.placement_key]
        plan = matching.plan_for_placement(me, target, usable, knowledge=cat.knowledge)
        rows.append(Ranked(placement, candidate, employers.get(placement.employer_id), result,
                           position_ if result.eligible else None, stored.get(placement.id), plan,
                           pair_reasons.for_pair(me, target, result, plan, labels=labels,
                                            modules=modules)))
    stored_matches = matches.stored_for_candidate(db, candidate.id)
    paths = matching.recommend_paths(me, cat.paths, usable, knowledge=cat.knowledge, limit=5)
    audit.record(db, actor_id=viewer_id, action="advisor.scores_shown", subject_type="candidate",
                 subject_id=candidate.id, detail=shown_detail([r for _p, r in ranked],
                                                              "placement_key"))
    page = CandidatePage(
        candidate=candidate, advisor=db.get(User, candidate.advisor_id)
        if candidate.advisor_id else None,
        completeness=profile.completeness(profile.as_draft(db, candidate)),
        recognised=corrections.candidate_rows(db, candidate.id), ranked=rows, paths=paths,
        matches=stored_matches,
        history=workqueue.history(db, candidate.id), labels=labels,
        appointments=appointments.latest_for(db, [m.id for m, _p in stored_matches]),
        enrolments=enrolments.section(db, candidate.id, suggested={
            m.id for plan in [r.plan for r in rows] + [p.plan for p in paths] if plan
            for m in plan.modules}))
    db.commit()
    return page


@dataclass(frozen=True)
class PlacementPage:
    """Everything the placement page shows."""

    placement: Placement
    employer: Employer
    ranked: list[Ranked]
    labels: dict[str, str]
    recognised: list[corrections.Row]


def placement_page(db: Session, *, viewer_id: int, placement_id: int) -> PlacementPage:
    """Candidates ranked for a placement with explanations; the scores shown are logged."""
    placement = get_placement(db, placement_id)
    pool = active_candidates(db)
    target = matchmaking.placement_profiles(db, [placement])[0]
    profiles = {p.key: p for p in matchmaking.candidate_profiles(db, pool)}
    results = matchmaking.rank_candidates(db, target, list(profiles.values()), limit=RANK_LIMIT,
                                          include_ineligible=True)
    by_id, labels = {str(c.id): c for c in pool}, skill_labels(db)
    modules = {m.id: m for m in matchmaking.catalogue(db).modules}
    stored = {m.candidate_id: m for m in db.exec(select(Match).where(
        Match.placement_id == placement.id))}
    rows, position_ = [], 0
    for result in results:
        position_ += result.eligible
        candidate = by_id[result.candidate_key]
        rows.append(Ranked(placement, candidate, None, result,
                           position_ if result.eligible else None, stored.get(candidate.id),
                           reasons=pair_reasons.for_pair(profiles[result.candidate_key], target,
                                                    result, None, labels=labels,
                                                    modules=modules)))
    audit.record(db, actor_id=viewer_id, action="advisor.scores_shown", subject_type="placement",
                 subject_id=placement.id, detail=shown_detail(results, "candidate_key"))
    page = PlacementPage(placement, db.get(Employer, placement.employer_id), rows,
                         labels, corrections.placement_rows(db, placement))
    db.commit()
    return page
