"""The public catalogue: career paths and LLO modules for visitors, filtered (read only)."""

from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import cache

from flask_babel import gettext as _
from sqlmodel import Session, col, select

from spt.models import (
    PLACEMENT_KINDS,
    CareerPath,
    CareerPathStep,
    Module,
    ModuleSkill,
    Occupation,
    Skill,
)
from spt.services import postcodes
from spt.services.errors import NotFound

# The most a visitor wants to pay, in euro: a module's cost, or a path's modules together.
COST_LIMITS = {"gratis": 0, "tot-500": 500, "tot-1000": 1000, "tot-2500": 2500}
FORMATS = ("online", "locatie")
ONGOING = "doorlopend"


@dataclass(frozen=True)
class Filters:
    """What a visitor filters on; an empty value means any."""

    theme: str = ""
    level: str = ""
    region: str = ""
    format: str = ""  # online | locatie (modules only: a path always has a workplace)
    cost: str = ""  # a key of COST_LIMITS
    civil_value: str = ""


@dataclass(frozen=True)
class Offer:
    """A module as the public sees it: where (its labour-market region) and the next starts."""

    module: Module
    region: str  # '' when online or the place is unknown
    online: bool
    starts: tuple[date | None, ...]  # upcoming months, None for 'doorlopend'


@dataclass(frozen=True)
class PathStep:
    """One step of a path; `offer` is its module when the step is a module still offered."""

    kind: str
    title: str
    offer: Offer | None
    placement_kinds: tuple[str, ...]


@dataclass(frozen=True)
class PathSummary:
    """A career path with its steps and what its modules take together."""

    path: CareerPath
    steps: tuple[PathStep, ...]
    offers: tuple[Offer, ...]
    total_weeks: int
    total_cost: int


@dataclass(frozen=True)
class PathDetail:
    """A career path page: the summary, the occupations it leads to and what you need."""

    summary: PathSummary
    occupations: tuple[str, ...]
    skills: tuple[str, ...]


@dataclass(frozen=True)
class ModuleDetail:
    """A module page: the offer, what you learn and the paths it is part of."""

    offer: Offer
    skills: tuple[str, ...]
    paths: tuple[CareerPath, ...]


@dataclass(frozen=True)
class Wish:
    """What a path or module page preselects in the intake's step 5."""

    title: str
    themes: tuple[str, ...]
    kinds: tuple[str, ...]


@cache
def _region_of_place() -> dict[str, str]:
    """Place name (lower case) -> its most common labour-market region in the PC4 table."""
    counts: dict[str, Counter] = {}
    for area in postcodes.areas().values():
        if area.region:
            counts.setdefault(area.place.lower(), Counter())[area.region] += 1
    return {place: counter.most_common(1)[0][0] for place, counter in counts.items()}


def _starts(moments: list[str], today: date) -> tuple[date | None, ...]:
    first = today.replace(day=1)
    months = []
    for moment in moments:
        try:
            year, month = (int(part) for part in moment.split("-"))
            months.append(date(year, month, 1))
        except ValueError:
            continue  # 'doorlopend' is shown apart; anything else cannot be a date
    upcoming = tuple(sorted(m for m in months if m >= first))
    return ((None,) if ONGOING in moments else ()) + upcoming


def _offer(module: Module, today: date) -> Offer:
    online = module.online or module.location.strip().lower() == "online"
    region = "" if online else _region_of_place().get(module.location.strip().lower(), "")
    return Offer(module, region, online, _starts(module.start_moments, today))


def _offers(db: Session, today: date) -> dict[int, Offer]:
    rows = db.exec(select(Module).where(col(Module.retired_at).is_(None)).order_by(Module.title))
    return {m.id: _offer(m, today) for m in rows}


def regions(db: Session) -> list[str]:
    """The labour-market regions where a module is given, by name."""
    places = db.exec(select(Module.location).where(col(Module.retired_at).is_(None),
                                                   col(Module.online).is_(False)).distinct())
    found = {_region_of_place().get(place.strip().lower(), "") for place in places}
    return sorted(found - {""})


def _in_region(offers, region: str) -> bool:
    return any(o.online or o.region == region for o in offers)


def _module_fits(offer: Offer, f: Filters) -> bool:
    m = offer.module
    return ((not f.theme or f.theme in m.themes) and (not f.level or m.level == f.level)
            and (not f.region or _in_region([offer], f.region))
            and (not f.format or (f.format == "online") == offer.online)
            and (not f.cost or m.cost_eur <= COST_LIMITS[f.cost])
            and (not f.civil_value or m.civil_value == f.civil_value))


def modules(db: Session, filters: Filters, *, today: date | None = None) -> list[Offer]:
    """Offered modules that fit the filters, by title."""
    offers = _offers(db, today or date.today())
    return [o for o in offers.values() if _module_fits(o, filters)]


