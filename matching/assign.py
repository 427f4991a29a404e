"""Capacity-aware assignment for a match round: the pairs that maximise the total score.

The problem is a network flow (see `flow.py`): a min-cost flow is exact and integral by
construction, and takes seconds where an LP over the same constraints takes minutes. Locked pairs
are placed first and their capacity taken off, which is exact: a forced pair is a fixed variable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

import numpy as np

from . import flow
from .types import (
    AssignedPair,
    Assignment,
    CapacityUse,
    MentorGain,
    PlacementProfile,
    Unassigned,
)

__all__ = ["UNASSIGNED_REASONS", "assign", "greedy_assign"]

UNASSIGNED_REASONS = ("no_eligible_placement", "excluded_by_advisor", "capacity_full")


class Edge(Protocol):
    """What assign() reads of a pair: a ScoredPair or MatchResult (`eligible` is optional)."""

    @property
    def candidate_key(self) -> str: ...
    @property
    def placement_key(self) -> str: ...
    @property
    def score(self) -> float: ...


@dataclass(frozen=True, slots=True)
class _Problem:
    """Edges and capacities after locks, exclusions and thresholds are applied."""

    candidates: tuple[str, ...]
    edges: tuple[tuple[str, str, float, bool], ...]  # candidate, placement, score, locked
    place_cap: dict[str, int]
    employer_of: dict[str, str | None]
    employer_cap: dict[str, int]
    reasons: dict[str, str]


def _capacity(p: PlacementProfile, per_seat: int, cap: int | None) -> int:
    """Candidates a placement may take in this round."""
    seats = max(0, int(p.seats)) * per_seat
    return seats if cap is None else min(seats, cap)


def _prepare(
    pairs: Iterable[Edge],
    placements: Sequence[PlacementProfile],
    candidates: Sequence[str] | None,
    employer_capacity: Mapping[str, int] | None,
    locked: Iterable[tuple[str, str]],
    excluded: Iterable[tuple[str, str]],
    proposals_per_seat: int,
    max_proposals: int | None,
    min_score: float,
) -> _Problem:
    """Keep the best score per pair, drop excluded/ineligible/weak pairs, force locked ones."""
    place = {p.key: p for p in placements}
    excluded, locked = set(excluded), set(locked)
    best: dict[tuple[str, str], float] = {}
    seen: dict[str, None] = dict.fromkeys(candidates or ())
    reasons: dict[str, str] = {}
    for pair in pairs:
        key = (pair.candidate_key, pair.placement_key)
        seen.setdefault(key[0])
        if key in excluded:
            reasons.setdefault(key[0], "excluded_by_advisor")
            continue
        eligible = getattr(pair, "eligible", True)
        if key[1] in place and (key in locked or (eligible and pair.score > min_score)):
            best[key] = max(best.get(key, float("-inf")), float(pair.score))
    for key in locked:
        if key[1] not in place:
            raise ValueError(f"locked pair {key} names an unknown placement")
        seen.setdefault(key[0])
        best.setdefault(key, 0.0)
    for c, _ in best:
        reasons[c] = "capacity_full"
    edges = tuple((c, p, s, (c, p) in locked) for (c, p), s in best.items())
    return _Problem(
        candidates=tuple(seen),
        edges=edges,
        place_cap={k: _capacity(p, proposals_per_seat, max_proposals) for k, p in place.items()},
        employer_of={k: p.employer_key for k, p in place.items()},
        employer_cap={k: int(v) for k, v in (employer_capacity or {}).items()},
        reasons={c: reasons.get(c, "no_eligible_placement") for c in seen},
    )


def _check_locks(problem: _Problem) -> None:
    """Refuse locked pairs that alone break a capacity."""
    per: dict[tuple[str, str], int] = {}
    for c, p, _, is_locked in problem.edges:
        if is_locked:
            employer = problem.employer_of[p]
            for kind, name in (("candidate", c), ("placement", p), ("employer", employer)):
                if name is not None:
                    per[kind, name] = per.get((kind, name), 0) + 1
    for (kind, key), n in per.items():
        limit = {"candidate": 1, "placement": problem.place_cap.get(key)}.get(
            kind, problem.employer_cap.get(key)
        )
        if limit is not None and n > limit:
            raise ValueError(f"locked pairs exceed the capacity of {kind} {key!r}")


def _result(problem: _Problem, chosen: list[int], placements: Sequence[PlacementProfile]
            ) -> Assignment:
    """Assemble the Assignment from the chosen edge indices."""
    order = {c: i for i, c in enumerate(problem.candidates)}
    picked = sorted((problem.edges[e] for e in chosen), key=lambda e: (-e[2], order[e[0]]))
    pairs = tuple(AssignedPair(c, p, s, lk) for c, p, s, lk in picked)
    done = {pair.candidate_key for pair in pairs}
    used_p: dict[str, int] = {}
    used_e: dict[str, int] = {}
    for pair in pairs:
        used_p[pair.placement_key] = used_p.get(pair.placement_key, 0) + 1
        employer = problem.employer_of[pair.placement_key]
        if employer is not None:
            used_e[employer] = used_e.get(employer, 0) + 1
    employers = dict.fromkeys(p.employer_key for p in placements if p.employer_key is not None)
    return Assignment(
        pairs=pairs,
        unassigned=tuple(
            Unassigned(c, problem.reasons[c]) for c in problem.candidates if c not in done
        ),
        placements=tuple(
            CapacityUse(p.key, used_p.get(p.key, 0), problem.place_cap[p.key]) for p in placements
        ),
        employers=tuple(
            CapacityUse(e, used_e.get(e, 0), problem.employer_cap.get(e)) for e in employers
        ),
        total_score=float(sum(pair.score for pair in pairs)),
    )


def assign(
    pairs: Iterable[Edge],
    placements: Sequence[PlacementProfile],
    *,
    candidates: Sequence[str] | None = None,
    employer_capacity: Mapping[str, int] | None = None,
    locked: Iterable[tuple[str, str]] = (),
    excluded: Iterable[tuple[str, str]] = (),
    proposals_per_seat: int = 1,
    max_proposals_per_placement: int | None = None,
    min_score: float = 0.0,
    mentor_gains: bool = False,
) -> Assignment:
    """Choose at most one placement per candidate so that the total score is maximal.

    Parameters
    ----------
    pairs : iterable of ScoredPair or MatchResult
        Candidate edges (anything with `candidate_key`, `placement_key`, `score`, and optionally
        `eligible`); for example the output of `top_k_pairs`, flattened.
    placements : sequence of PlacementProfile
        Their `seats` and `employer_key` set the capacities.
    candidates : sequence of str, optional
        All candidate keys of the round, so that those without any pair are reported too.
    employer_capacity : mapping, optional
        Employer key -> mentor capacity still free, across all its placements (absent = no cap).
    locked : iterable of (candidate_key, placement_key)
        Pairs an advisor fixed; always assigned (a ValueError if they alone break a capacity).
    excluded : iterable of (candidate_key, placement_key)
        Pairs an advisor ruled out; never assigned.
    proposals_per_seat : int, default 1
        Candidates a placement may be proposed to per seat.
    max_proposals_per_placement : int, optional
        Hard cap on candidates per placement in this round.
    min_score : float, default 0.0
        Pairs scoring at or below this (and ineligible pairs) are not used unless locked.
    mentor_gains : bool, default False
        Also report, per capped employer, what one more unit of mentor capacity would add
        (`Assignment.mentor_gains`; exact, as a re-solve with that capacity would give).

    Returns
    -------
    Assignment
        Pairs sorted by score descending, ties in candidate order; unassigned candidates in input
        order with a reason from `UNASSIGNED_REASONS`; capacity used per placement and employer.
    """
    problem = _prepare(
        pairs,
        placements,
        candidates,
        employer_capacity,
        locked,
        excluded,
        proposals_per_seat,
        max_proposals_per_placement,
        min_score,
    )
    _check_locks(problem)
    chosen, gains = _solve(problem, mentor_gains)
    return replace(_result(problem, chosen, placements), mentor_gains=gains)


def _solve(problem: _Problem, gains: bool) -> tuple[list[int], tuple[MentorGain, ...]]:
    """The chosen edges (the locked ones, then an exact min-cost flow on the rest) and, when
    asked, what one more unit of mentor capacity per capped employer would add."""
    locked = [e for e, edge in enumerate(problem.edges) if edge[3]]
    taken = {problem.edges[e][0] for e in locked}
    left_p = dict(problem.place_cap)
    left_e = dict(problem.employer_cap)
    for e in locked:
        placement = problem.edges[e][1]
        left_p[placement] -= 1
        employer = problem.employer_of[placement]
        if employer in left_e:
            left_e[employer] -= 1
    # Employers without capacity left stay in (an arc of capacity 0): where one more mentor
    # helps most is often exactly there.
    free = [e for e, (c, p, score, is_locked) in enumerate(problem.edges)
            if not is_locked and c not in taken and score > 0 and left_p[p] > 0]
    if not free:
        return locked, ()
    net = flow.build([problem.edges[e][:3] for e in free], left_p, problem.employer_of, left_e)
    flows = flow.solve(net)
    chosen = [free[i] for i in np.flatnonzero(flows[: net.n_pairs] > 0).tolist()]
    found = flow.mentor_gains(net, flows) if gains else {}
    ranked = sorted(found.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
    return locked + chosen, tuple(MentorGain(k, placed, score) for k, (placed, score) in ranked)


def greedy_assign(
    pairs: Iterable[Edge],
    placements: Sequence[PlacementProfile],
    **knobs: Any,
) -> Assignment:
    """Baseline: take pairs by score descending while capacity lasts (locked pairs first).

    Parameters
    ----------
    pairs, placements, **knobs
        As for `assign`.

    Returns
    -------
    Assignment
        Feasible but not always optimal; used in tests and benchmarks as the baseline.
    """
    problem = _prepare(
        pairs,
        placements,
        knobs.get("candidates"),
        knobs.get("employer_capacity"),
        knobs.get("locked", ()),
        knobs.get("excluded", ()),
        knobs.get("proposals_per_seat", 1),
        knobs.get("max_proposals_per_placement"),
        knobs.get("min_score", 0.0),
    )
    _check_locks(problem)
    order = sorted(
        range(len(problem.edges)), key=lambda e: (not problem.edges[e][3], -problem.edges[e][2], e)
    )
    used: dict[str, int] = {}
    chosen = []
    for e in order:
        c, p, _, _ = problem.edges[e]
        employer = problem.employer_of[p]
        full = used.get("c" + c, 0) >= 1 or used.get("p" + p, 0) >= problem.place_cap[p]
        if employer is not None and employer in problem.employer_cap:
            full |= used.get("e" + employer, 0) >= problem.employer_cap[employer]
        if not full:
            chosen.append(e)
            for k in ("c" + c, "p" + p, "e" + str(employer)):
                used[k] = used.get(k, 0) + 1
    return _result(problem, chosen, placements)
