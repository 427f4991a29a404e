"""Ranking quality on the advisor-graded career-switcher cases, beside the old matcher, in one run.

    python bench/bench_rank_quality.py [--baseline 8ee5c34] [--split test]

Runs `python -m matching.evaluate` on tests/eval/real/rank_<split>.jsonl twice: with this
checkout's matcher and data, and with the matcher and data of the baseline commit (default: the
commit before the issue-14 work, "the current weights"), unpacked from git into a temporary
folder. Prints one JSON line per matcher: nDCG@5, MRR and hard violations in the top 5.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BASELINE = "8ee5c34"


def evaluate(root: Path, cases: Path) -> dict:
    """The last-line metrics of the evaluator found under ``root``."""
    out = subprocess.run(
        [sys.executable, "-m", "matching.evaluate", str(cases), "--data", str(root / "spt/data")],
        cwd=root, capture_output=True, text=True, check=True,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE, help="git commit of the old matcher")
    parser.add_argument("--split", default="test", choices=("train", "test"))
    args = parser.parse_args(argv)
    cases = REPO / "tests" / "eval" / "real" / f"rank_{args.split}.jsonl"
    print(f"load average {os.getloadavg()[0]:.2f}; cases {cases.name}", file=sys.stderr)
    print(json.dumps({"matcher": "this checkout", **evaluate(REPO, cases)}))
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "archive", args.baseline, "matching", "spt/data"],
                                 cwd=REPO, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        print(json.dumps({"matcher": f"baseline {args.baseline}",
                          **evaluate(Path(tmp), cases)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
