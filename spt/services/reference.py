"""Loading the shipped reference data (ESCO, skills, modules, career paths) into the database."""

import csv
import gzip
import json
from dataclasses import dataclass
from importlib import resources

import yaml
from sqlmodel import Session, select

from matching.reference import curated_id, english_labels
from matching.textnorm import tokenize
from spt.models import (
    CareerPath,
    CareerPathStep,
    Module,
    ModuleSkill,
    Occupation,
    RecognitionSynonym,
    Skill,
    SkillOccupation,
)


@dataclass(frozen=True)
class LoadSummary:
    """What a load added and updated; `unchanged` rows were left as they were."""

    name: str
    added: int
    updated: int
    unchanged: int


def data_file(name: str):
    """A file of the shipped reference data."""
    return resources.files("spt").joinpath("data", *name.split("/"))


def _rows(name: str) -> list[dict]:
    path = data_file(name)
    opener = gzip.open if name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def synonym_key(text: str) -> str:
    """How a synonym's text is found again: folded words, one space apart."""
    return " ".join(tokenize(text))[:200]


def _split(cell: str | None) -> list[str]:
    return [part.strip() for part in (cell or "").split("|") if part.strip()]


def import_esco(db: Session) -> LoadSummary:
    """Load all ESCO occupations and the curated SPT ones; a second run changes nothing."""
    existing = {o.uri: o for o in db.exec(select(Occupation))}
    added = updated = 0
    for uri, values in _occupation_rows():
        occupation = existing.get(uri)
        if occupation is None:
            db.add(Occupation(uri=uri, **values))
            added += 1
        elif any(getattr(occupation, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(occupation, key, value)
            updated += 1
    db.flush()
    added += _load_synonyms(db)
    db.commit()
    return LoadSummary("beroepen (ESCO en SPT)", added, updated, len(existing) - updated)


def _occupation_rows():
    """(uri, column values) of every ESCO and curated occupation in the shipped files."""
    english = english_labels(data_file(""))
    for row in _rows("esco/occupations_nl.csv"):
        yield row["uri"], {
            "isco_group": row["isco_group"], "code": row["code"],
            "preferred_label": row["preferred_label"], "alt_labels": _split(row["alt_labels"]),
            "hidden_labels": _split(row["hidden_labels"]),
            "english_labels": list(english.get(row["uri"], ())), "source": "esco", "level": None,
            "maps_to": []}
    for row in _rows("recognition/occupations_curated.csv"):
        yield curated_id(row["id"]), {
            "isco_group": row["isco_code"], "code": "", "preferred_label": row["label"],
            "alt_labels": _split(row["alt_labels"]), "hidden_labels": [], "english_labels": [],
            "source": "spt", "level": row["level"] or None, "maps_to": _split(row["esco_uris"])}


def _load_synonyms(db: Session) -> int:
    """The reviewed occupation synonyms of the shipped list that are not in the database yet."""
    known = set(db.exec(select(RecognitionSynonym.kind, RecognitionSynonym.key,
                               RecognitionSynonym.target)))
    added = 0
    for row in _rows("recognition/occupation_synonyms.csv"):
        key = ("occupation", synonym_key(row["text"]), row["target"])
        if key not in known:
            known.add(key)
            db.add(RecognitionSynonym(kind="occupation", text=row["text"], key=key[1],
                                      target=row["target"], status="approved", origin="shipped",
                                      source=row["source"][:300]))
            added += 1
    return added


def load_skills(db: Session) -> LoadSummary:
    """Add the skills of the shipped list that are missing; admin edits of existing ones stay."""
    existing = set(db.exec(select(Skill.slug)))
    rows = [row for row in _rows("skills.csv") if row["id"] not in existing]
    for row in rows:
        db.add(Skill(slug=row["id"], label=row["label"], kind=row["kind"],
                     themes=_split(row["themes"]), synonyms=_split(row["synonyms"]),
                     esco_uris=_split(row["esco_uris"])))
    db.flush()
    _link_skill_occupations(db)
    db.commit()
    return LoadSummary("vaardigheden", len(rows), 0, len(existing))


def _link_skill_occupations(db: Session) -> None:
    skill_ids = dict(db.exec(select(Skill.slug, Skill.id)).all())
    occupation_ids = dict(db.exec(select(Occupation.uri, Occupation.id)).all())
    linked = set(db.exec(select(SkillOccupation.skill_id, SkillOccupation.occupation_id)))
    for row in _rows("skill_occupations.csv"):
        key = (skill_ids.get(row["skill_id"]), occupation_ids.get(row["occupation_uri"]))
        if None not in key and key not in linked:
            db.add(SkillOccupation(skill_id=key[0], occupation_id=key[1],
                                   relation=row["relation"]))
            linked.add(key)


def _yaml(name: str) -> list[dict]:
    return yaml.safe_load(data_file(name).read_text("utf-8")) or []


MODULE_FIELDS = ("title", "provider", "credential", "civil_value", "level", "weeks",
                 "hours_per_week", "cost_eur", "location", "online", "start_moments", "min_nt2",
                 "min_level", "themes", "status", "description", "nt2_to")


def load_modules(db: Session) -> LoadSummary:
    """Add the catalogue's modules that are missing, with the skills they teach."""
    existing = set(db.exec(select(Module.slug)))
    skill_ids = dict(db.exec(select(Skill.slug, Skill.id)).all())
    added = 0
    for entry in json.loads(data_file("modules.json").read_text("utf-8")):
        if entry["id"] in existing:
            continue
        module = Module(slug=entry["id"], **{k: entry.get(k) for k in MODULE_FIELDS
                                              if entry.get(k) is not None})
        module.start_moments = [str(moment) for moment in entry.get("start_moments") or []]
        db.add(module)
        db.flush()
        for slug in dict.fromkeys(entry.get("skills") or []):
            if slug in skill_ids:
                db.add(ModuleSkill(module_id=module.id, skill_id=skill_ids[slug]))
        added += 1
    db.commit()
    return LoadSummary("modules", added, 0, len(existing))


def load_career_paths(db: Session) -> LoadSummary:
    """Add the career paths that are missing, with their ordered steps."""
    existing = set(db.exec(select(CareerPath.slug)))
    module_ids = dict(db.exec(select(Module.slug, Module.id)).all())
    added = 0
    for entry in _yaml("career_paths.yaml"):
        if entry["id"] in existing:
            continue
        path = CareerPath(slug=entry["id"], title=entry["title"], theme=entry["theme"],
                          description=entry.get("description", ""),
                          levels=list(entry.get("levels") or []),
                          entry_profiles=list(entry.get("entry_profiles") or []),
                          target_occupation_uris=list(entry.get("target_occupations") or []),
                          required_skill_slugs=list(entry.get("required_skills") or []))
        db.add(path)
        db.flush()
        for position, step in enumerate(entry.get("steps") or [], start=1):
            db.add(CareerPathStep(career_path_id=path.id, position=position, kind=step["kind"],
                                  title=step.get("title", ""),
                                  module_id=module_ids.get(step.get("module")),
                                  placement_kinds=list(step.get("placement_kinds") or [])))
        added += 1
    db.commit()
    return LoadSummary("loopbaanpaden", added, 0, len(existing))


def load_all(db: Session) -> list[LoadSummary]:
    """Load every kind of reference data in dependency order (idempotent)."""
    # matchmaking -> postcodes -> reference: importing it at the top closes that cycle (issue 17
    # item 3 untangles the services); the cache is only dropped after a load.
    from spt.services import matchmaking  # noqa: PLC0415

    summaries = [import_esco(db), load_skills(db), load_modules(db), load_career_paths(db)]
    if any(s.added or s.updated for s in summaries):
        matchmaking.changed(db)
        db.commit()
    return summaries
