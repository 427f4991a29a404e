"""Score one candidate x placement pair: hard constraints first, then weighted soft factors.

The vectorised ranker in `rank.py` computes exactly the same numbers over many pairs at once; a
test holds the two to 1e-9. Change a rule here and there together.
"""

from __future__ import annotations

import math
from datetime import date

from .bridges import NO_BRIDGES, Bridges, window_weeks
from .geo import haversine_km
from .reference import SkillKnowledge
from .types import (
    Bridge,
    CandidateProfile,
    Explanation,
    Factor,
    MatchResult,
    PlacementProfile,
    SkillMatch,
    Weights,
    level_rank,
    nt2_rank,
)

__all__ = ["DEFAULT_WEIGHTS", "EXCLUSION_CODES", "closable", "score_pair", "skill_credits"]

DEFAULT_WEIGHTS = Weights()
EXCLUSION_CODES = (
    "travel_too_far",
    "nt2_below_minimum",
    "licence_missing",
    "vca_missing",
    "starts_before_available",
    "hours_mismatch",
    "kind_not_wanted",
    "theme_not_wanted",
)


def skill_credits(
    candidate: CandidateProfile, *, weights: Weights, knowledge: SkillKnowledge | None
) -> dict[str, SkillMatch]:
    """Skill id -> how the candidate holds it: declared (credit by the self-rated level:
    basis, goed, expert), a certificate (credit 1) or inferred from a previous job."""
    out: dict[str, SkillMatch] = {}
    if knowledge is not None:
        inferred = knowledge.inferred(
            candidate.occupations,
            essential_credit=weights.inferred_essential_credit,
            optional_credit=weights.inferred_optional_credit,
        )
        for skill, (credit, occupation) in inferred.items():
            out[skill] = SkillMatch(skill, occupation, "occupation", credit)
    for skill, level in candidate.skills:
        credit = weights.self_level_credit[level - 1]
        if skill not in out or out[skill].credit < credit:
            out[skill] = SkillMatch(skill, skill, "declared", credit)
    for skill in candidate.certificates:
        out[skill] = SkillMatch(skill, skill, "declared", 1.0)
    return out


def candidate_groups(candidate: CandidateProfile, knowledge: SkillKnowledge | None) -> set[str]:
    """ISCO groups of the candidate's previous occupations, given and looked up."""
    groups = {g for g in candidate.occupation_groups if g}
    if knowledge is not None:
        groups.update(g for g in map(knowledge.group_of, candidate.occupations) if g)
    return groups


def coverage(credits: list[float], weights: Weights) -> float:
    """Share of the requirements met (credits averaged: "1 van 2" is 0.5); none asked gives the
    neutral `Weights.unknown`."""
    return sum(credits) / len(credits) if credits else weights.unknown


def isco_proximity(a: str, b: str, weights: Weights) -> float:
    """Proximity of two ISCO codes by the length of their shared prefix (4 digits = closest)."""
    return max(
        (
            value
            for k, value in zip((4, 3, 2, 1), weights.isco_proximity, strict=True)
            if len(a) >= k and len(b) >= k and a[:k] == b[:k]
        ),
        default=0.0,
    )


def occupation_fit(
    candidate: CandidateProfile,
    placement: PlacementProfile,
    weights: Weights,
    knowledge: SkillKnowledge | None,
) -> float:
    """How the placement relates to the candidate's last work, as their intent wants it.

    Staying or growing: 1 for the same occupation, else the closest ISCO group of a previous
    occupation (0 without evidence). Switching: the opposite, 1 minus that closeness, so the work
    they want to leave comes last. Intent unknown: neutral (`Weights.unknown`) for every placement.
    """
    if candidate.intent is None:
        return weights.unknown
    group = placement.isco_group or (
        knowledge.group_of(placement.occupation) if knowledge else None
    )
    if placement.occupation is not None and placement.occupation in candidate.occupations:
        closeness = 1.0
    elif not group:
        closeness = 0.0
    else:
        closeness = max(
            (isco_proximity(g, group, weights) for g in candidate_groups(candidate, knowledge)),
            default=0.0,
        )
    return 1.0 - closeness if candidate.intent == "switch" else closeness


