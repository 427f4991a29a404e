"""Evaluate the matcher on JSONL cases: `python -m matching.evaluate FILE.jsonl [...]`.

The case format is described in the project's eval README; metrics go to stdout as one JSON object
on the last line. Reference data comes from the shipped `spt/data` directory (found without
importing `spt`) or from `--data DIR`.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from .bridges import Bridges
from .geo import haversine_km
from .rank import rank
from .reference import ReferenceData, load_reference, taxonomies
from .requirements import Requirement, parse_requirement
from .scoring import DEFAULT_WEIGHTS
from .taxonomy import Taxonomy
from .types import CandidateProfile, PlacementProfile, licences_held, nt2_rank

Json = dict[str, Any]  # a case or result as read from / written to JSON

__all__ = ["Evaluator", "default_data_dir", "evaluate_files", "main"]


#: A suggestion at least this likely stands for the typed text in a case (in the app the person
#: confirms it with "Bedoel je ...?").
PLAUSIBLE = 0.5
SELF_LEVELS = {"basis": 1, "goed": 2, "expert": 3, "1": 1, "2": 2, "3": 3}


@dataclass
class RequirementsRead:
    """The hard limits and skills a placement's requirement lines add to its fields."""

    licences: frozenset[str] = frozenset()
    nt2: str | None = None
    vca: bool = False
    essential: list[str] = field(default_factory=list)
    optional: list[str] = field(default_factory=list)

    def add(self, part: Requirement) -> None:
        """Take one parsed part (a `matching.Requirement`)."""
        if part.kind == "licence" and part.value and part.hard is not False:
            self.licences = self.licences | {part.value}
        elif part.kind == "language" and part.value == "nl" and part.level and part.hard \
                is not False and nt2_rank(part.level) > nt2_rank(self.nt2):
            self.nt2 = part.level
        elif part.kind in ("skill", "certificate") and part.concept_id and \
                part.confidence >= PLAUSIBLE:
            if part.concept_id in DEFAULT_WEIGHTS.vca_ids and part.hard is not False:
                self.vca = True
            (self.optional if part.hard is False else self.essential).append(part.concept_id)

    def min_nt2(self, given: str | None) -> str | None:
        """The higher of a given minimum and the one in the text."""
        return max((given, self.nt2), key=nt2_rank) if (given or self.nt2) else None


def default_data_dir() -> Path:
    """The `data` directory of the installed `spt` package, located without executing it."""
    spec = importlib.util.find_spec("spt")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("package spt not found; pass --data DIR")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _dcg(gains: Sequence[float]) -> float:
    """Discounted cumulative gain with exponential gains."""
    return float(sum((2.0**g - 1.0) / math.log2(i + 2) for i, g in enumerate(gains)))


def _day(value: object) -> date | None:
    """ISO date or None."""
    return date.fromisoformat(str(value)) if value else None


