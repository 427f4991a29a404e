"""The bridge to `matching`: the catalogue and the cached index of open placements, and the one
ranking path every page, proposal and round goes through."""

import functools
import threading
import uuid
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, func, select

import matching
from spt.db import get_db
from spt.models import (
    CareerPath,
    CareerPathStep,
    CatalogueVersion,
    Employer,
    Module,
    ModuleSkill,
    Occupation,
    Placement,
    RecognitionSynonym,
    Skill,
    SkillOccupation,
)
from spt.services import reference
from spt.services.matcher_profiles import candidate_profile, candidate_profiles, placement_profiles

__all__ = ["candidate_profile", "candidate_profiles", "placement_profiles"]  # the one mapping


@dataclass(frozen=True)
class Catalogue:
    """Reference data as the matcher needs it, built once and shared by requests."""

    occupations: matching.Taxonomy
    skills: matching.Taxonomy
    knowledge: matching.SkillKnowledge
    modules: tuple[matching.Module, ...]
    paths: tuple[matching.CareerPath, ...]
    version: str
    cues: matching.Cues  # requirement cue words (matching.parse_requirement)
    bridges: matching.Bridges  # modules that close a VCA or NT2 gap before the start


_lock = threading.Lock()
_cache: dict[str, Catalogue] = {}
# The last taxonomy built per kind, with the concepts it was built from: a change that leaves a
# kind's concepts as they were (a skill synonym, a module edit) reuses it instead of refitting
# (the occupation taxonomy takes tens of seconds to build).
_taxonomies: dict[str, tuple[tuple[matching.Concept, ...], matching.Taxonomy]] = {}


def _version(db: Session) -> str:
    token = db.exec(select(CatalogueVersion.token).where(CatalogueVersion.id == 1)).first()
    return token or ""


def catalogue(db: Session) -> Catalogue:
    """The current catalogue, rebuilt in this process only after a change (a new token)."""
    version = _version(db)
    cached = _cache.get(version)
    if cached is None:
        with _lock:
            cached = _cache.get(version)
            if cached is None:
                cached = _build_catalogue(db, version)
                _cache.clear()  # keep one: a new token means the old catalogue is stale
                _cache[version] = cached
    return cached


def changed(db: Session) -> None:
    """Mark the catalogue as changed in the caller's transaction (every worker rebuilds)."""
    row = db.get(CatalogueVersion, 1) or CatalogueVersion(id=1)
    row.token = uuid.uuid4().hex
    db.add(row)


def warm_up(app) -> None:
    """Build the catalogue and the placement index now (a worker does this before it serves)."""
    with app.app_context():
        try:
            open_index(get_db())  # builds the catalogue too
        except Exception:  # noqa: BLE001 - a cold cache is built on first use instead
            app.logger.warning("Catalogue warm-up failed; it is built on first use.")


def _build_catalogue(db: Session, version: str) -> Catalogue:
    occupations = list(db.exec(select(Occupation).where(col(Occupation.retired_at).is_(None))))
    skills = list(db.exec(select(Skill).where(col(Skill.retired_at).is_(None))))
    synonyms, learned = _approved_synonyms(db)
    occupation_concepts = [matching.Concept(
        o.uri, o.preferred_label, tuple(o.alt_labels), o.isco_group,
        hidden_labels=tuple(o.hidden_labels), english_labels=tuple(o.english_labels),
        synonyms=synonyms.get(("occupation", o.uri), ()), maps_to=tuple(o.maps_to))
        for o in occupations]
    skill_concepts = [matching.Concept(
        s.slug, s.label, tuple(s.synonyms), s.kind, synonyms=synonyms.get(("skill", s.slug), ()),
        maps_to=tuple(s.esco_uris)) for s in skills]
    links = db.exec(select(Skill.slug, Occupation.uri, SkillOccupation.relation)
                    .join(Skill, Skill.id == SkillOccupation.skill_id)
                    .join(Occupation, Occupation.id == SkillOccupation.occupation_id))
    knowledge = matching.SkillKnowledge.from_links(
        list(links), groups={o.uri: o.isco_group for o in occupations},
        maps_to={o.uri: tuple(o.maps_to) for o in occupations if o.maps_to})
    _lexicon, _rankers, cues = _recognition_data()
    modules = _modules(db)
    return Catalogue(
        occupations=_taxonomy("occupation", occupation_concepts).with_learned(
            learned.get("occupation", ())),
        skills=_taxonomy("skill", skill_concepts).with_learned(learned.get("skill", ())),
        knowledge=knowledge, modules=modules, paths=_paths(db), version=version, cues=cues,
        bridges=matching.Bridges.from_modules(modules, vca_ids=matching.DEFAULT_WEIGHTS.vca_ids))


def _taxonomy(kind: str, concepts: list[matching.Concept]) -> matching.Taxonomy:
    """The taxonomy of these concepts: the last one built when they are the same."""
    key = tuple(concepts)
    last = _taxonomies.get(kind)
    if last is not None and last[0] == key:
        return last[1]
    lexicon, rankers, _cues = _recognition_data()
    taxonomy = matching.Taxonomy.build(key, kind=kind, lexicon=lexicon, ranker=rankers[kind])
    _taxonomies[kind] = (key, taxonomy)
    return taxonomy