def level_fit(candidate: CandidateProfile, placement: PlacementProfile, weights: Weights) -> float:
    """1 at the right level; less per level short, a little less when far overqualified.

    Someone who wants to grow aims one level above their own: a placement below that target
    costs `Weights.no_growth_penalty` per level.
    """
    c, p = level_rank(candidate.level), level_rank(placement.level)
    if c == 0 or p == 0:
        return weights.unknown
    grow = candidate.intent == "grow"
    target = c + 1 if grow else c
    gap = p - target - (1 if placement.kind in weights.learning_kinds else 0)
    if gap > 0:
        return max(0.0, 1.0 - weights.level_step_penalty * gap)
    if grow and p < target:
        return max(0.0, 1.0 - weights.no_growth_penalty * (target - p))
    return max(0.0, 1.0 - weights.overqualified_penalty * max(0, -gap - 1))


def theme_fit(candidate: CandidateProfile, placement: PlacementProfile, weights: Weights
              ) -> float:
    """1 when the placement is in a theme the candidate wants; a theme-less placement meets none."""
    if not candidate.themes:
        return weights.unknown
    return 1.0 if placement.theme in candidate.themes else 0.0


def kind_fit(candidate: CandidateProfile, placement: PlacementProfile, weights: Weights
             ) -> float:
    """1 when the placement is a kind the candidate wants (a soft wish)."""
    if not candidate.kinds or not placement.kind:
        return weights.unknown
    return 1.0 if placement.kind in candidate.kinds else 0.0


def skills_used(candidate: CandidateProfile, placement: PlacementProfile, weights: Weights
                ) -> float:
    """Share of the candidate's declared skills the placement asks for (the candidate's side)."""
    declared = candidate.skill_ids
    if not declared:
        return weights.unknown
    asked = set(placement.essential_skills) | set(placement.optional_skills)
    return len(declared & asked) / len(declared)


def _distance(candidate: CandidateProfile, placement: PlacementProfile) -> float | None:
    """Km between the two centroids, or None when either is unknown."""
    lat1, lon1, lat2, lon2 = candidate.lat, candidate.lon, placement.lat, placement.lon
    if lat1 is None or lon1 is None or lat2 is None or lon2 is None:
        return None
    if any(math.isnan(v) for v in (lat1, lon1, lat2, lon2)):
        return None
    return haversine_km(lat1, lon1, lat2, lon2)


def closable(
    candidate: CandidateProfile,
    placement: PlacementProfile,
    weights: Weights,
    bridges: Bridges,
    today: date | None,
) -> tuple[tuple[Bridge, ...], set[str]]:
    """The VCA and NT2 requirements the candidate lacks: bridged ones (modules that close them
    before the start) and the codes of those no module closes in time."""
    window = window_weeks(candidate, placement, today)
    found: list[Bridge] = []
    walls: set[str] = set()
    if placement.requires_vca and not (candidate.skill_ids & weights.vca_ids):
        bridge = bridges.vca
        if bridge is not None and bridge.weeks <= window:
            found.append(bridge)
        else:
            walls.add("vca_missing")
    have, need = nt2_rank(candidate.nt2), nt2_rank(placement.min_nt2)
    if need > 0 and candidate.nt2 is not None and have < need:
        bridge = bridges.for_nt2(have, need)
        if bridge is not None and bridge.weeks <= window:
            found.append(bridge)
        else:
            walls.add("nt2_below_minimum")
    return tuple(found), walls


def exclusions(
    candidate: CandidateProfile,
    placement: PlacementProfile,
    distance: float | None,
    weights: Weights,
    walls: set[str],
) -> tuple[str, ...]:
    """Codes of the hard constraints this pair breaks, in `EXCLUSION_CODES` order; ``walls``
    are the VCA and NT2 gaps no module closes in time (see `closable`)."""
    hours_gap = (
        abs(candidate.hours_per_week - placement.hours_per_week)
        if candidate.hours_per_week is not None and placement.hours_per_week is not None
        else None
    )
    max_gap = weights.strict_hours_gap if candidate.hours_strict else weights.max_hours_gap
    broken = {
        "travel_too_far": distance is not None
        and candidate.max_km is not None
        and distance > candidate.max_km,
        "nt2_below_minimum": "nt2_below_minimum" in walls,
        "licence_missing": not placement.required_licences <= candidate.licences,
        "vca_missing": "vca_missing" in walls,
        "starts_before_available": placement.start is not None
        and candidate.available_from is not None
        and placement.start < candidate.available_from,
        "hours_mismatch": hours_gap is not None and hours_gap > max_gap,
        "kind_not_wanted": candidate.kinds_only and bool(candidate.kinds)
        and placement.kind not in candidate.kinds,
        "theme_not_wanted": candidate.themes_only and bool(candidate.themes)
        and placement.theme not in candidate.themes,
    }
    return tuple(code for code in EXCLUSION_CODES if broken[code])


