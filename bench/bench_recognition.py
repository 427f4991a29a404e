"""Recognition on real text: the recogniser against a one-line rapidfuzz match, in one run.

    python bench/bench_recognition.py [--split test] [--jobbert tests/eval/jobbert/test.csv]

For each real set (tests/eval/real/*_<split>.jsonl: vacancy and CV titles, skill lines) and the
JobBERT English titles it prints top-1, recall@5 and the share with no answer for both,
the share the recogniser accepts with its precision, and queries per second on one core. The
baseline is `rapidfuzz.process.extract(query, labels, scorer=fuzz.WRatio)` over every Dutch label
(ESCO's English labels for JobBERT), the best label per concept. A set with titles from a list
the project also ships (the mbo qualification names) is measured again without them.

Requirement lines ("Je bent in het bezit van een geldig VCA-VOL diploma") are scored as the
parser's typed parts (skill, certificate, licence, language, education, experience) against the
labelled ones: precision and recall of the parts, beside a baseline that takes the line's best
`WRatio` skill label as its one part when it scores at least the cut-off, as a fuzzy match would.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from rapidfuzz import fuzz, process  # noqa: E402

from matching.reference import load_reference, taxonomies  # noqa: E402
from matching.requirements import CERTIFICATE, parse_requirement  # noqa: E402


class Baseline:
    """A one-line rapidfuzz match over labels, deduplicated to concepts."""

    def __init__(self, labelled: list[tuple[str, str]]):
        self.labels = [label for label, _ in labelled]
        self.concepts = [concept for _, concept in labelled]

    def suggest(self, text: str, limit: int = 10) -> list[str]:
        found = process.extract(text, self.labels, scorer=fuzz.WRatio, limit=limit * 4,
                                processor=str.lower)
        out: list[str] = []
        for _, _, i in found:
            if self.concepts[i] not in out:
                out.append(self.concepts[i])
        return out[:limit]


def _labels(concepts, *, english: bool) -> list[tuple[str, str]]:
    out = []
    for c in concepts:
        texts = c.english_labels if english else (c.label, *c.alt_labels, *c.synonyms)
        out += [(t, c.id) for t in texts]
    return out


def _measure(name, cases, ours, baseline) -> dict:
    """Top-1, recall@5, no answer for ours and the baseline; accepted share and precision."""
    rows = {"ours": [], "baseline": []}
    accepted = []
    start = time.perf_counter()
    for text, accept in cases:
        found = ours.recognise(text, limit=5)
        ids = [s.concept_id for s in found.suggestions]
        hits = [bool(ours.stands_for(i) & accept) for i in ids]
        rows["ours"].append(hits)
        if found.accepted is not None:
            accepted.append(hits[0])
    ours_seconds = time.perf_counter() - start
    start = time.perf_counter()
    for text, accept in cases:
        rows["baseline"].append([i in accept for i in baseline.suggest(text, limit=5)])
    base_seconds = time.perf_counter() - start
    n = len(cases)
    out = {"set": name, "n": n}
    for who, hits in rows.items():
        out[who] = {
            "top1": round(sum(bool(h) and h[0] for h in hits) / n, 3),
            "recall@5": round(sum(any(h[:5]) for h in hits) / n, 3),
            "no_answer": round(sum(not h for h in hits) / n, 3),
        }
    out["ours"]["accepted"] = round(len(accepted) / n, 3)
    out["ours"]["accepted_precision"] = (round(sum(accepted) / len(accepted), 3)
                                         if accepted else None)
    out["ours"]["queries_per_s"] = round(n / ours_seconds)
    out["baseline"]["queries_per_s"] = round(n / base_seconds)
    return out


BASELINE_CUTOFF = 80  # a WRatio below this is no answer for the requirement baseline


def _requirement_items(labelled: list[dict]) -> set[tuple]:
    """Labelled typed parts as comparable items (kind and value), "other" left out."""
    keys = {"skill": "skill", "certificate": "skill", "licence": "category",
            "language": "language", "education": "level", "experience": "years"}
    out = set()
    for t in labelled:
        key = keys.get(t["type"])
        if key:
            value = t.get(key)
            out.add((t["type"], value.upper() if t["type"] == "licence" else value))
    return out


def _measure_requirements(name, rows, reference, baseline) -> dict:
    """Precision and recall of typed parts: the parser against a best-label fuzzy match."""
    skills = taxonomies(reference)[1]
    groups = {c.id: c.group for c in reference.skills}
    counts = {"ours": [0, 0, 0], "baseline": [0, 0, 0]}  # hits, found, expected
    start = time.perf_counter()
    for row in rows:
        expected = _requirement_items(row.get("types", []))
        found = set()
        for part in parse_requirement(row["query"], skills, reference.cues):
            if part.kind in ("skill", "certificate") and part.concept_id:
                found.add((part.kind, part.concept_id))
            elif part.kind == "licence":
                found.add((part.kind, part.value))
            elif part.kind in ("language", "education"):
                found.add((part.kind, part.value))
            elif part.kind == "experience":
                found.add((part.kind, part.years))
        c = counts["ours"]
        c[0], c[1], c[2] = c[0] + len(found & expected), c[1] + len(found), c[2] + len(expected)
    ours_seconds = time.perf_counter() - start
    start = time.perf_counter()
    for row in rows:
        expected = _requirement_items(row.get("types", []))
        best = process.extractOne(row["query"], baseline.labels, scorer=fuzz.WRatio,
                                  processor=str.lower, score_cutoff=BASELINE_CUTOFF)
        found = set()
        if best:
            concept = baseline.concepts[best[2]]
            found.add(("certificate" if groups.get(concept) == CERTIFICATE else "skill", concept))
        c = counts["baseline"]
        c[0], c[1], c[2] = c[0] + len(found & expected), c[1] + len(found), c[2] + len(expected)
    base_seconds = time.perf_counter() - start
    out = {"set": name, "n": len(rows)}
    for who, (hits, found, expected) in counts.items():
        out[who] = {"precision": round(hits / found, 3) if found else None,
                    "recall": round(hits / expected, 3) if expected else None}
    out["ours"]["queries_per_s"] = round(len(rows) / ours_seconds)
    out["baseline"]["queries_per_s"] = round(len(rows) / base_seconds)
    return out


# Sources that are lists the project also ships (mbo qualification names are shipped synonyms):
# their titles are reported apart, since recognising them measures our own list.
SHIPPED_SOURCES = ("statengeneraal/laws-markdown",)


def _cases(path: Path, *, without_shipped: bool = False) -> list[tuple[str, frozenset[str]]]:
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
    if without_shipped:
        rows = [r for r in rows if not any(s in r.get("source", "") for s in SHIPPED_SOURCES)]
    return [(r["query"], frozenset(r["accept"])) for r in rows if r.get("accept")]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="test", choices=("train", "test"))
    parser.add_argument("--jobbert", type=Path, default=REPO / "tests/eval/jobbert/test.csv")
    parser.add_argument("--jobbert-sample", type=int, default=2000,
                        help="a seeded random sample of N JobBERT titles (0: all; the rapidfuzz "
                             "baseline takes about 0.25 s a title over 32,000 English labels)")
    args = parser.parse_args(argv)
    reference = load_reference(REPO / "spt" / "data")
    english_only = load_reference(REPO / "spt" / "data", examples=False).occupations
    occupations, skills = taxonomies(reference)
    real = REPO / "tests" / "eval" / "real"
    print(f"load average {os.getloadavg()[0]:.2f}; split {args.split}", file=sys.stderr)
    results = []
    sets = (("titles", occupations, reference.occupations, False),
            ("skills", skills, reference.skills, False))
    for name, ours, concepts, english in sets:
        path = real / f"{name}_{args.split}.jsonl"
        if path.exists():
            baseline = Baseline(_labels(concepts, english=english))
            results.append(_measure(f"{name}_{args.split}", _cases(path), ours, baseline))
            apart = _cases(path, without_shipped=True)
            if len(apart) < len(_cases(path)):
                results.append(_measure(f"{name}_{args.split} without shipped lists", apart,
                                        ours, baseline))
    path = real / f"requirements_{args.split}.jsonl"
    if path.exists():
        rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
        results.append(_measure_requirements(f"requirements_{args.split}", rows, reference,
                                             Baseline(_labels(reference.skills, english=False))))
    if args.jobbert.exists():
        rows = list(csv.DictReader(args.jobbert.open(encoding="utf-8")))
        if args.jobbert_sample and args.jobbert_sample < len(rows):
            rows = random.Random(0).sample(rows, args.jobbert_sample)  # the file is sorted
        cases = [(r["vacancyTitle"], frozenset([r["conceptUri"]])) for r in rows]
        # the baseline matches ESCO's English labels only, not the labelled validation titles
        results.append(_measure(f"jobbert_{args.jobbert.stem}", cases, occupations,
                                Baseline(_labels(english_only, english=True))))
    for row in results:
        print(json.dumps(row))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
