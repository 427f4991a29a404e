"""Career paths (loopbaanpaden) ranked by how reachable they are for one candidate."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .gaps import CIVIL_VALUE_FACTOR, plan_modules
from .reference import SkillKnowledge
from .scoring import DEFAULT_WEIGHTS, score_pair
from .types import (
    CandidateProfile,
    CareerPath,
    Factor,
    Module,
    PathRecommendation,
    PlacementProfile,
    Weights,
)

__all__ = ["PATH_WEIGHTS", "recommend_paths"]

# fit now, share of required skills reachable after training, training time, open placements
PATH_WEIGHTS = {"fit_now": 2.0, "reachable": 1.0, "training": 1.0, "openings": 1.0}


def _targets(path: CareerPath) -> list[PlacementProfile]:
    """The path as pseudo placements, one per target occupation, to score with `score_pair`."""
    occupations = path.target_occupations or (None,)
    return [
        PlacementProfile(
            key=path.id,
            kind="",
            occupation=occupation,
            level=path.levels[0] if path.levels else None,
            theme=path.theme,
            essential_skills=path.required_skills,
        )
        for occupation in occupations
    ]


def _recommend_one(
    candidate: CandidateProfile,
    path: CareerPath,
    modules: Sequence[Module],
    placements: Sequence[PlacementProfile],
    weights: Weights,
    knowledge: SkillKnowledge | None,
    civil_factor: Mapping[str, float],
    max_weeks: float,
    openings_full: int,
    path_weights: Mapping[str, float],
) -> PathRecommendation:
    """Score one path for the candidate."""
    results = [
        score_pair(candidate, t, weights=weights, knowledge=knowledge) for t in _targets(path)
    ]
    best = max(results, key=lambda r: r.score)
    missing = best.explanation.missing_essential
    plan = plan_modules(candidate, missing, modules, civil_factor=civil_factor)
    targets = set(path.target_occupations)
    open_keys = tuple(
        p.key
        for p in placements
        if p.occupation in targets
        and score_pair(candidate, p, weights=weights, knowledge=knowledge).eligible
    )
    required = len(path.required_skills)
    values = {
        "fit_now": best.score,
        "reachable": 1.0 - len(plan.uncovered) / required if required else 1.0,
        "training": 1.0 - min(plan.total_weeks, max_weeks) / max_weeks if max_weeks else 1.0,
        "openings": min(1.0, len(open_keys) / openings_full) if openings_full else 1.0,
    }
    total = sum(path_weights.values())
    score = sum(path_weights[k] * v for k, v in values.items()) / total if total else 0.0
    return PathRecommendation(
        path=path,
        score=score,
        fit_now=best.score,
        missing_skills=missing,
        plan=plan,
        open_placements=open_keys,
        factors=tuple(Factor(k, v, path_weights[k]) for k, v in values.items()),
    )


def recommend_paths(
    candidate: CandidateProfile,
    paths: Sequence[CareerPath],
    modules: Sequence[Module] = (),
    *,
    placements: Sequence[PlacementProfile] = (),
    weights: Weights = DEFAULT_WEIGHTS,
    knowledge: SkillKnowledge | None = None,
    civil_factor: Mapping[str, float] = CIVIL_VALUE_FACTOR,
    max_weeks: float = 52.0,
    openings_full: int = 3,
    path_weights: Mapping[str, float] = PATH_WEIGHTS,
    limit: int | None = None,
) -> list[PathRecommendation]:
    """Rank career paths by reachability: fit now, the gap, weeks to close it, open placements.

    Parameters
    ----------
    candidate : CandidateProfile
    paths : sequence of CareerPath
    modules : sequence of Module
        The catalogue used to close each path's skill gap (see `plan_modules`).
    placements : sequence of PlacementProfile
        Open placements; those whose occupation is a path target and that the candidate is
        eligible for count as openings at the end of the path.
    weights, knowledge, civil_factor
        Passed on to `score_pair` and `plan_modules`.
    max_weeks : float, default 52
        Training time that scores 0 on the training factor.
    openings_full : int, default 3
        Number of openings that scores 1 on the openings factor.
    path_weights : mapping, optional
        Weights of fit_now, reachable, training, openings.
    limit : int, optional

    Returns
    -------
    list of PathRecommendation
        Score in [0, 1], score descending, ties in input order; each carries its path's steps.
    """
    recs = [
        _recommend_one(
            candidate,
            path,
            modules,
            tuple(placements),
            weights,
            knowledge,
            civil_factor,
            max_weeks,
            openings_full,
            path_weights,
        )
        for path in paths
    ]
    order = sorted(range(len(recs)), key=lambda i: (-recs[i].score, i))
    ranked = [recs[i] for i in order]
    return ranked if limit is None else ranked[:limit]
