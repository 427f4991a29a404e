"""Rank 1 candidate against 50,000 placements: vectorised `rank` vs a per-pair `score_pair` loop.

Run: .venv/bin/python bench/bench_rank.py [--placements 50000] [--runs 7]
Prints the median of several runs of each and their ratio, measured in the same run.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date, timedelta

from matching import (
    KINDS,
    LEVELS,
    NT2_LEVELS,
    THEMES,
    CandidateProfile,
    PlacementIndex,
    PlacementProfile,
    SkillKnowledge,
    rank,
    score_pair,
)

SKILLS = [f"skill-{i}" for i in range(400)]
OCCUPATIONS = [f"occ-{i}" for i in range(300)]
GROUPS = [f"{a}{b}{c}{d}" for a in "7823" for b in "13" for c in "12" for d in "15"]
DAY0 = date(2027, 1, 1)


def make_knowledge(seed: int = 1) -> SkillKnowledge:
    """Random occupation -> skills links and ISCO groups."""
    rng = random.Random(seed)
    links = [
        (s, occ, rel)
        for occ in OCCUPATIONS
        for rel, n in (("essential", 6), ("optional", 4))
        for s in rng.sample(SKILLS, n)
    ]
    return SkillKnowledge.from_links(links, groups={o: rng.choice(GROUPS) for o in OCCUPATIONS})


def make_placements(n: int, seed: int = 2, employers: int | None = None) -> list[PlacementProfile]:
    """Seeded synthetic placements spread over the Netherlands."""
    rng = random.Random(seed)
    employers = employers or max(1, n // 4)
    return [
        PlacementProfile(
            key=f"p{i}",
            kind=rng.choice(KINDS),
            occupation=rng.choice(OCCUPATIONS),
            lat=rng.uniform(51.3, 53.4),
            lon=rng.uniform(3.6, 7.0),
            hours_per_week=rng.choice([16, 24, 32, 36, 40]),
            start=DAY0 + timedelta(days=rng.randrange(0, 240)),
            level=rng.choice(LEVELS[:6]),
            min_nt2=rng.choice([None, *NT2_LEVELS[:4]]),
            requires_driving_licence=rng.random() < 0.3,
            requires_vca=rng.random() < 0.2,
            theme=rng.choice(THEMES),
            seats=rng.randint(1, 3),
            employer_key=f"e{rng.randrange(employers)}",
            essential_skills=tuple(rng.sample(SKILLS, rng.randint(2, 6))),
            optional_skills=tuple(rng.sample(SKILLS, rng.randint(0, 4))),
        )
        for i in range(n)
    ]


def make_candidates(n: int, seed: int = 3) -> list[CandidateProfile]:
    """Seeded synthetic candidates."""
    rng = random.Random(seed)
    return [
        CandidateProfile(
            key=f"c{i}",
            lat=rng.uniform(51.3, 53.4),
            lon=rng.uniform(3.6, 7.0),
            max_km=rng.choice([10, 25, 40, 60, 100]),
            hours_per_week=rng.choice([24, 32, 36, 40]),
            available_from=DAY0 + timedelta(days=rng.randrange(0, 120)),
            driving_licence=rng.random() < 0.7,
            certificates=frozenset(["vca-basis"]) if rng.random() < 0.4 else frozenset(),
            nt2=rng.choice([None, *NT2_LEVELS]),
            level=rng.choice(LEVELS[:6]),
            skills={s: rng.randint(1, 3) for s in rng.sample(SKILLS, rng.randint(3, 10))},
            occupations=tuple(rng.sample(OCCUPATIONS, rng.randint(0, 2))),
            themes=frozenset(rng.sample(THEMES, rng.randint(0, 2))),
            kinds=frozenset(rng.sample(KINDS, rng.randint(0, 3))),
        )
        for i in range(n)
    ]


def timed(fn) -> tuple[float, object]:
    """Seconds one call takes, and its result."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def naive_rank(candidate, placements, knowledge, limit):
    """The baseline: score every pair in Python, then sort."""
    results = [score_pair(candidate, p, knowledge=knowledge) for p in placements]
    order = sorted(
        (i for i, r in enumerate(results) if r.eligible), key=lambda i: (-results[i].score, i)
    )
    return [results[i] for i in order[:limit]]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--placements", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--naive-runs", type=int, default=3)
    parser.add_argument("--limit", type=int, default=20)
    args = parser.parse_args()

    knowledge = make_knowledge()
    placements = make_placements(args.placements)
    candidates = make_candidates(max(args.runs, args.naive_runs))
    build, index = timed(lambda: PlacementIndex.build(placements, knowledge=knowledge))
    rank(candidates[0], index, limit=args.limit)  # warm-up

    fast = []
    for cand in candidates[: args.runs]:
        seconds, _ = timed(lambda c=cand: rank(c, index, limit=args.limit))
        fast.append(seconds)
    slow = []
    for cand in candidates[: args.naive_runs]:
        seconds, naive = timed(lambda c=cand: naive_rank(c, placements, knowledge, args.limit))
        slow.append(seconds)
        vec = rank(cand, index, limit=args.limit)
        assert [r.placement_key for r in vec] == [r.placement_key for r in naive]
        assert all(abs(a.score - b.score) < 1e-9 for a, b in zip(vec, naive, strict=True))

    fast_ms, slow_ms = statistics.median(fast) * 1e3, statistics.median(slow) * 1e3
    print(f"placements: {args.placements:,}  index build: {build * 1e3:.0f} ms (once)")
    print(f"rank 1 x {args.placements:,} (limit {args.limit}), median of {args.runs}: "
          f"{fast_ms:.1f} ms")
    print(f"per-pair score_pair loop, median of {args.naive_runs}: {slow_ms:.0f} ms")
    print(f"ratio: {slow_ms / fast_ms:.0f}x faster; top-{args.limit} identical to the loop")


if __name__ == "__main__":
    main()
