"""Fit the recognition rankers on the train split and write them to spt/data/recognition/.

Usage:
    python scripts/train_recogniser.py occupation [--jobbert tests/eval/jobbert/validation.csv]
    python scripts/train_recogniser.py skill

Train cases are the `normalise_occupation` / `normalise_skill` lines of
tests/eval/real/*_train.jsonl (never the test split). Each source is one cross-validation group,
so the calibration is measured on sources the ranker did not see. The JobBERT validation titles
(English) can join the occupation ranker's training with a total weight relative to the Dutch
cases (`--jobbert-share`).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from matching.learn import LabelledText, fit_ranker  # noqa: E402
from matching.reference import load_reference, taxonomies  # noqa: E402

TASKS = {"occupation": "normalise_occupation", "skill": "normalise_skill"}


def dutch_cases(kind: str, paths: list[Path]) -> list[LabelledText]:
    """Train cases of ``kind`` from JSONL files, grouped by source."""
    out = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            case = json.loads(line) if line.strip() else None
            if case and case.get("task") == TASKS[kind] and case.get("accept"):
                out.append(LabelledText(case["query"], frozenset(case["accept"]),
                                        group=case.get("source", ""), domain="real"))
    return out


def jobbert_cases(path: Path, total_weight: float) -> list[LabelledText]:
    """JobBERT titles (vacancyTitle, conceptUri), weighing ``total_weight`` together."""
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    weight = total_weight / max(len(rows), 1)
    return [LabelledText(r["vacancyTitle"], frozenset([r["conceptUri"]]), weight,
                         group=f"jobbert:{i % 97}", domain="jobbert") for i, r in enumerate(rows)]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=sorted(TASKS))
    parser.add_argument("--train", nargs="*", type=Path,
                        default=sorted((REPO / "tests" / "eval" / "real").glob("*_train.jsonl")))
    parser.add_argument("--jobbert", type=Path, help="JobBERT validation CSV (occupations)")
    parser.add_argument("--jobbert-share", type=float, default=1.0,
                        help="JobBERT's total weight relative to the Dutch cases")
    parser.add_argument("--precision", type=float, default=0.96,
                        help="cross-validated precision of accepted answers (a margin over 0.95)")
    parser.add_argument("--c", type=float, default=1.0, help="inverse regularisation")
    parser.add_argument("--out", type=Path, help="default: spt/data/recognition/ranker_KIND.json")
    args = parser.parse_args(argv)

    data = REPO / "spt" / "data"
    # the labelled English titles are labels at run time; fitting on them as labels would learn
    # that a title always finds itself
    occupations, skills = taxonomies(load_reference(data, examples=not args.jobbert))
    taxonomy = occupations if args.kind == "occupation" else skills
    texts = dutch_cases(args.kind, args.train)
    if args.jobbert:
        texts += jobbert_cases(args.jobbert, args.jobbert_share * max(len(texts), 1))
    if not texts:
        print("no train cases found", file=sys.stderr)
        return 2
    ranker, report = fit_ranker(taxonomy, texts, target_precision=args.precision, c=args.c,
                                calibrate_on="real")
    out = args.out or data / "recognition" / f"ranker_{args.kind}.json"
    out.write_text(json.dumps(ranker.to_dict(), indent=1, sort_keys=True) + "\n", "utf-8")
    print(json.dumps({"kind": args.kind, "written": str(out), **report}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
