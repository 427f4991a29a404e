"""`python -m matching.evaluate` on the public sample cases and the development set."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from matching.evaluate import default_data_dir, evaluate_files

EVAL = Path(__file__).parent / "eval"
needs_data = pytest.mark.skipif(
    not (default_data_dir() / "esco" / "occupations_nl.csv").exists(),
    reason="shipped reference data missing",
)


def run(*args):
    out = subprocess.run(
        [sys.executable, "-m", "matching.evaluate", *map(str, args)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@needs_data
def test_public_samples_score_well_and_break_no_hard_constraint():
    metrics = run(*sorted(EVAL.glob("sample_*.jsonl")))
    assert "errors" not in metrics
    assert metrics["rank"]["n"] == 2 and metrics["rank"]["hard_violations"] == 0
    assert metrics["rank"]["ndcg@5"] >= 0.9 and metrics["rank"]["mrr"] == 1.0
    assert metrics["normalise_occupation"]["n"] == 25
    assert metrics["normalise_occupation"]["top1"] >= 0.9


@needs_data
def test_development_rank_set_scores_well():
    metrics = evaluate_files([EVAL / "dev_rank.jsonl"])
    assert "errors" not in metrics
    assert metrics["rank"]["n"] >= 30
    assert metrics["rank"]["hard_violations"] == 0
    assert metrics["rank"]["ndcg@5"] >= 0.9
    assert metrics["rank"]["mrr"] >= 0.9


@needs_data
def test_bad_lines_are_counted_with_their_line_number_and_do_not_stop_the_run(tmp_path):
    good = (EVAL / "sample_rank.jsonl").read_text().splitlines()[0]
    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join([good, "{not json", '{"task": "dance"}', good]) + "\n")
    metrics = run(cases)
    assert metrics["rank"]["n"] == 2
    assert [e["line"] for e in metrics["errors"]] == [2, 3]
