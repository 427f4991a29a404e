"""All pairs 5,000 candidates x 5,000 placements, keeping the top 20 per candidate.

Run: .venv/bin/python bench/bench_pairs.py [--n 5000] [--runs 3]
The per-pair `score_pair` loop over 25 million pairs would take hours, so it is measured on a
sample of candidates in the same run and extrapolated linearly (it is linear in the pairs).
"""

from __future__ import annotations

import argparse
import statistics

from bench_rank import make_candidates, make_knowledge, make_placements, naive_rank, timed

from matching import PlacementIndex, top_k_pairs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=5_000)
    parser.add_argument("--k", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--naive-sample", type=int, default=5)
    args = parser.parse_args()

    knowledge = make_knowledge()
    placements = make_placements(args.n)
    candidates = make_candidates(args.n)
    index = PlacementIndex.build(placements, knowledge=knowledge)

    times, tops = [], None
    for _ in range(args.runs):
        seconds, tops = timed(lambda: top_k_pairs(candidates, index, k=args.k))
        times.append(seconds)
    sample = candidates[: args.naive_sample]
    naive_seconds, naive = timed(
        lambda: [naive_rank(c, placements, knowledge, args.k) for c in sample]
    )
    for got, want in zip(tops, naive, strict=False):
        assert [p.placement_key for p in got] == [r.placement_key for r in want]
    naive_total = naive_seconds * len(candidates) / len(sample)

    fast = statistics.median(times)
    pairs = len(candidates) * len(placements)
    print(f"top_k_pairs {args.n:,} x {args.n:,} = {pairs:,} pairs, k={args.k}, "
          f"median of {args.runs}: {fast:.2f} s ({pairs / fast / 1e6:.1f} M pairs/s)")
    print(f"per-pair loop: {naive_seconds:.1f} s for {len(sample)} candidates, "
          f"extrapolated to {naive_total / 60:.0f} min for all")
    print(f"ratio: {naive_total / fast:.0f}x faster; sampled top-{args.k} lists identical")


if __name__ == "__main__":
    main()
