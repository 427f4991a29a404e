"""Benchmark the normaliser against plain rapidfuzz, both measured in this run, on one core.

    python bench/bench_normalise.py [--runs 3] [--baseline-speed-n 400]

Reports top-1, top-1 on queries with both a typo and a qualifier, recall@5 and queries per second
(median of ``--runs``; wall clock and CPU time of this one process) for ``Taxonomy.suggest`` and
``Taxonomy.suggest_many``, and the same for the baseline
``process.extract(query, labels, scorer=fuzz.ratio, limit=5)`` (lower-cased) that maps each label
to the first concept carrying it. The last line is one JSON object.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import csv  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from rapidfuzz import fuzz, process, utils  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matching.taxonomy import Concept, Taxonomy  # noqa: E402

DATA = ROOT / "spt" / "data"
DEV = ROOT / "tests" / "eval" / "dev_normalise_occupation.jsonl"
DEV_SKILL = ROOT / "tests" / "eval" / "dev_normalise_skill.jsonl"
SAMPLE = ROOT / "tests" / "eval" / "sample_normalise_occupation.jsonl"
SHARED_SAMPLE = ROOT.parent / "shared" / "eval" / "sample_normalise_occupation.jsonl"


def load_concepts(path: Path, *, id_col: str, label_col: str, alt_col: str, group_col: str):
    with path.open(encoding="utf-8") as fh:
        return [
            Concept(
                r[id_col],
                r[label_col],
                tuple(a for a in (r.get(alt_col) or "").split("|") if a.strip()),
                r.get(group_col) or "",
            )
            for r in csv.DictReader(fh)
        ]


def load_cases(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def is_typo_qualifier(case: dict) -> bool:
    noise = case.get("noise", "")
    return noise == "combo" or ("typo" in noise and "qualifier" in noise)


def metrics(cases: list[dict], ranked: list[list[str]]) -> dict:
    """top1, top1 on typo+qualifier cases, recall@5 and n for ranked concept ids per case."""
    hit1 = [bool(r) and r[0] in c["accept"] for c, r in zip(cases, ranked, strict=True)]
    hit5 = [any(i in c["accept"] for i in r[:5]) for c, r in zip(cases, ranked, strict=True)]
    tq = [h for c, h in zip(cases, hit1, strict=True) if is_typo_qualifier(c)]
    return {
        "n": len(cases),
        "top1": round(sum(hit1) / len(cases), 4),
        "top1_typo_qualifier": round(sum(tq) / len(tq), 4) if tq else None,
        "n_typo_qualifier": len(tq),
        "recall@5": round(sum(hit5) / len(cases), 4),
    }


def timed(fn, runs: int) -> tuple[float, float, object]:
    """Median wall-clock and CPU seconds of ``runs`` calls of ``fn``, and the last result.

    CPU time is what one core spends; it is the fairer figure when other jobs share the machine.
    """
    walls, cpus, out = [], [], None
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus), out


class Baseline:
    """Plain rapidfuzz over every label; a label maps to the first concept carrying it."""

    def __init__(self, concepts: list[Concept]):
        self.owner: dict[str, str] = {}
        for c in concepts:
            for label in (c.label, *c.alt_labels):
                self.owner.setdefault(label, c.id)
        self.labels = list(self.owner)
        self.processed = [utils.default_process(lab) for lab in self.labels]

    def suggest(self, query: str) -> list[str]:
        found = process.extract(
            utils.default_process(query), self.processed, scorer=fuzz.ratio, limit=5
        )
        return list(dict.fromkeys(self.owner[self.labels[i]] for _, _, i in found))


def run_set(name, cases, tax, baseline, runs, speed_n) -> dict:
    queries = [c["query"] for c in cases]
    wall, cpu, ours = timed(lambda: [[s.concept_id for s in tax.suggest(q)] for q in queries], runs)
    wall_many, cpu_many, many = timed(lambda: tax.suggest_many(queries), runs)
    differ = sum(r != [s.concept_id for s in m] for r, m in zip(ours, many, strict=True))
    out = {"ours": metrics(cases, ours), "suggest_many_differs": differ}
    n = len(queries)
    out["ours"].update(
        qps_suggest=round(n / wall),
        qps_suggest_cpu=round(n / cpu),
        qps_suggest_many=round(n / wall_many),
        qps_suggest_many_cpu=round(n / cpu_many),
    )
    base = [baseline.suggest(q) for q in queries]
    sub = queries[:: max(1, n // speed_n)][:speed_n]  # spread over the whole set
    wall_b, cpu_b, _ = timed(lambda: [baseline.suggest(q) for q in sub], runs)
    out["baseline"] = metrics(cases, base)
    out["baseline"].update(
        qps_suggest=round(len(sub) / wall_b), qps_suggest_cpu=round(len(sub) / cpu_b)
    )
    out["speed_ratio"] = round(out["ours"]["qps_suggest"] / out["baseline"]["qps_suggest"], 1)
    out["speed_ratio_cpu"] = round(
        out["ours"]["qps_suggest_cpu"] / out["baseline"]["qps_suggest_cpu"], 1
    )
    print(f"\n== {name} ({n} cases; baseline speed on {len(sub)} of them)")
    for who in ("ours", "baseline"):
        m = out[who]
        print(
            f"  {who:8s} top1 {m['top1']:.4f}  top1 typo+qualifier {m['top1_typo_qualifier']}"
            f" (n={m['n_typo_qualifier']})  recall@5 {m['recall@5']:.4f}"
            f"  q/s suggest {m['qps_suggest']} (cpu {m['qps_suggest_cpu']})"
            + (
                f"  suggest_many {m['qps_suggest_many']} (cpu {m['qps_suggest_many_cpu']})"
                if who == "ours"
                else ""
            )
        )
    print(f"  suggest_many answers that differ from suggest: {differ}")
    print(
        f"  speed ratio ours/baseline (suggest): {out['speed_ratio']}x wall,"
        f" {out['speed_ratio_cpu']}x cpu"
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline-speed-n", type=int, default=400)
    args = parser.parse_args()
    occ = load_concepts(
        DATA / "esco" / "occupations_nl.csv",
        id_col="uri",
        label_col="preferred_label",
        alt_col="alt_labels",
        group_col="isco_group",
    )
    t0 = time.perf_counter()
    tax = Taxonomy.build(occ, kind="occupation")
    build_s = time.perf_counter() - t0
    print(f"occupations: {len(tax)} concepts, build {build_s:.2f} s")
    baseline = Baseline(occ)
    report: dict = {"build_s_occupation": round(build_s, 2)}
    sample = SAMPLE if SAMPLE.exists() else SHARED_SAMPLE
    sets = [("dev occupation", DEV), ("public sample", sample)]
    for name, path in sets:
        if path.exists():
            report[name] = run_set(
                name, load_cases(path), tax, baseline, args.runs, args.baseline_speed_n
            )
    skills_csv = DATA / "skills.csv"
    if skills_csv.exists() and DEV_SKILL.exists():
        skills = load_concepts(
            skills_csv, id_col="id", label_col="label", alt_col="synonyms", group_col="kind"
        )
        t0 = time.perf_counter()
        stax = Taxonomy.build(skills, kind="skill")
        report["build_s_skill"] = round(time.perf_counter() - t0, 2)
        print(f"\nskills: {len(stax)} concepts, build {report['build_s_skill']:.2f} s")
        report["dev skill"] = run_set(
            "dev skill",
            load_cases(DEV_SKILL),
            stax,
            Baseline(skills),
            args.runs,
            args.baseline_speed_n,
        )
    print(json.dumps(report))


if __name__ == "__main__":
    main()
