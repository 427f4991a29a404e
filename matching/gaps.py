"""Skill gaps to LLO modules: weighted set cover, short modules with civiele waarde first."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from .reference import SkillKnowledge
from .scoring import DEFAULT_WEIGHTS, score_pair
from .types import (
    CandidateProfile,
    Module,
    ModulePlan,
    PlacementProfile,
    Weights,
    level_rank,
    nt2_rank,
)

__all__ = [
    "CIVIL_VALUE_FACTOR",
    "entry_problem",
    "missing_essential",
    "plan_for_placement",
    "plan_modules",
]

# A module's cost is its weeks times this factor: recognised training looks cheaper, so wins ties.
CIVIL_VALUE_FACTOR = {
    "wettelijk erkend": 0.8,
    "landelijk erkend": 0.9,
    "instellingsgebonden": 1.0,
    "geen": 1.1,
}
_MIN_WEEKS = 0.1


def entry_problem(candidate: CandidateProfile, module: Module) -> str | None:
    """Why the candidate cannot enter a module yet (a code), or None.

    An unknown candidate NT2 level means no NT2 requirement applies; an unknown education level
    is let through (the advisor checks it at intake).
    """
    if module.min_nt2 and candidate.nt2 is not None:
        if nt2_rank(candidate.nt2) < nt2_rank(module.min_nt2):
            return "nt2_below_minimum"
    if module.min_level and candidate.level:
        if level_rank(candidate.level) < level_rank(module.min_level):
            return "level_below_minimum"
    return None


def _cost(module: Module, civil_factor: Mapping[str, float]) -> float:
    """Weeks weighted by civiele waarde (never zero, so a free module still counts)."""
    return max(float(module.weeks), _MIN_WEEKS) * civil_factor.get(module.civil_value, 1.0)


def _greedy_cover(needed: set[str], usable: list[Module], civil_factor: Mapping[str, float]
                  ) -> list[Module]:
    """Pick modules by cost per newly covered skill (ties: more skills, then input order)."""
    left, chosen = set(needed), []
    while left:
        best = None
        for i, m in enumerate(usable):
            new = len(m.skills & left)
            if new:
                key = (_cost(m, civil_factor) / new, -new, i)
                best = key if best is None or key < best else best
        if best is None:
            break
        module = usable[best[2]]
        chosen.append(module)
        left -= module.skills
    return _prune(chosen, needed)


def _prune(chosen: list[Module], needed: set[str]) -> list[Module]:
    """Drop modules whose skills the others already cover (latest picks first)."""
    kept = list(chosen)
    for m in reversed(chosen):
        others = set().union(*(o.skills for o in kept if o is not m)) & needed
        if (m.skills & needed) <= others:
            kept.remove(m)
    return kept


def plan_modules(
    candidate: CandidateProfile,
    skills: Iterable[str],
    modules: Sequence[Module],
    *,
    civil_factor: Mapping[str, float] = CIVIL_VALUE_FACTOR,
) -> ModulePlan:
    """Choose modules that teach the skills the candidate still lacks.

    Parameters
    ----------
    candidate : CandidateProfile
        Skills already declared are not planned; NT2 and level gate module entry.
    skills : iterable of str
        Skill ids needed (for example a placement's missing essential skills).
    modules : sequence of Module
        The catalogue.
    civil_factor : mapping, optional
        Civiele waarde -> cost multiplier on weeks; lower is preferred.

    Returns
    -------
    ModulePlan
        Modules ordered by level, then the order they were chosen; total weeks and cost; skills no
        enterable module covers; modules that would help but cannot be entered, with a reason.
    """
    needed_order = [s for s in dict.fromkeys(skills) if s not in candidate.skill_ids]
    needed = set(needed_order)
    usable, skipped = [], []
    for m in modules:
        if not m.skills & needed:
            continue
        problem = entry_problem(candidate, m)
        if problem:
            skipped.append((m.id, problem))
        else:
            usable.append(m)
    chosen = _greedy_cover(needed, usable, civil_factor)
    pick = {id(m): i for i, m in enumerate(chosen)}
    chosen.sort(key=lambda m: (level_rank(m.level), pick[id(m)]))
    covered = set().union(*(m.skills for m in chosen)) & needed if chosen else set()
    return ModulePlan(
        modules=tuple(chosen),
        covered=tuple(s for s in needed_order if s in covered),
        uncovered=tuple(s for s in needed_order if s not in covered),
        skipped=tuple(skipped),
        total_weeks=float(sum(m.weeks for m in chosen)),
        total_cost=float(sum(m.cost_eur for m in chosen)),
    )


def missing_essential(
    candidate: CandidateProfile,
    placement: PlacementProfile,
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    knowledge: SkillKnowledge | None = None,
) -> tuple[str, ...]:
    """Essential skills of a placement the candidate neither declared nor brings from a job.

    Parameters
    ----------
    candidate, placement : CandidateProfile, PlacementProfile
    weights : Weights, optional
    knowledge : SkillKnowledge, optional
        With it, skills inferred from previous occupations count as present.

    Returns
    -------
    tuple of str
        In the placement's order.
    """
    result = score_pair(candidate, placement, weights=weights, knowledge=knowledge)
    return result.explanation.missing_essential


def plan_for_placement(
    candidate: CandidateProfile,
    placement: PlacementProfile,
    modules: Sequence[Module],
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    knowledge: SkillKnowledge | None = None,
    civil_factor: Mapping[str, float] = CIVIL_VALUE_FACTOR,
) -> ModulePlan:
    """Plan modules for the essential skills a placement needs and the candidate lacks.

    Parameters
    ----------
    candidate, placement, modules
        As for `plan_modules` and `missing_essential`.
    weights, knowledge, civil_factor
        Passed on.

    Returns
    -------
    ModulePlan
    """
    missing = missing_essential(candidate, placement, weights=weights, knowledge=knowledge)
    return plan_modules(candidate, missing, modules, civil_factor=civil_factor)
