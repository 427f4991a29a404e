"""Match rows: computing them from the matcher, and reading them back with their placements."""

from dataclasses import asdict

from sqlmodel import Session, col, delete, select

import matching
from spt.db import among
from spt.models import Candidate, Match, Placement
from spt.models._base import utcnow
from spt.services import consents, matchmaking
from spt.vocabulary import MatchStatus as M

STORED_PER_CANDIDATE = 20


def explanation_json(result: matching.MatchResult) -> dict:
    """The structured explanation as stored in Match.explanation."""
    data = asdict(result.explanation)
    data["eligible"] = result.eligible
    return data


def rank_for_candidate(db: Session, candidate: Candidate, *, limit: int | None = None,
                       include_ineligible: bool = False,
                       profile: matching.CandidateProfile | None = None):
    """Open placements ranked for a candidate: (placement row, MatchResult) pairs."""
    profile = profile or matchmaking.candidate_profile(db, candidate)
    results = matchmaking.rank_placements(db, profile, limit=limit,
                                          include_ineligible=include_ineligible)
    ids = [int(r.placement_key) for r in results]
    rows = {p.id: p for p in db.exec(select(Placement).where(among(db, col(Placement.id), ids)))}
    return [(rows[int(r.placement_key)], r) for r in results if int(r.placement_key) in rows]


def recompute_for_candidate(db: Session, candidate: Candidate) -> None:
    """Refresh the candidate's computed matches in the caller's transaction (no commit).

    Without consent for matching there are none.
    """
    if consents.matching_refused(db, candidate.id):
        db.exec(delete(Match).where(Match.candidate_id == candidate.id,
                                    Match.status == M.BEREKEND))
        return
    ranked = rank_for_candidate(db, candidate, limit=STORED_PER_CANDIDATE)
    existing = {m.placement_id: m for m in db.exec(
        select(Match).where(Match.candidate_id == candidate.id))}
    now = utcnow()
    for placement, result in ranked:
        match = existing.pop(placement.id, None) or Match(candidate_id=candidate.id,
                                                          placement_id=placement.id)
        match.score, match.explanation = round(result.score, 6), explanation_json(result)
        match.updated_at = now
        match.version = (match.version or 0) + 1 if match.id else 1
        db.add(match)
    stale = [m.id for m in existing.values() if m.status == M.BEREKEND]
    if stale:
        db.exec(delete(Match).where(among(db, col(Match.id), stale)))


def recompute_for_placement(db: Session, placement: Placement) -> None:
    """Refresh the stored matches of a placement in the caller's transaction (no commit)."""
    stored = list(db.exec(select(Match).where(Match.placement_id == placement.id)))
    if not stored:
        return
    candidates = list(db.exec(select(Candidate).where(
        among(db, col(Candidate.id), {m.candidate_id for m in stored}))))
    profiles = {int(p.key): p for p in matchmaking.candidate_profiles(db, candidates)}
    target = matchmaking.placement_profiles(db, [placement])[0]
    now = utcnow()
    for match in stored:
        result = matchmaking.score(db, profiles[match.candidate_id], target)
        match.score, match.explanation = round(result.score, 6), explanation_json(result)
        match.updated_at, match.version = now, (match.version or 0) + 1
        db.add(match)


def stored_for_candidate(db: Session, candidate_id: int) -> list[tuple[Match, Placement]]:
    """Stored matches of a candidate with their placements, best first."""
    rows = db.exec(select(Match, Placement).join(Placement)
                   .where(Match.candidate_id == candidate_id)
                   .order_by(col(Match.score).desc(), Match.id))
    return list(rows)
