"""Latency of /api/suggest through the Flask test client, against the taxonomy call alone.

Run: python bench/bench_suggest.py  (builds a temporary SQLite database with the reference data)
Prints median and p95 per query for the endpoint and for the bare Taxonomy.suggest baseline
measured in the same run; the goal is under 50 ms per query for the endpoint.
"""

import statistics
import tempfile
import time
from pathlib import Path

from spt import create_app, migrate
from spt.db import get_db, make_engine
from spt.services import matchmaking, reference

QUERIES = ["monteur zonnepanelen", "elektricien", "vrachtwagen chauffeur", "kapster",
           "allround timmerman (m/v)", "leerling installatiemonteur", "helpdesk medewerker ict",
           "pv panelen leggen", "nen 3140", "vca", "storingen zoeken", "laadpaal monteren",
           "warmtepomp", "klantvriendelijk", "python programeren", "bim modelleur"]
ROUNDS = 5


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder / 'bench.sqlite'}"
    migrate.upgrade(make_engine(url))
    app = create_app({"DATABASE_URL": url, "RATELIMIT_ENABLED": False, "TESTING": True})
    with app.app_context():
        reference.load_all(get_db())
        start = time.perf_counter()
        catalogue = matchmaking.catalogue(get_db())
        print(f"catalogue built once in {time.perf_counter() - start:.2f} s")
    client = app.test_client()
    endpoint, bare = [], []
    for _ in range(ROUNDS):
        for query in QUERIES:
            for kind, taxonomy in (("occupation", catalogue.occupations),
                                   ("skill", catalogue.skills)):
                start = time.perf_counter()
                response = client.get("/api/suggest", query_string={"kind": kind, "q": query})
                endpoint.append(time.perf_counter() - start)
                assert response.status_code == 200
                start = time.perf_counter()
                taxonomy.suggest(query, limit=8)
                bare.append(time.perf_counter() - start)
    for name, values in (("endpoint /api/suggest", endpoint), ("Taxonomy.suggest alone", bare)):
        print(f"{name:<24} median {1000 * statistics.median(values):6.2f} ms   "
              f"p95 {1000 * percentile(values, 0.95):6.2f} ms   n={len(values)}")
    ratio = statistics.median(endpoint) / statistics.median(bare)
    print(f"endpoint / bare taxonomy (median): {ratio:.1f}x; goal: endpoint under 50 ms")


if __name__ == "__main__":
    main()