class Evaluator:
    """Runs cases against one data directory; taxonomies are built on first use."""

    def __init__(self, data_dir: str | Path):
        self.reference: ReferenceData = load_reference(data_dir)

    @cached_property
    def _taxonomies(self) -> tuple[Taxonomy, Taxonomy]:
        return taxonomies(self.reference)

    @cached_property
    def occupations(self) -> Taxonomy:
        """Occupation taxonomy: ESCO and the curated SPT occupations."""
        return self._taxonomies[0]

    @cached_property
    def skills(self) -> Taxonomy | None:
        """Skill taxonomy over the curated skills (None when skills.csv is absent)."""
        return self._taxonomies[1] if self.reference.skills else None

    @cached_property
    def bridges(self) -> Bridges:
        """Modules of the shipped catalogue that close VCA and NT2 gaps."""
        return Bridges.from_modules(self.reference.modules, vca_ids=DEFAULT_WEIGHTS.vca_ids)

    def skill_id(self, text: str) -> str:
        """Skill id of a typed skill: the recogniser's first suggestion when plausible (in the
        app the person confirms it); else a folded form, so equal texts still match."""
        found = self.skills.suggest(text, limit=1) if self.skills is not None else []
        if found and found[0].confidence >= PLAUSIBLE:
            return found[0].concept_id
        return "text:" + " ".join(text.casefold().split())

    def occupation_id(self, text: str | None) -> str | None:
        """Occupation id of a title (the first plausible suggestion), or None."""
        found = self.occupations.suggest(text, limit=1) if text else []
        return found[0].concept_id if found and found[0].confidence >= PLAUSIBLE else None

    def coords(self, pc4: object) -> tuple[float | None, float | None]:
        """Centroid of a PC4 code, (None, None) when unknown."""
        return self.reference.pc4.get(str(pc4 or "").strip()[:4], (None, None))

    def candidate(self, raw: Json) -> CandidateProfile:
        """Candidate profile from a case's candidate object (levels: basis, goed, expert)."""
        lat, lon = self.coords(raw.get("pc4"))
        levels = {k.casefold(): v for k, v in (raw.get("skill_levels") or {}).items()}
        skills = {self.skill_id(s): SELF_LEVELS.get(str(levels.get(s.casefold(), "goed")), 2)
                  for s in raw.get("skills", [])}
        kinds = self.reference.skill_kinds
        certificates = {s for s in skills if kinds.get(s) == "certificaat"}
        certificates |= {self.skill_id(c) for c in raw.get("certificates", [])}
        return CandidateProfile(
            key="candidate",
            lat=lat,
            lon=lon,
            max_km=raw.get("max_km"),
            hours_per_week=raw.get("hours_per_week"),
            available_from=_day(raw.get("available_from")),
            driving_licence=bool(raw.get("driving_licence", False)),
            licences=frozenset(raw.get("licences") or ()),
            certificates=frozenset(certificates),
            nt2=raw.get("nt2"),
            level=raw.get("level"),
            skills=tuple(skills.items()),
            occupations=tuple(o for o in map(self.occupation_id, raw.get("occupations", [])) if o),
            themes=frozenset(raw.get("themes", [])),
            kinds=frozenset(raw.get("kinds", [])),
            intent=raw.get("intent"),
            themes_only=bool(raw.get("themes_only", False)),
            kinds_only=bool(raw.get("kinds_only", False)),
            hours_strict=bool(raw.get("hours_strict", False)),
        )

    def requirements(self, raw: Json) -> RequirementsRead:
        """What a placement's requirement lines in text ask, read by the requirement parser."""
        read = RequirementsRead()
        if self.skills is None:  # without skills.csv there is nothing to read requirements with
            return read
        for line in raw.get("requirements") or ():
            for part in parse_requirement(line, self.skills, self.reference.cues):
                read.add(part)
        return read

    def placement(self, raw: Json) -> PlacementProfile:
        """Placement profile from a case's placement object, with its requirement lines."""
        lat, lon = self.coords(raw.get("pc4"))
        text = self.requirements(raw)
        essential = [self.skill_id(s) for s in raw.get("essential_skills", [])]
        optional = [self.skill_id(s) for s in raw.get("optional_skills", [])]
        return PlacementProfile(
            key=str(raw["id"]),
            kind=raw.get("kind", "vacature"),
            occupation=self.occupation_id(raw.get("title")),
            lat=lat,
            lon=lon,
            hours_per_week=raw.get("hours_per_week"),
            start=_day(raw.get("start")),
            level=raw.get("level"),
            min_nt2=text.min_nt2(raw.get("min_nt2")),
            requires_driving_licence=bool(raw.get("requires_driving_licence", False)),
            required_licences=frozenset(raw.get("licences") or ()) | text.licences,
            requires_vca=bool(raw.get("requires_vca", False)) or text.vca,
            theme=raw.get("theme"),
            seats=int(raw.get("seats", 1)),
            essential_skills=tuple(essential + text.essential),
            optional_skills=tuple(optional + text.optional),
        )

    def violates(self, cand: Json, plc: Json) -> bool:
        """Whether a placement breaks a hard limit of the case, judged from the raw case: travel,
        a licence category (structured or in the requirement text), the start, an NT2 level
        that no module of the catalogue closes before the start, or a wish the candidate said
        with "alleen" (kind, theme, exact hours)."""
        (clat, clon), (plat, plon) = self.coords(cand.get("pc4")), self.coords(plc.get("pc4"))
        max_km = cand.get("max_km")
        far = (
            clat is not None and clon is not None and plat is not None and plon is not None
            and max_km is not None and haversine_km(clat, clon, plat, plon) > max_km
        )
        text = self.requirements(plc)
        held = licences_held([*(cand.get("licences") or ()),
                              *(["B"] if cand.get("driving_licence") else [])])
        needed = set(plc.get("licences") or ()) | set(text.licences)
        if plc.get("requires_driving_licence"):
            needed.add("B")
        licence = not needed <= held
        start, available = _day(plc.get("start")), _day(cand.get("available_from"))
        early = bool(start and available and start < available)
        have, need = nt2_rank(cand.get("nt2")), nt2_rank(text.min_nt2(plc.get("min_nt2")))
        nt2 = False
        if cand.get("nt2") is not None and need > have:
            route = self.bridges.for_nt2(have, need)
            window = (start - available).days / 7 if start and available else float("inf")
            nt2 = route is None or route.weeks > window
        only = (
            (cand.get("kinds_only") and plc.get("kind", "vacature") not in cand.get("kinds", []))
            or (cand.get("themes_only") and plc.get("theme") not in cand.get("themes", []))
            or (cand.get("hours_strict") and None not in (cand.get("hours_per_week"),
                                                        plc.get("hours_per_week"))
                and abs(cand["hours_per_week"] - plc["hours_per_week"])
                > DEFAULT_WEIGHTS.strict_hours_gap)
        )
        return bool(far or nt2 or licence or early or only)

    def run_case(self, task: str, case: Json) -> Json:
        """The result row of one case of this task; a ValueError for an unknown task."""
        if task == "rank":
            return self.rank_case(case)
        if task == "normalise_occupation":
            return self.normalise_case(case, self.occupations)
        if task == "normalise_skill":
            return self.normalise_case(case, self.skills)
        if task == "parse_requirement":
            return self.requirement_case(case)
        raise ValueError(f"unknown task {task!r}")

    def rank_case(self, case: Json) -> Json:
        """ndcg@5, reciprocal rank and hard violations of one rank case."""
        raw = {str(p["id"]): p for p in case["placements"]}
        ranked = rank(
            self.candidate(case["candidate"]),
            [self.placement(p) for p in case["placements"]],
            knowledge=self.reference.knowledge,
            explain=False,
            bridges=self.bridges,
        )
        order = [r.placement_key for r in ranked]
        grades = {str(k): float(v) for k, v in case.get("relevance", {}).items()}
        ideal = _dcg(sorted(grades.values(), reverse=True)[:5])
        ndcg = _dcg([grades.get(k, 0.0) for k in order[:5]]) / ideal if ideal > 0 else None
        good = [i for i, k in enumerate(order) if grades.get(k, 0.0) >= 2]
        has_good = any(g >= 2 for g in grades.values())
        rr = (1.0 / (good[0] + 1) if good else 0.0) if has_good else None
        violations = sum(self.violates(case["candidate"], raw[k]) for k in order[:5])
        return {
            "id": case.get("id"),
            "order": order,
            "ndcg@5": ndcg,
            "rr": rr,
            "hard_violations": violations,
        }

    def normalise_case(self, case: Json, taxonomy: Taxonomy | None) -> Json:
        """Rank of the first accepted concept among the suggestions (None when absent)."""
        if taxonomy is None:
            raise ValueError("no skills reference data to normalise against")
        found = taxonomy.recognise(case["query"], limit=10)
        ids = [s.concept_id for s in found.suggestions]
        accept = set(case["accept"])
        # a curated concept counts as the ESCO concepts it stands for
        hit = next((i for i, c in enumerate(ids) if taxonomy.stands_for(c) & accept), None)
        return {"query": case["query"], "hit": hit, "top": ids[:1],
                "accepted": found.accepted is not None}

    def requirement_case(self, case: Json) -> Json:
        """The typed parts found in a requirement line against the labelled ones."""
        if self.skills is None:
            raise ValueError("no skills reference data to parse requirements with")
        found = parse_requirement(case["query"], self.skills, self.reference.cues)
        expected = {_labelled_item(t) for t in case.get("types", [])} - {("other",)}
        got = {_found_item(r) for r in found} - {("other",)}
        sure = {_found_item(r) for r in found if r.sure} - {("other",)}
        return {"query": case["query"], "expected": sorted(map(list, expected)),
                "found": sorted(map(list, got)), "hits": len(expected & got),
                "sure": len(sure), "sure_hits": len(expected & sure)}


