"""Admin upkeep of the reference catalogue: skills, modules and career paths."""

from flask_babel import gettext as _
from sqlmodel import Session, col, delete, or_, select

from spt.models import CareerPath, CareerPathStep, Module, ModuleSkill, Occupation, Skill
from spt.models._base import utcnow
from spt.services import audit, matchmaking
from spt.services.errors import DomainError, NotFound

STEP_KINDS = {"orientatie": "orientation", "module": "module", "plek": "placement",
              "baan": "job", "orientation": "orientation", "placement": "placement", "job": "job"}
MODELS = {"skill": Skill, "module": Module, "career_path": CareerPath}


def listing(db: Session, kind: str, *, query: str = "", include_retired: bool = False):
    """Rows of a catalogue kind, by name, optionally filtered by a search text."""
    model = MODELS[kind]
    name = model.label if model is Skill else model.title
    statement = select(model).order_by(name)
    if not include_retired:
        statement = statement.where(col(model.retired_at).is_(None))
    if query:
        pattern = f"%{query.strip().lower()}%"
        statement = statement.where(or_(col(name).ilike(pattern), col(model.slug).ilike(pattern)))
    return list(db.exec(statement.limit(500)))


def get(db: Session, kind: str, row_id: int):
    """One catalogue row, or NotFound."""
    row = db.get(MODELS[kind], row_id)
    if row is None:
        raise NotFound(_("Dit item bestaat niet."))
    return row


def _check_slug(db: Session, model, slug: str, row_id: int | None) -> None:
    other = db.exec(select(model.id).where(model.slug == slug)).first()
    if other is not None and other != row_id:
        raise DomainError(_("Deze code is al in gebruik."), field="slug")


def _skill_ids(db: Session, slugs: list[str], field: str) -> list[int]:
    found = dict(db.exec(select(Skill.slug, Skill.id).where(col(Skill.slug).in_(slugs))).all())
    missing = [s for s in slugs if s not in found]
    if missing:
        raise DomainError(_("Onbekende vaardigheid: %(codes)s.", codes=", ".join(missing[:5])),
                          field=field)
    return [found[s] for s in dict.fromkeys(slugs)]


def save_skill(db: Session, *, actor_id: int, row_id: int | None = None, data: dict) -> Skill:
    """Create or update a skill."""
    _check_slug(db, Skill, data["slug"], row_id)
    skill = get(db, "skill", row_id) if row_id else Skill(slug=data["slug"], label="")
    for key in ("slug", "label", "kind", "themes", "synonyms", "esco_uris"):
        setattr(skill, key, data[key])
    db.add(skill)
    db.flush()
    audit.record(db, actor_id=actor_id, action="catalogue.skill_saved", subject_type="skill",
                 subject_id=skill.id)
    matchmaking.changed(db)
    db.commit()
    return skill


MODULE_KEYS = ("slug", "title", "provider", "credential", "civil_value", "level", "weeks",
               "hours_per_week", "cost_eur", "location", "online", "start_moments", "min_nt2",
               "min_level", "themes", "description")


def save_module(db: Session, *, actor_id: int, row_id: int | None = None, data: dict) -> Module:
    """Create or update a module and the skills it teaches."""
    _check_slug(db, Module, data["slug"], row_id)
    skill_ids = _skill_ids(db, data["skills"], "skills")
    module = get(db, "module", row_id) if row_id else Module(
        slug=data["slug"], title="", provider="", credential="", civil_value="", weeks=1,
        hours_per_week=1)
    for key in MODULE_KEYS:
        setattr(module, key, data[key])
    db.add(module)
    db.flush()
    db.exec(delete(ModuleSkill).where(ModuleSkill.module_id == module.id))
    db.add_all(ModuleSkill(module_id=module.id, skill_id=skill_id) for skill_id in skill_ids)
    audit.record(db, actor_id=actor_id, action="catalogue.module_saved", subject_type="module",
                 subject_id=module.id)
    matchmaking.changed(db)
    db.commit()
    return module


def _parse_steps(db: Session, raw_steps: list[str]) -> list[dict]:
    steps = []
    for number, raw in enumerate(raw_steps, start=1):
        parts = [part.strip() for part in raw.split("|")]
        kind = STEP_KINDS.get(parts[0].lower())
        if kind is None or len(parts) < 2 or not parts[1]:
            raise DomainError(_("Stap %(n)d: schrijf 'soort | titel', met soort orientatie, "
                                "module, plek of baan.", n=number), field="steps")
        extra = parts[2] if len(parts) > 2 else ""
        step = {"kind": kind, "title": parts[1][:200], "module_id": None, "placement_kinds": []}
        if kind == "module" and extra:
            step["module_id"] = db.exec(select(Module.id).where(Module.slug == extra)).first()
            if step["module_id"] is None:
                raise DomainError(_("Stap %(n)d: module '%(code)s' bestaat niet.", n=number,
                                    code=extra[:50]), field="steps")
        elif kind == "placement" and extra:
            step["placement_kinds"] = [k.strip() for k in extra.split(",") if k.strip()]
        steps.append(step)
    return steps


def save_career_path(db: Session, *, actor_id: int, row_id: int | None = None,
                     data: dict) -> CareerPath:
    """Create or update a career path with its ordered steps."""
    _check_slug(db, CareerPath, data["slug"], row_id)
    _skill_ids(db, data["required_skills"], "required_skills")
    uris = data["target_occupations"]
    known = set(db.exec(select(Occupation.uri).where(col(Occupation.uri).in_(uris))))
    if missing := [u for u in uris if u not in known]:
        raise DomainError(_("Onbekend ESCO-beroep: %(uri)s.", uri=missing[0][:120]),
                          field="target_occupations")
    steps = _parse_steps(db, data["steps"])
    path = get(db, "career_path", row_id) if row_id else CareerPath(
        slug=data["slug"], title="", theme="")
    for key in ("slug", "title", "theme", "description", "levels", "entry_profiles"):
        setattr(path, key, data[key])
    path.target_occupation_uris, path.required_skill_slugs = uris, data["required_skills"]
    db.add(path)
    db.flush()
    db.exec(delete(CareerPathStep).where(CareerPathStep.career_path_id == path.id))
    db.add_all(CareerPathStep(career_path_id=path.id, position=i, **step)
               for i, step in enumerate(steps, start=1))
    audit.record(db, actor_id=actor_id, action="catalogue.career_path_saved",
                 subject_type="career_path", subject_id=path.id)
    matchmaking.changed(db)
    db.commit()
    return path


def set_retired(db: Session, *, actor_id: int, kind: str, row_id: int, retired: bool):
    """Retire or restore a catalogue row; rows that refer to it keep working."""
    row = get(db, kind, row_id)
    row.retired_at = utcnow() if retired else None
    action = f"catalogue.{kind}_{'retired' if retired else 'restored'}"
    audit.record(db, actor_id=actor_id, action=action, subject_type=kind, subject_id=row_id)
    matchmaking.changed(db)
    db.commit()
    return row


def steps_of(db: Session, path_id: int) -> list[CareerPathStep]:
    """The ordered steps of a career path."""
    statement = select(CareerPathStep).where(CareerPathStep.career_path_id == path_id)
    return list(db.exec(statement.order_by(CareerPathStep.position)))


def module_skill_slugs(db: Session, module_id: int) -> list[str]:
    """Slugs of the skills a module teaches."""
    statement = select(Skill.slug).join(ModuleSkill).where(ModuleSkill.module_id == module_id)
    return list(db.exec(statement))
