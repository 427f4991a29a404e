"""Every typed text of a candidate or a placement beside what it became, and fixing one.

An advisor's fix counts at once (an approved synonym, the catalogue rebuilds); an employer's
fix of their own placement proposes a synonym for an admin. Scores recompute in the same
transaction.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlmodel import Session, select

from spt.models import (
    Candidate,
    CandidateOccupation,
    CandidateSkill,
    Occupation,
    Placement,
    PlacementRequirement,
    Skill,
)
from spt.models._base import utcnow
from spt.services import audit, matches, matchmaking, recognition, requirements
from spt.services.errors import DomainError, NotFound

FIXABLE_LINES = ("skill", "certificate", "other")  # typed kinds are fixed by editing the line


@dataclass(frozen=True)
class Row:
    """One typed text and what it became; `key` names it in a fix ("skill-12", "title")."""

    key: str
    kind: str  # what a fix searches: occupation | skill
    what: str  # job | skill | title | requirement
    typed: str
    label: str | None
    confidence: float | None
    mapped_by: str
    line: requirements.Line | None = None  # a requirement's reading, for its wording
    fixable: bool = True


def candidate_rows(db: Session, candidate_id: int) -> list[Row]:
    """The candidate's typed jobs and skills beside what they became."""
    jobs = db.exec(select(CandidateOccupation, Occupation.preferred_label)
                   .join(Occupation, Occupation.id == CandidateOccupation.occupation_id,
                         isouter=True)
                   .where(CandidateOccupation.candidate_id == candidate_id)
                   .order_by(CandidateOccupation.id))
    skills = db.exec(select(CandidateSkill, Skill.label)
                     .join(Skill, Skill.id == CandidateSkill.skill_id, isouter=True)
                     .where(CandidateSkill.candidate_id == candidate_id)
                     .order_by(CandidateSkill.id))
    rows = [Row(f"job-{j.id}", "occupation", "job", j.free_text, label, j.confidence,
                j.mapped_by) for j, label in jobs if j.free_text.strip()]
    return rows + [Row(f"skill-{s.id}", "skill", "skill", s.free_text, label, s.confidence,
                       s.mapped_by) for s, label in skills if s.free_text.strip()]


def placement_rows(db: Session, placement: Placement) -> list[Row]:
    """The placement's title and requirement lines beside what they became."""
    title = requirements.stored_title(db, placement)
    rows = [Row("title", "occupation", "title", placement.title, title["occupation_label"],
                placement.occupation_confidence, placement.occupation_mapped_by)]
    for line in requirements.stored_lines(db, placement.id):
        rows.append(Row(f"req-{line.id}", "skill", "requirement", line.text, line.label,
                        line.confidence, line.mapped_by, line, line.kind in FIXABLE_LINES))
    return rows


def find(rows: list[Row], key: str) -> Row:
    """The row with this key, or NotFound."""
    found = next((row for row in rows if row.key == key), None)
    if found is None:
        raise NotFound(_("Deze tekst bestaat niet (meer). Laad de pagina opnieuw."))
    if not found.fixable:
        raise DomainError(_("Pas deze eis aan door de regel zelf te wijzigen."))
    return found


@dataclass(frozen=True)
class Options:
    """A row to fix and what a name search found for it."""

    row: Row
    query: str
    found: list[recognition.Found]


def options(db: Session, rows: list[Row], key: str, query: str | None) -> Options:
    """Search by name for the row's fix; without a query, search for what was typed."""
    row = find(rows, key)
    query = " ".join((query if query is not None else row.typed).split())
    return Options(row, query, recognition.search(db, row.kind, query))


def candidate_options(db: Session, candidate_id: int, key: str, query: str | None) -> Options:
    """The name search to fix one of a candidate's typed texts."""
    return options(db, candidate_rows(db, candidate_id), key, query)


def placement_options(db: Session, placement: Placement, key: str,
                      query: str | None) -> Options:
    """The name search to fix a placement's title or one of its requirement lines."""
    return options(db, placement_rows(db, placement), key, query)


