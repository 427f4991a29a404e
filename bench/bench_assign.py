"""A match round: 5,000 candidates x 2,000 placements with the top 50 edges per candidate.

Run: .venv/bin/python bench/bench_assign.py [--candidates 5000] [--placements 2000] [--runs 3]
Prints the median solve time of the exact `assign` (a min-cost flow) against the linear programme
it replaced (HiGHS dual simplex, `lp_reference.py`) and the greedy baseline, measured in the same
run, checks that the flow reaches the LP's optimum and that no seat or mentor capacity is exceeded.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
from collections import Counter

from bench_rank import make_candidates, make_knowledge, make_placements, timed
from lp_reference import lp_optimum

from matching import PlacementIndex, assign, greedy_assign, top_k_pairs


def check_capacity(result, placements, mentor) -> None:
    """Fail loudly when any capacity is exceeded or a candidate is assigned twice."""
    employer_of = {p.key: p.employer_key for p in placements}
    seats = {p.key: p.seats for p in placements}
    per_candidate = Counter(p.candidate_key for p in result.pairs)
    per_place = Counter(p.placement_key for p in result.pairs)
    per_employer = Counter(employer_of[p.placement_key] for p in result.pairs)
    assert max(per_candidate.values(), default=0) <= 1
    assert all(n <= seats[k] for k, n in per_place.items())
    assert all(n <= mentor[k] for k, n in per_employer.items())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=5_000)
    parser.add_argument("--placements", type=int, default=2_000)
    parser.add_argument("--k", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    knowledge = make_knowledge()
    placements = make_placements(args.placements, employers=args.placements // 4)
    candidates = make_candidates(args.candidates)
    rng = random.Random(4)
    mentor = {f"e{i}": rng.randint(1, 4) for i in range(args.placements // 4)}
    index = PlacementIndex.build(placements, knowledge=knowledge)
    edge_seconds, tops = timed(lambda: top_k_pairs(candidates, index, k=args.k))
    pairs = [p for top in tops for p in top]
    keys = [c.key for c in candidates]
    knobs = dict(candidates=keys, employer_capacity=mentor)

    times, result = [], None
    for _ in range(args.runs):
        seconds, result = timed(lambda: assign(pairs, placements, **knobs))
        times.append(seconds)
    greedy_seconds, greedy = timed(lambda: greedy_assign(pairs, placements, **knobs))
    lp_seconds, lp_total = timed(lambda: lp_optimum(pairs, placements, mentor))
    assert abs(lp_total - result.total_score) < 1e-6, (lp_total, result.total_score)
    check_capacity(result, placements, mentor)
    check_capacity(greedy, placements, mentor)
    gains_seconds, with_gains = timed(lambda: assign(pairs, placements, **knobs,
                                                     mentor_gains=True))
    best = with_gains.mentor_gains[:3]
    for gain in best:  # each prediction checked against a re-solve with one more mentor
        more = assign(pairs, placements, **knobs | {"employer_capacity": mentor | {
            gain.employer_key: mentor[gain.employer_key] + 1}})
        assert abs(more.total_score - result.total_score - gain.score) < 1e-6, gain

    reasons = Counter(u.reason for u in result.unassigned)
    print(f"edges: {len(pairs):,} (top {args.k} of {args.placements:,} per candidate, "
          f"built in {edge_seconds:.1f} s)")
    flow_seconds = statistics.median(times)
    print(f"load average {os.getloadavg()[0]:.2f}")
    print(f"assign (exact, min-cost flow), median of {args.runs}: {flow_seconds:.2f} s; "
          f"the LP it replaced: {lp_seconds:.2f} s ({lp_seconds / flow_seconds:.1f}x), same "
          f"optimum {lp_total:.4f}; greedy: {greedy_seconds:.2f} s")
    print(f"total score: exact {result.total_score:.2f} vs greedy {greedy.total_score:.2f} "
          f"(+{100 * (result.total_score / greedy.total_score - 1):.2f}%); "
          f"assigned {len(result.pairs):,} vs {len(greedy.pairs):,}")
    print(f"with one-more-mentor gains for {len(mentor):,} employers: {gains_seconds:.2f} s "
          f"({len(with_gains.mentor_gains):,} where it helps; the best "
          f"{[(g.employer_key, g.placed, round(g.score, 3)) for g in best]}, each equal to a "
          f"re-solve)")
    print(f"capacity respected (seats, mentor capacity, one per candidate); "
          f"unassigned: {dict(reasons)}")


if __name__ == "__main__":
    main()