def _labelled_item(t: Json) -> tuple[Any, ...]:
    """A labelled requirement part as a comparable item."""
    kind = t["type"]
    if kind in ("skill", "certificate"):
        return (kind, t.get("skill"))
    if kind == "licence":
        return (kind, (t.get("category") or "").upper())
    if kind == "language":
        return (kind, t.get("language"))
    if kind == "education":
        return (kind, t.get("level"))
    if kind == "experience":
        return (kind, t.get("years"))
    return ("other",)


def _found_item(r: Requirement) -> tuple[Any, ...]:
    """A parsed :class:`Requirement` as a comparable item (as :func:`_labelled_item`)."""
    if r.kind in ("skill", "certificate"):
        return (r.kind, r.concept_id) if r.concept_id else ("other",)
    if r.kind == "licence":
        return (r.kind, r.value)
    if r.kind in ("language", "education"):
        return (r.kind, r.value)
    if r.kind == "experience":
        return (r.kind, r.years)
    return ("other",)


def _summarise(results: dict[str, list[Json]]) -> Json:
    """Aggregate per-case results into the metrics object."""
    out: Json = {}
    for task in ("normalise_occupation", "normalise_skill"):
        rows = results.get(task, [])
        if rows:
            n = len(rows)
            out[task] = {
                "n": n,
                "top1": round(sum(r["hit"] == 0 for r in rows) / n, 4),
                "mrr@10": round(
                    sum(1 / (r["hit"] + 1) for r in rows if r["hit"] is not None) / n, 4
                ),
                "recall@5": round(sum(r["hit"] is not None and r["hit"] < 5 for r in rows) / n, 4),
                "no_answer": round(sum(not r["top"] for r in rows) / n, 4),
                "accepted": round(sum(r["accepted"] for r in rows) / n, 4),
                "accepted_precision": _share([r["hit"] == 0 for r in rows if r["accepted"]]),
            }
    rows = results.get("parse_requirement", [])
    if rows:
        expected = sum(len(r["expected"]) for r in rows)
        found = sum(len(r["found"]) for r in rows)
        hits = sum(r["hits"] for r in rows)
        sure = sum(r["sure"] for r in rows)
        out["parse_requirement"] = {
            "n": len(rows),
            "precision": round(hits / found, 4) if found else None,
            "recall": round(hits / expected, 4) if expected else None,
            "sure_precision": round(sum(r["sure_hits"] for r in rows) / sure, 4) if sure else None,
            "sure_share": round(sure / found, 4) if found else None,
            "lines_exact": _share([r["hits"] == len(r["expected"]) == len(r["found"])
                                   for r in rows]),
        }
    rows = results.get("rank", [])
    if rows:
        ndcg = [r["ndcg@5"] for r in rows if r["ndcg@5"] is not None]
        rr = [r["rr"] for r in rows if r["rr"] is not None]
        out["rank"] = {
            "n": len(rows),
            "ndcg@5": round(sum(ndcg) / len(ndcg), 4) if ndcg else None,
            "mrr": round(sum(rr) / len(rr), 4) if rr else None,
            "hard_violations": sum(r["hard_violations"] for r in rows),
        }
    return out