def fix_candidate(db: Session, *, advisor_id: int, candidate_id: int, key: str,
                  target: str | None) -> Row:
    """An advisor sets what a candidate's typed job or skill means (None: none of them)."""
    candidate = db.get(Candidate, candidate_id)
    if candidate is None:
        raise NotFound(_("Deze kandidaat bestaat niet."))
    row = find(candidate_rows(db, candidate_id), key)
    before = _set_candidate_row(db, candidate_id, row, target)
    synonym = recognition.learn(db, kind=row.kind, text=row.typed, target=target,
                                origin="advisor", user_id=advisor_id) if target else None
    matches.recompute_for_candidate(db, candidate)
    audit.record(db, actor_id=advisor_id, action="advisor.recognition_fixed",
                 subject_type="candidate", subject_id=candidate_id,
                 detail={"row": key, "from": before, "to": target,
                         "synonym": synonym.id if synonym else None})
    matchmaking.changed(db)  # last: the recompute above still uses the current catalogue
    db.commit()
    return row


def _set_candidate_row(db: Session, candidate_id: int, row: Row, target: str | None):
    confidence = recognition.confidence_of(db, row.kind, row.typed, target) if target else None
    concept_id = recognition.concept(db, row.kind, target)[0] if target else None
    record_id = int(row.key.split("-")[1])
    if row.what == "job":
        job = db.get(CandidateOccupation, record_id)
        before, job.occupation_id = job.occupation_id, concept_id
        job.confidence, job.mapped_by = confidence, "advisor"
        db.add(job)
        return before
    skill = db.get(CandidateSkill, record_id)
    before, skill.skill_id = skill.skill_id, concept_id
    skill.confidence, skill.mapped_by, skill.needs_review = confidence, "advisor", False
    db.add(skill)
    if concept_id is not None:  # the same skill linked twice counts once
        for twin in db.exec(select(CandidateSkill).where(
                CandidateSkill.candidate_id == candidate_id,
                CandidateSkill.skill_id == concept_id, CandidateSkill.id != skill.id)):
            db.delete(twin)
    return before


def fix_placement(db: Session, *, actor_id: int, by: str, placement: Placement, key: str,
                  target: str | None) -> Row:
    """An advisor or the employer sets what a placement's title or requirement line means."""
    row = find(placement_rows(db, placement), key)
    before = _set_placement_row(db, placement, row, target, by)
    placement.updated_at = utcnow()  # the open placements' index rebuilds
    db.add(placement)
    synonym = recognition.learn(db, kind=row.kind, text=row.typed, target=target, origin=by,
                                user_id=actor_id) if target else None
    db.flush()
    matches.recompute_for_placement(db, placement)
    audit.record(db, actor_id=actor_id, action=f"{by}.recognition_fixed",
                 subject_type="placement", subject_id=placement.id,
                 detail={"row": key, "from": before, "to": target,
                         "synonym": synonym.id if synonym else None})
    if by == "advisor":
        matchmaking.changed(db)
    db.commit()
    return row


def _set_placement_row(db: Session, placement: Placement, row: Row, target: str | None,
                       by: str):
    confidence = recognition.confidence_of(db, row.kind, row.typed, target) if target else None
    concept_id = recognition.concept(db, row.kind, target)[0] if target else None
    if row.what == "title":
        before, placement.occupation_id = placement.occupation_id, concept_id
        placement.occupation_confidence, placement.occupation_mapped_by = confidence, by
        return before
    requirement = db.get(PlacementRequirement, int(row.key.split("-")[1]))
    before, requirement.skill_id = requirement.skill_id, concept_id
    kind = db.get(Skill, concept_id).kind if concept_id else None
    requirement.kind = "other" if kind is None else (
        "certificate" if kind == recognition.CERTIFICATE else "skill")
    requirement.confidence, requirement.mapped_by = confidence, by
    db.add(requirement)
    db.flush()
    lines = requirements.stored_lines(db, placement.id)
    requirements.relink(db, placement.id, lines)
    placement.requires_vca = placement.requires_vca or requirements.limits(lines).vca
    return before
