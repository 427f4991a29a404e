"""An advisor's "Voorstellen" click against the candidate page, at 5,000 open placements.

Run: .venv/bin/python bench/bench_propose.py [--placements 5000] [--runs 7]
Seeds a fresh SQLite database (migrations, reference data, bench/load_seed.py's placements),
warms the catalogue and the index of open placements once, then times the median of several
runs of: the advisor's candidate page, a proposal (`advisor_review.propose`, which ranks the
candidate on the cached index), and the path proposals took before (every open placement's
profile rebuilt and ranked without the index). Prints each, the ratios measured in the same
run, and the load average (the machine is shared: read the figures against it).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import matching  # noqa: E402
from bench.load_seed import seed
from spt import create_app, migrate  # noqa: E402
from spt.db import get_db, make_engine  # noqa: E402
from spt.models import Placement
from spt.services import advisor_review, matchmaking, reference
from tests.factories import make_candidate


def _median(fn, runs: int) -> float:
    times = []
    for i in range(runs):
        started = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--placements", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite'}"
    migrate.upgrade(make_engine(url))
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-" + "x" * 40, "TESTING": True})
    with app.app_context():

        reference.load_all(get_db())
        advisor_id = seed(args.placements, "bench-adviseur@example.nl",
                          "een lang wachtwoord 42")["advisor_id"]
        db = get_db()
        advisor = db.get(advisor_review.User, advisor_id)
        skills = ("zonnepanelen-monteren", "storingen-zoeken")
        candidates = [make_candidate(app, skills=skills, themes=["energie", "installatie"])[1]
                      for _ in range(args.runs + 1)]
        placements = [p.id for p in matchmaking.open_placements(db)][: args.runs + 1]
        assert len(matchmaking.open_index(db).index) >= args.placements  # warm, like a server

        def page(_i):
            advisor_review.candidate_page(db, viewer_id=advisor_id, candidate_id=candidates[0])

        def propose(i):
            advisor_review.propose(db, advisor=advisor, candidate_id=candidates[i + 1],
                                   placement_id=placements[i], expected_version=0,
                                   override_reason="bench")

        def before(_i):  # what each click cost before: all profiles rebuilt, no index
            candidate = db.get(advisor_review.Candidate, candidates[0])
            pool = matchmaking.open_placements(db)
            matching.rank(matchmaking.candidate_profile(db, candidate),
                          matchmaking.placement_profiles(db, pool),
                          knowledge=matchmaking.catalogue(db).knowledge, explain=False)

        page(0)  # the first view builds nothing new, but fills SQLite's page cache
        placed = len(db.exec(advisor_review.select(Placement.id)).all())
        t_page, t_propose = _median(page, args.runs), _median(propose, args.runs)
        t_before = _median(before, args.runs)
    load = os.getloadavg()
    print(f"open placements {placed}, runs {args.runs} (medians)")
    print(f"candidate page       {t_page * 1000:8.1f} ms")
    print(f"propose (index)      {t_propose * 1000:8.1f} ms")
    print(f"rank without index   {t_before * 1000:8.1f} ms  (the path proposals took before)")
    print(f"propose / page       {t_propose / t_page:8.2f}")
    print(f"before / propose     {t_before / t_propose:8.2f}")
    print(f"load average (1, 5, 15 min): {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
          f"on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