def _share(flags: list[bool]) -> float | None:
    return round(sum(flags) / len(flags), 4) if flags else None


def evaluate_files(
    paths: Sequence[str | Path],
    *,
    data_dir: str | Path | None = None,
    details: list[Json] | None = None,
) -> Json:
    """Run every case in the files and return the metrics object.

    Parameters
    ----------
    paths : sequence of path
        JSONL files of cases.
    data_dir : path, optional
        Reference data directory; defaults to the shipped `spt/data`.
    details : list, optional
        When given, per-case results are appended to it.

    Returns
    -------
    dict
        Metrics per task, plus `errors` (file, line, error) when a case could not be run.
    """
    evaluator = Evaluator(data_dir or default_data_dir())
    results: dict[str, list[Json]] = {}
    errors = []
    for path in paths:
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            errors.append({"file": str(path), "line": 0, "error": repr(exc)[:200]})
            continue
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                case = json.loads(line)
                task = case["task"]
                row = evaluator.run_case(task, case)
            except Exception as exc:  # a bad case is reported, never fatal
                errors.append({"file": str(path), "line": number, "error": repr(exc)[:200]})
                continue
            results.setdefault(task, []).append(row)
            if details is not None:
                details.append({"task": task, **row})
    metrics = _summarise(results)
    if errors:
        metrics["errors"] = errors
    return metrics


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m matching.evaluate", description=__doc__)
    parser.add_argument("files", nargs="+", help="JSONL case files")
    parser.add_argument("--data", help="reference data directory (default: spt/data)")
    parser.add_argument("--details", action="store_true", help="print one line per case first")
    args = parser.parse_args(argv)
    details: list[Json] | None = [] if args.details else None
    metrics = evaluate_files(args.files, data_dir=args.data, details=details)
    for row in details or ():
        print(json.dumps(row, ensure_ascii=False))
    print(json.dumps(metrics, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