def _summaries(db: Session, paths: list[CareerPath], offers: dict[int, Offer]):
    steps: dict[int, list[PathStep]] = {p.id: [] for p in paths}
    statement = select(CareerPathStep).where(
        col(CareerPathStep.career_path_id).in_(list(steps))).order_by(CareerPathStep.position)
    for step in db.exec(statement):
        offer = offers.get(step.module_id) if step.kind == "module" else None
        steps[step.career_path_id].append(PathStep(step.kind, step.title, offer,
                                                   tuple(step.placement_kinds)))
    for path in paths:
        own = tuple(s.offer for s in steps[path.id] if s.offer is not None)
        yield PathSummary(path, tuple(steps[path.id]), own,
                          sum(o.module.weeks for o in own), sum(o.module.cost_eur for o in own))


def _path_fits(summary: PathSummary, f: Filters) -> bool:
    p, offers = summary.path, summary.offers
    return ((not f.theme or p.theme == f.theme) and (not f.level or f.level in p.levels)
            and (not f.region or _in_region(offers, f.region))
            and (not f.cost or summary.total_cost <= COST_LIMITS[f.cost])
            and (not f.civil_value or any(o.module.civil_value == f.civil_value
                                          for o in offers)))


def _public_paths(db: Session, *extra) -> list[CareerPath]:
    statement = select(CareerPath).where(col(CareerPath.retired_at).is_(None), *extra)
    return list(db.exec(statement.order_by(CareerPath.title)))


def paths(db: Session, filters: Filters, *, today: date | None = None) -> list[PathSummary]:
    """Career paths that fit the filters, by title (format does not apply to a path)."""
    summaries = _summaries(db, _public_paths(db), _offers(db, today or date.today()))
    return [s for s in summaries if _path_fits(s, filters)]


def path_detail(db: Session, slug: str, *, today: date | None = None) -> PathDetail:
    """One career path's page, or NotFound (also for a retired path)."""
    found = _public_paths(db, CareerPath.slug == slug)
    if not found:
        raise NotFound(_("Dit loopbaanpad bestaat niet (meer)."))
    path = found[0]
    summary = next(_summaries(db, found, _offers(db, today or date.today())))
    occupations = dict(db.exec(select(Occupation.uri, Occupation.preferred_label).where(
        col(Occupation.uri).in_(path.target_occupation_uris))).all())
    labels = dict(db.exec(select(Skill.slug, Skill.label).where(
        col(Skill.slug).in_(path.required_skill_slugs))).all())
    return PathDetail(summary, tuple(occupations[u] for u in path.target_occupation_uris
                                     if u in occupations),
                      tuple(labels[s] for s in path.required_skill_slugs if s in labels))


def module_detail(db: Session, slug: str, *, today: date | None = None) -> ModuleDetail:
    """One module's page, or NotFound (also for a retired module)."""
    module = db.exec(select(Module).where(Module.slug == slug,
                                          col(Module.retired_at).is_(None))).first()
    if module is None:
        raise NotFound(_("Deze scholing bestaat niet (meer)."))
    skills = db.exec(select(Skill.label).join(ModuleSkill).where(
        ModuleSkill.module_id == module.id).order_by(Skill.label))
    on_paths = _public_paths(db, col(CareerPath.id).in_(select(CareerPathStep.career_path_id)
                                                        .where(CareerPathStep.module_id ==
                                                               module.id)))
    return ModuleDetail(_offer(module, today or date.today()), tuple(skills), tuple(on_paths))


def wish(db: Session, *, path_slug: str = "", module_slug: str = "") -> Wish | None:
    """What the intake preselects for a path or module chosen on a public page; None if unknown."""
    if path_slug:
        found = _public_paths(db, CareerPath.slug == path_slug[:100])
        if not found:
            return None
        steps = db.exec(select(CareerPathStep.placement_kinds).where(
            CareerPathStep.career_path_id == found[0].id, CareerPathStep.kind == "placement"))
        kinds = {kind for row in steps for kind in row}
        return Wish(found[0].title, (found[0].theme,),
                    tuple(k for k in PLACEMENT_KINDS if k in kinds))
    module = db.exec(select(Module).where(Module.slug == module_slug[:100],
                                          col(Module.retired_at).is_(None))).first()
    return Wish(module.title, tuple(module.themes), ()) if module and module_slug else None


def sitemap(db: Session) -> tuple[list[str], list[str]]:
    """Slugs of the public career paths and modules, for the sitemap."""
    modules_ = db.exec(select(Module.slug).where(col(Module.retired_at).is_(None))
                       .order_by(Module.slug))
    return [p.slug for p in _public_paths(db)], list(modules_)