def bridge_fit(bridges: tuple[Bridge, ...], weights: Weights) -> float:
    """1 when nothing needs closing, less the longer the modules that close the gaps take."""
    weeks = sum(b.weeks for b in bridges)
    return max(0.0, 1.0 - weeks / weights.bridge_scale_weeks) if bridges else 1.0


def _factors(candidate: CandidateProfile, placement: PlacementProfile, distance: float | None,
             credits: dict[str, SkillMatch], weights: Weights, knowledge: SkillKnowledge | None,
             bridges: tuple[Bridge, ...]) -> dict[str, float]:
    """Soft factor values in [0, 1], keyed like `Weights.factor_weights`."""
    ess = [credits[s].credit if s in credits else 0.0 for s in placement.essential_skills]
    opt = [credits[s].credit if s in credits else 0.0 for s in placement.optional_skills]
    if candidate.hours_per_week is None or placement.hours_per_week is None:
        hours = weights.unknown
    else:
        gap = abs(candidate.hours_per_week - placement.hours_per_week)
        hours = max(0.0, 1.0 - gap / weights.hours_scale)
    return {
        "essential": coverage(ess, weights),
        "optional": coverage(opt, weights),
        "skills_used": skills_used(candidate, placement, weights),
        "occupation": occupation_fit(candidate, placement, weights, knowledge),
        "level": level_fit(candidate, placement, weights),
        "distance": weights.unknown
        if distance is None
        else math.exp(-distance / weights.distance_scale_km),
        "hours": hours,
        "theme": theme_fit(candidate, placement, weights),
        "kind": kind_fit(candidate, placement, weights),
        "bridge": bridge_fit(bridges, weights),
    }


def score_pair(
    candidate: CandidateProfile,
    placement: PlacementProfile,
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    knowledge: SkillKnowledge | None = None,
    bridges: Bridges = NO_BRIDGES,
    today: date | None = None,
) -> MatchResult:
    """Score one candidate x placement pair and explain it.

    Parameters
    ----------
    candidate, placement : CandidateProfile, PlacementProfile
    weights : Weights, optional
        Factor weights and rules; the defaults are `DEFAULT_WEIGHTS`.
    knowledge : SkillKnowledge, optional
        Occupation -> skills and ISCO groups, for transferable skills and occupation proximity.
    bridges : Bridges, optional
        Modules that close a VCA or NT2 requirement; without them such a gap excludes the pair.
    today : date, optional
        From when the candidate can follow a bridge; defaults to their availability.

    Returns
    -------
    MatchResult
        `score` in [0, 1]: the weighted mean of the soft factors when the pair is eligible, and 0
        when any hard constraint is broken (`eligible=False`, codes in `explanation.exclusions`;
        the factors are still reported). A gap a module closes in time keeps the pair eligible,
        lower, with the modules in `explanation.bridges`.
    """
    distance = _distance(candidate, placement)
    credits = skill_credits(candidate, weights=weights, knowledge=knowledge)
    bridged, walls = closable(candidate, placement, weights, bridges, today)
    values = _factors(candidate, placement, distance, credits, weights, knowledge, bridged)
    factor_weights = weights.factor_weights(placement.kind, candidate.intent)
    total_weight = sum(factor_weights.values())
    soft = sum(factor_weights[k] * v for k, v in values.items())
    soft = min(1.0, max(0.0, soft / total_weight)) if total_weight else 0.0  # rounding only
    excluded = exclusions(candidate, placement, distance, weights, walls)
    required = dict.fromkeys(placement.essential_skills + placement.optional_skills)
    explanation = Explanation(
        factors=tuple(Factor(k, v, factor_weights[k]) for k, v in values.items()),
        matched=tuple(credits[s] for s in required if s in credits),
        missing_essential=tuple(s for s in placement.essential_skills if s not in credits),
        missing_optional=tuple(s for s in placement.optional_skills if s not in credits),
        exclusions=excluded,
        distance_km=distance,
        intent=candidate.intent,
        bridges=bridged,
    )
    return MatchResult(
        candidate_key=candidate.key,
        placement_key=placement.key,
        score=0.0 if excluded else soft,
        eligible=not excluded,
        explanation=explanation,
    )
