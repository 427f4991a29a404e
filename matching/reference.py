"""Reference data: what occupations need (transferable skills) and loaders for the shipped CSVs."""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .lexicon import Lexicon
from .ranker import DEFAULT_RANKER, Ranker
from .requirements import Cues
from .taxonomy import Concept, Taxonomy
from .types import Module

__all__ = [
    "ReferenceData",
    "SkillKnowledge",
    "english_labels",
    "load_cues",
    "load_isco_groups",
    "load_lexicon",
    "load_modules",
    "load_ranker",
    "load_occupations",
    "load_pc4",
    "load_reference",
    "load_skill_links",
    "load_skills",
    "taxonomies",
]


@dataclass(frozen=True, slots=True)
class SkillKnowledge:
    """Occupation -> skills it needs and occupation -> ISCO group; built once, reused.

    Skills of a candidate's previous occupations count as inferred (weaker) skills.
    """

    essential: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    optional: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    groups: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_links(
        cls,
        links: Iterable[tuple[str, str, str]],
        *,
        groups: Mapping[str, str] | None = None,
        maps_to: Mapping[str, Sequence[str]] | None = None,
    ) -> SkillKnowledge:
        """Build from (skill_id, occupation_uri, relation) links and occupation -> ISCO group.

        Parameters
        ----------
        links : iterable of (skill_id, occupation_uri, relation)
            `relation` is ``"essential"`` or ``"optional"``; other values are ignored.
        groups : mapping, optional
            Occupation URI -> ISCO-08 group code (4 digits).
        maps_to : mapping, optional
            A curated occupation -> its closest ESCO occupations: it needs what the first needs,
            unless links of its own are given.

        Returns
        -------
        SkillKnowledge
        """
        ess: dict[str, dict[str, None]] = {}
        opt: dict[str, dict[str, None]] = {}
        links = list(links)
        own = {occupation for _, occupation, _ in links}
        by_occupation: dict[str, list[tuple[str, str]]] = {}
        for skill, occupation, relation in links:
            by_occupation.setdefault(occupation, []).append((skill, relation))
        for curated, closest in (maps_to or {}).items():
            if curated not in own and closest:
                links.extend((skill, curated, relation)
                             for skill, relation in by_occupation.get(closest[0], ()))
        for skill, occupation, relation in links:
            target = ess if relation == "essential" else opt if relation == "optional" else None
            if target is not None:
                target.setdefault(occupation, {})[skill] = None
        return cls(
            essential={k: tuple(v) for k, v in ess.items()},
            optional={k: tuple(s for s in v if s not in ess.get(k, {})) for k, v in opt.items()},
            groups=dict(groups or {}),
        )

    def group_of(self, occupation: str | None) -> str | None:
        """ISCO group of an occupation URI, or None."""
        return self.groups.get(occupation) if occupation else None

    def inferred(
        self, occupations: Iterable[str], *, essential_credit: float, optional_credit: float
    ) -> dict[str, tuple[float, str]]:
        """Skill id -> (credit, occupation it came from), the strongest credit per skill."""
        out: dict[str, tuple[float, str]] = {}
        for occupation in occupations:
            for credit, skills in (
                (essential_credit, self.essential.get(occupation, ())),
                (optional_credit, self.optional.get(occupation, ())),
            ):
                for skill in skills:
                    if skill not in out or out[skill][0] < credit:
                        out[skill] = (credit, occupation)
        return out


@dataclass(frozen=True, slots=True)
class ReferenceData:
    """Everything loaded from a data directory; missing files give empty parts."""

    occupations: tuple[Concept, ...]
    isco_groups: Mapping[str, str]
    skills: tuple[Concept, ...]
    skill_kinds: Mapping[str, str]
    knowledge: SkillKnowledge
    pc4: Mapping[str, tuple[float, float]]
    lexicon: Lexicon = field(default_factory=Lexicon)
    rankers: Mapping[str, Ranker] = field(default_factory=dict)
    cues: Cues = field(default_factory=Cues)
    modules: tuple[Module, ...] = ()


