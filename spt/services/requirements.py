"""An employer's title and requirement lines: what each became, and the limits they set.

A line is parsed by `matching.parse_requirement` into typed parts (skill, certificate, licence,
language, education, experience, other). Skill and certificate parts become PlacementSkill
links; licences, Dutch levels and VCA feed the placement's hard limits; education and
experience are stored and shown, never counted as skills. A line the recogniser is unsure of
is kept as text (other) until someone chooses one of its alternatives.
"""

from dataclasses import dataclass, field, replace

from flask_babel import gettext as _
from sqlmodel import Session, col, delete, select

import matching
from spt.models import (
    NT2_LEVELS,
    Occupation,
    Placement,
    PlacementRequirement,
    PlacementSkill,
    Skill,
)
from spt.services import matchmaking, recognition
from spt.services.errors import DomainError
from spt.services.reference import synonym_key

NONE = "-"  # the answer "geen van deze"
VCA = matching.DEFAULT_WEIGHTS.vca_ids
RELATIONS = ("essential", "optional")
PEOPLE = recognition.PEOPLE


@dataclass(frozen=True)
class Line:
    """One part of one requirement line as recognised (several parts may share a line)."""

    relation: str
    position: int
    text: str
    kind: str
    skill: str | None = None  # skill slug of a skill, certificate or licence
    label: str | None = None
    value: str = ""
    level: str | None = None
    years: int | None = None
    hard: bool | None = None
    confidence: float | None = None
    mapped_by: str = "matcher"
    alternatives: tuple[dict, ...] = ()  # offered as "Bedoel je ...?"
    id: int | None = None  # the stored row

    @property
    def key(self) -> str:
        """How a choice for this line's text is found again."""
        return synonym_key(self.text)

    @property
    def unsure(self) -> bool:
        """Kept as text while the recogniser has alternatives nobody chose from."""
        return self.kind == "other" and bool(self.alternatives) and self.mapped_by == "matcher"

    @property
    def counts_as_limit(self) -> bool:
        """A hard requirement: said to be a must, or in the 'nodig' list and not called a pre."""
        return self.hard is True or (self.relation == "essential" and self.hard is not False)


@dataclass(frozen=True)
class Limits:
    """The hard limits the lines set: licence categories, Dutch level, VCA."""

    licences: tuple[str, ...] = ()
    nt2: str | None = None
    vca: bool = False


@dataclass(frozen=True)
class Reading:
    """What the title and every line became, with the choices that were applied."""

    title: dict  # a recognition reading of the title (occupation)
    lines: tuple[Line, ...]
    limits: Limits
    choices: dict = field(default_factory=dict)  # {"title": uri | "-", "lines": {key: slug}}
    invalid: tuple[str, ...] = ()  # fields with a choice that was not offered


def read(db: Session, *, title: str, lines: dict[str, list[str]], choices: dict,
         placement: Placement | None = None) -> Reading:
    """Recognise a placement's title and lines; a person's earlier decision on the same text
    stays, a choice picks one of the alternatives offered."""
    invalid: list[str] = []
    title_reading, title_chosen = _title(db, title, choices.get("title"), placement, invalid)
    earlier = _decided_lines(db, placement)
    wanted = choices.get("lines") or {}
    catalogue = matchmaking.catalogue(db)
    out: list[Line] = []
    for relation in RELATIONS:
        for position, text in enumerate(lines.get(relation, [])):
            key = synonym_key(text)
            if key in earlier:
                out += [replace(e, relation=relation, position=position) for e in earlier[key]]
                continue
            parts = matching.parse_requirement(text, catalogue.skills, catalogue.cues)
            out += [_choose(catalogue, _line(relation, position, p), wanted.get(key), invalid)
                    for p in parts]
    applied: dict = {"title": choices["title"]} if title_chosen else {}
    answered = {line.key for line in out if line.mapped_by == "employer"}
    applied["lines"] = {k: v for k, v in wanted.items() if k in answered}
    return Reading(title_reading, tuple(out), limits(out), applied,
                   tuple(dict.fromkeys(invalid)))


def _title(db: Session, title: str, choice: str | None, placement: Placement | None,
           invalid: list[str]) -> tuple[dict, bool]:
    """The title's reading, and whether the employer's choice was applied to it."""
    if placement is not None and placement.occupation_mapped_by in PEOPLE and \
            synonym_key(placement.title) == synonym_key(title):
        return stored_title(db, placement), False
    reading = recognition.read(db, "occupation", title)
    if not choice:
        return reading, False
    try:
        return recognition.answer("occupation", reading, op="none" if choice == NONE
                                  else "choose", target=choice, by="employer"), True
    except DomainError:
        invalid.append("title")
        return reading, False


def stored_title(db: Session, placement: Placement) -> dict:
    """The stored occupation of a placement as a reading."""
    occupation = db.get(Occupation, placement.occupation_id) if placement.occupation_id \
        else None
    by_person = placement.occupation_mapped_by in PEOPLE
    state = ("chosen" if by_person else "accepted") if occupation else \
        ("none" if by_person else "unknown")
    return {"occupation_uri": occupation.uri if occupation else None,
            "occupation_label": occupation.preferred_label if occupation else None,
            "confidence": placement.occupation_confidence,
            "mapped_by": placement.occupation_mapped_by, "state": state, "suggestions": []}