def _approved_synonyms(db: Session):
    """Shipped synonyms per (kind, target), fitted into the taxonomy; and the ones learned from
    people per kind as (target, text), laid over it (`Taxonomy.with_learned`): approving one
    costs no refit (seconds of CPU in every worker) and counts at once for the same text, in any
    word order and with the same noise around it."""
    shipped: dict[tuple[str, str], list[str]] = {}
    learned: dict[str, list[tuple[str, str]]] = {}
    for kind, target, text, origin in db.exec(
            select(RecognitionSynonym.kind, RecognitionSynonym.target, RecognitionSynonym.text,
                   RecognitionSynonym.origin)
            .where(RecognitionSynonym.status == "approved").order_by(RecognitionSynonym.id)):
        if origin == "shipped":
            shipped.setdefault((kind, target), []).append(text)
        else:
            learned.setdefault(kind, []).append((target, text))
    return {key: tuple(texts) for key, texts in shipped.items()}, learned


@functools.cache
def _recognition_data() -> tuple[matching.Lexicon, dict[str, matching.Ranker], matching.Cues]:
    """The shipped lexicon, trained rankers and requirement cues: files of the release, read
    once per process."""
    data_dir = reference.data_file("")
    return (matching.load_lexicon(data_dir),
            {kind: matching.load_ranker(data_dir, kind) for kind in ("occupation", "skill")},
            matching.load_cues(data_dir))


def _modules(db: Session) -> tuple[matching.Module, ...]:
    taught: dict[int, set[str]] = {}
    for module_id, slug in db.exec(select(ModuleSkill.module_id, Skill.slug).join(Skill)):
        taught.setdefault(module_id, set()).add(slug)
    rows = db.exec(select(Module).where(col(Module.retired_at).is_(None),
                                        Module.status == "actief").order_by(Module.id))
    return tuple(matching.Module(
        id=m.slug, title=m.title, skills=frozenset(taught.get(m.id, ())), weeks=m.weeks,
        cost_eur=m.cost_eur, civil_value=m.civil_value, credential=m.credential, level=m.level,
        min_nt2=m.min_nt2, min_level=m.min_level, nt2_to=m.nt2_to) for m in rows)


def _paths(db: Session) -> tuple[matching.CareerPath, ...]:
    module_slugs = dict(db.exec(select(Module.id, Module.slug)).all())
    steps: dict[int, list[matching.PathStep]] = {}
    for step in db.exec(select(CareerPathStep).order_by(CareerPathStep.career_path_id,
                                                        CareerPathStep.position)):
        steps.setdefault(step.career_path_id, []).append(matching.PathStep(
            kind=step.kind, ref=module_slugs.get(step.module_id, ""), title=step.title,
            placement_kinds=tuple(step.placement_kinds)))
    rows = db.exec(select(CareerPath).where(col(CareerPath.retired_at).is_(None))
                   .order_by(CareerPath.id))
    return tuple(matching.CareerPath(
        id=p.slug, title=p.title, theme=p.theme, target_occupations=tuple(p.target_occupation_uris),
        levels=tuple(p.levels), required_skills=tuple(p.required_skill_slugs),
        steps=tuple(steps.get(p.id, ()))) for p in rows)


def _open_filter():
    return (Placement.status == "open", col(Employer.verified_at).is_not(None))


def open_placements(db: Session) -> list[Placement]:
    """Placements that are open at verified employers, oldest first."""
    return list(db.exec(select(Placement).join(Employer).where(*_open_filter())
                        .order_by(Placement.id)))


@dataclass(frozen=True)
class OpenIndex:
    """The open placements as a matcher index, shared by requests until a placement changes."""

    key: tuple
    index: matching.PlacementIndex


_index_cache: dict[tuple, OpenIndex] = {}


def _fingerprint(db: Session) -> tuple:
    # Any placement opened, closed, edited or verified changes one of these aggregates.
    row = db.exec(select(func.count(Placement.id), func.sum(Placement.id),
                         func.max(Placement.updated_at), func.max(Placement.created_at),
                         func.max(Employer.verified_at))
                  .join(Employer).where(*_open_filter())).one()
    return tuple(str(value) for value in row)


def open_index(db: Session) -> OpenIndex:
    """The index of open placements, rebuilt in this process only after a change."""
    key = (catalogue(db).version, *_fingerprint(db))
    cached = _index_cache.get(key)
    if cached is None:
        placements = open_placements(db)
        index = matching.PlacementIndex.build(placement_profiles(db, placements),
                                              knowledge=catalogue(db).knowledge)
        with _lock:
            _index_cache.clear()
            cached = _index_cache[key] = OpenIndex(key, index)
    return cached


def today() -> date:
    """From when a bridge (a VCA or NT2 module) can be followed: now; courses fit beside work."""
    return date.today()


def rank_placements(db: Session, profile: matching.CandidateProfile, *, limit: int | None = None,
                    include_ineligible: bool = False, explain: bool = True
                    ) -> list[matching.MatchResult]:
    """Open placements ranked for a candidate on the cached index, bridges included."""
    index = open_index(db).index
    if not len(index):
        return []
    return matching.rank(profile, index, limit=limit, include_ineligible=include_ineligible,
                         explain=explain, bridges=catalogue(db).bridges, today=today())


def rank_candidates(db: Session, target: matching.PlacementProfile,
                    profiles: list[matching.CandidateProfile], *, limit: int | None = None,
                    include_ineligible: bool = False, explain: bool = True
                    ) -> list[matching.MatchResult]:
    """Candidates ranked for one placement, by the same rules as `rank_placements`."""
    if not profiles:
        return []
    cat = catalogue(db)
    return matching.rank_candidates(target, profiles, knowledge=cat.knowledge, limit=limit,
                                    include_ineligible=include_ineligible, explain=explain,
                                    bridges=cat.bridges, today=today())


def score(db: Session, profile: matching.CandidateProfile,
          target: matching.PlacementProfile) -> matching.MatchResult:
    """One pair, explained, by the same rules as the rankings."""
    cat = catalogue(db)
    return matching.score_pair(profile, target, knowledge=cat.knowledge, bridges=cat.bridges,
                               today=today())