def _rows(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV file (plain or .gz) as dicts; empty when the file is missing."""
    if not path.exists():
        return []
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def _multi(cell: str | None) -> tuple[str, ...]:
    """Split a `|`-separated cell, dropping blanks."""
    return tuple(v.strip() for v in (cell or "").split("|") if v.strip())


def load_occupations(data_dir: str | Path, *, examples: bool = True) -> tuple[Concept, ...]:
    """ESCO occupations, then the curated ones, as concepts (group = ISCO group).

    Dutch labels, hidden labels, English labels and the reviewed synonyms of
    `recognition/occupation_synonyms.csv` come together per occupation; a curated occupation maps
    to its closest ESCO occupations.
    """
    root = Path(data_dir)
    english = english_labels(root, examples=examples)
    synonyms: dict[str, list[str]] = {}
    for r in _rows(root / "recognition" / "occupation_synonyms.csv"):
        synonyms.setdefault(r["target"], []).append(r["text"])
    esco = [
        Concept(
            id=r["uri"],
            label=r["preferred_label"],
            alt_labels=_multi(r.get("alt_labels")),
            group=r.get("isco_group") or "",
            hidden_labels=_multi(r.get("hidden_labels")),
            synonyms=tuple(synonyms.get(r["uri"], ())),
            english_labels=english.get(r["uri"], ()),
        )
        for r in _rows(root / "esco" / "occupations_nl.csv")
    ]
    curated = [
        Concept(
            id=curated_id(r["id"]),
            label=r["label"],
            alt_labels=_multi(r.get("alt_labels")),
            group=r.get("isco_code") or "",
            synonyms=tuple(synonyms.get(curated_id(r["id"]), ())),
            maps_to=_multi(r.get("esco_uris")),
        )
        for r in _rows(root / "recognition" / "occupations_curated.csv")
    ]
    return tuple(esco + curated)


def english_labels(data_dir: str | Path, *, examples: bool = True) -> dict[str, tuple[str, ...]]:
    """Occupation uri -> ESCO's English labels, then (``examples``) labelled English vacancy
    titles (the JobBERT validation file)."""
    root = Path(data_dir)
    out: dict[str, list[str]] = {}
    for r in _rows(root / "esco" / "occupations_en.csv"):
        out.setdefault(r["uri"], []).extend((r["preferred_label"], *_multi(r.get("alt_labels"))))
    for r in _rows(root / "recognition" / "english_examples.csv") if examples else ():
        out.setdefault(r["uri"], []).append(r["title"])
    return {uri: tuple(dict.fromkeys(labels)) for uri, labels in out.items()}


def curated_id(slug: str) -> str:
    """The concept id of a curated SPT occupation."""
    return f"spt:{slug}"


def load_isco_groups(data_dir: str | Path) -> dict[str, str]:
    """ISCO-08 code -> Dutch label."""
    return {r["code"]: r["label"] for r in _rows(Path(data_dir) / "esco" / "isco_groups_nl.csv")}


def load_skills(data_dir: str | Path) -> tuple[Concept, ...]:
    """Curated skills as concepts (synonyms as alternative labels, group = kind)."""
    return tuple(
        Concept(
            id=r["id"],
            label=r["label"],
            alt_labels=_multi(r.get("synonyms")),
            group=r.get("kind") or "",
            maps_to=_multi(r.get("esco_uris")),
        )
        for r in _rows(Path(data_dir) / "skills.csv")
    )


def load_lexicon(data_dir: str | Path) -> Lexicon:
    """Noise and jargon of `recognition/`, with the place and municipality names of pc4.csv."""
    root = Path(data_dir)
    places = {v for r in _rows(root / "pc4.csv") for v in (r.get("place"), r.get("gemeente")) if v}
    return Lexicon.build(
        noise=[(r["phrase"], r["kind"], r["action"])
               for r in _rows(root / "recognition" / "noise.csv")],
        rewrites=[(r["phrase"], r["expansion"], r["kind"])
                  for r in _rows(root / "recognition" / "jargon.csv")],
        places=sorted(places),
    )


def load_cues(data_dir: str | Path) -> Cues:
    """The requirement cue words of `recognition/requirement_cues.csv`."""
    rows = _rows(Path(data_dir) / "recognition" / "requirement_cues.csv")
    return Cues.build((r["phrase"], r["kind"], r["value"]) for r in rows)


def load_modules(data_dir: str | Path) -> tuple[Module, ...]:
    """The active LLO modules of `modules.json` (what they teach, take and cost)."""
    path = Path(data_dir) / "modules.json"
    entries = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
    return tuple(
        Module(id=e["id"], title=e.get("title", ""), skills=frozenset(e.get("skills") or ()),
               weeks=float(e.get("weeks") or 0), cost_eur=float(e.get("cost_eur") or 0),
               civil_value=e.get("civil_value") or "geen", credential=e.get("credential") or "geen",
               level=e.get("level"), min_nt2=e.get("min_nt2"), min_level=e.get("min_level"),
               nt2_to=e.get("nt2_to"))
        for e in entries if e.get("status", "actief") == "actief"
    )


def load_ranker(data_dir: str | Path, kind: str) -> Ranker:
    """The trained ranker of ``kind`` (`recognition/ranker_<kind>.json`), else the default."""
    path = Path(data_dir) / "recognition" / f"ranker_{kind}.json"
    return Ranker.load(path) if path.exists() else DEFAULT_RANKER


def load_skill_links(data_dir: str | Path) -> list[tuple[str, str, str]]:
    """(skill_id, occupation_uri, relation) rows of skill_occupations.csv."""
    return [
        (r["skill_id"], r["occupation_uri"], r["relation"])
        for r in _rows(Path(data_dir) / "skill_occupations.csv")
    ]


def load_pc4(data_dir: str | Path) -> dict[str, tuple[float, float]]:
    """PC4 postcode -> (lat, lon) centroid; rows with bad coordinates are skipped."""
    out: dict[str, tuple[float, float]] = {}
    for r in _rows(Path(data_dir) / "pc4.csv"):
        try:
            out[r["pc4"].strip()] = (float(r["lat"]), float(r["lon"]))
        except (KeyError, TypeError, ValueError):
            continue
    return out


def load_reference(data_dir: str | Path, *, examples: bool = True) -> ReferenceData:
    """Load occupations, ISCO groups, skills, skill-occupation links, PC4 centroids, the
    recognition lexicon and the trained rankers.

    Parameters
    ----------
    data_dir : str or Path
        A directory laid out like ``spt/data`` (CSV, JSON or gzip only).
    examples : bool
        Add the labelled English vacancy titles as English labels (off to fit a ranker on
        those very titles).

    Returns
    -------
    ReferenceData
        Parts whose file is missing are empty (rankers fall back to the default).
    """
    occupations = load_occupations(data_dir, examples=examples)
    skills = load_skills(data_dir)
    groups = {c.id: c.group for c in occupations if c.group}
    maps_to = {c.id: c.maps_to for c in occupations if c.maps_to}
    return ReferenceData(
        occupations=occupations,
        isco_groups=load_isco_groups(data_dir),
        skills=skills,
        skill_kinds={c.id: c.group for c in skills},
        knowledge=SkillKnowledge.from_links(load_skill_links(data_dir), groups=groups,
                                            maps_to=maps_to),
        pc4=load_pc4(data_dir),
        lexicon=load_lexicon(data_dir),
        rankers={kind: load_ranker(data_dir, kind) for kind in ("occupation", "skill")},
        cues=load_cues(data_dir),
        modules=load_modules(data_dir),
    )


def taxonomies(reference: ReferenceData) -> tuple[Taxonomy, Taxonomy]:
    """The occupation and skill taxonomies of ``reference``, with its lexicon and rankers."""
    occupations, skills = (
        Taxonomy.build(concepts, kind=kind, lexicon=reference.lexicon,
                       ranker=reference.rankers.get(kind, DEFAULT_RANKER))
        for kind, concepts in (("occupation", reference.occupations),
                               ("skill", reference.skills))
    )
    return occupations, skills