def _line(relation: str, position: int, part: matching.Requirement) -> Line:
    if part.kind in ("skill", "certificate") and not part.sure:  # unsure: text for now
        return Line(relation, position, part.text, "other", hard=part.hard,
                    alternatives=tuple(recognition.offer(s)
                                       for s in part.alternatives[:recognition.OFFERED]))
    value = part.value or ""
    return Line(relation, position, part.text, part.kind, skill=part.concept_id,
                label=part.label, value=value[:100], level=part.level, years=part.years,
                hard=part.hard, confidence=round(part.confidence, 4)
                if part.concept_id else None)


def _choose(catalogue, line: Line, choice: str | None, invalid: list[str]) -> Line:
    if choice is None or not line.alternatives:
        return line
    if choice == NONE:
        return replace(line, mapped_by="employer")
    picked = next((a for a in line.alternatives if a["id"] == choice), None)
    if picked is None:
        invalid.append(f"{line.relation}_skills")
        return line
    found = catalogue.skills.get(picked["id"])
    kind = "certificate" if found is not None and found.group == recognition.CERTIFICATE \
        else "skill"
    return replace(line, kind=kind, skill=picked["id"], label=picked["label"],
                   confidence=picked["confidence"], mapped_by="employer")


def limits(lines) -> Limits:
    """The hard limits a placement's lines set (licence categories in the order written)."""
    hard = [line for line in lines if line.counts_as_limit]
    licences = tuple(dict.fromkeys(line.value for line in hard
                                   if line.kind == "licence" and line.value))
    levels = [line.level for line in hard if line.kind == "language" and line.value == "nl"
              and line.level in NT2_LEVELS]
    return Limits(licences, max(levels, key=NT2_LEVELS.index, default=None),
                  any(line.kind == "certificate" and line.skill in VCA for line in hard))


def higher_nt2(a: str | None, b: str | None) -> str | None:
    """The higher of two CEFR levels (None when neither is set)."""
    levels = [level for level in (a, b) if level in NT2_LEVELS]
    return max(levels, key=NT2_LEVELS.index, default=None)


def skill_links(lines) -> dict[str, list[str]]:
    """Skill slugs per relation from the skill and certificate lines; an essential skill is not
    also optional."""
    links: dict[str, list[str]] = {relation: [] for relation in RELATIONS}
    for line in lines:
        if line.kind in ("skill", "certificate") and line.skill:
            links[line.relation].append(line.skill)
    links = {relation: list(dict.fromkeys(slugs)) for relation, slugs in links.items()}
    links["optional"] = [s for s in links["optional"] if s not in links["essential"]]
    return links


def _decided_lines(db: Session, placement: Placement | None) -> dict[str, list[Line]]:
    """A placement's stored lines that a person decided, by the synonym key of their text."""
    if placement is None or placement.id is None:
        return {}
    found: dict[str, list[Line]] = {}
    for line in stored_lines(db, placement.id):
        if line.mapped_by in PEOPLE:
            found.setdefault(line.key, []).append(line)
    return found


def stored_lines(db: Session, placement_id: int) -> list[Line]:
    """The placement's stored requirement lines, in the order they were written."""
    rows = db.exec(select(PlacementRequirement, Skill.slug, Skill.label)
                   .join(Skill, Skill.id == PlacementRequirement.skill_id, isouter=True)
                   .where(PlacementRequirement.placement_id == placement_id)
                   .order_by(PlacementRequirement.relation,
                             PlacementRequirement.position, PlacementRequirement.id))
    return [Line(r.relation, r.position, r.text, r.kind, skill=slug, label=label,
                 value=r.value, level=r.level, years=r.years, hard=r.hard,
                 confidence=r.confidence, mapped_by=r.mapped_by, id=r.id)
            for r, slug, label in rows]


def store(db: Session, placement_id: int, lines) -> None:
    """Replace the placement's requirement rows and skill links (the caller commits)."""
    slugs = {line.skill for line in lines if line.skill}
    ids = dict(db.exec(select(Skill.slug, Skill.id).where(col(Skill.slug).in_(slugs))).all())
    db.exec(delete(PlacementRequirement).where(PlacementRequirement.placement_id ==
                                               placement_id))
    db.add_all(PlacementRequirement(
        placement_id=placement_id, position=line.position, relation=line.relation,
        text=line.text[:300], kind=line.kind, skill_id=ids.get(line.skill), value=line.value,
        level=line.level, years=line.years, hard=line.hard, confidence=line.confidence,
        mapped_by=line.mapped_by) for line in lines)
    relink(db, placement_id, lines, ids)


def relink(db: Session, placement_id: int, lines, ids: dict[str, int] | None = None) -> None:
    """Replace the placement's skill links with the skill and certificate lines (no commit)."""
    if ids is None:
        slugs = {line.skill for line in lines if line.skill}
        ids = dict(db.exec(select(Skill.slug, Skill.id).where(col(Skill.slug).in_(slugs))).all())
    db.exec(delete(PlacementSkill).where(PlacementSkill.placement_id == placement_id))
    db.add_all(PlacementSkill(placement_id=placement_id, skill_id=ids[slug], relation=relation)
               for relation, linked in skill_links(lines).items() for slug in linked
               if slug in ids)


def texts(db: Session, placement_id: int) -> dict[str, list[str]]:
    """The lines as the employer wrote them, per relation (one per line, in order)."""
    found: dict[str, dict[int, str]] = {relation: {} for relation in RELATIONS}
    for line in stored_lines(db, placement_id):
        found[line.relation].setdefault(line.position, line.text)
    return {relation: list(by_position.values()) for relation, by_position in found.items()}


def invalid_message() -> str:
    """The Dutch message for a choice that was not offered."""
    return _("Deze keuze hoort niet bij wat u schreef. Kies opnieuw.")
