"""Split the collected real evaluation cases into tests/eval/real/*_{train,test}.jsonl.

Usage: python scripts/build_eval_sets.py COLLECTED_DIR

COLLECTED_DIR holds what the collectors wrote (titles.jsonl, requirements.jsonl and their
*_SOURCES.md): real titles and requirement lines copied from public pages and repositories, each
with its source and an advisor's label, split by source (see tests/eval/real/README.md). This
script only reshapes them: `normalise_skill` cases are derived from the requirement lines that
name a skill, certificate or licence. It prints counts, never the cases, so nobody tunes on the
test split by reading it here.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "tests" / "eval" / "real"
SKILL_TYPES = ("skill", "certificate", "licence")


def skill_ids(case: dict) -> list[str]:
    """The skill ids a requirement line names (a licence as its rijbewijs-<category> skill)."""
    ids = []
    for t in case.get("types", []):
        if t["type"] in ("skill", "certificate") and t.get("skill"):
            ids.append(t["skill"])
        elif t["type"] == "licence" and t.get("category"):
            ids.append(f"rijbewijs-{t['category'].lower()}")
    return list(dict.fromkeys(ids))


def write(name: str, rows: list[dict]) -> None:
    path = OUT / name
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    print(f"{name}: {len(rows)}")


def main(argv: list[str]) -> int:
    src = Path(argv[1])
    OUT.mkdir(parents=True, exist_ok=True)
    for name, task in (("titles", "normalise_occupation"), ("requirements", "parse_requirement")):
        path = src / f"{name}.jsonl"
        if not path.exists():
            print(f"{path} missing, skipped")
            continue
        cases = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
        for split in ("train", "test"):
            rows = [c for c in cases if c["split"] == split and c.get("task") == task]
            write(f"{name}_{split}.jsonl", rows)
            if name == "requirements":
                skills = [{"task": "normalise_skill", "query": c["query"], "accept": ids,
                           "source": c["source"], "side": c.get("side"), "split": split}
                          for c in rows if (ids := skill_ids(c))]
                write(f"skills_{split}.jsonl", skills)
        print(name, dict(Counter((c["split"], c.get("side")) for c in cases)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
