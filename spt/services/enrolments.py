"""Module enrolments: an advisor records that a candidate started, completed or stopped a module.

A completed module adds the skills it teaches to the candidate's profile, so the ranking and the
career paths see what the candidate has learned at once.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, select, update

from spt.models import Candidate, CandidateSkill, Module, ModuleEnrolment, ModuleSkill
from spt.models._base import utcnow
from spt.services import audit, matches
from spt.services.errors import Conflict, DomainError, NotFound

STATUSES = {"gestart": _l("Gestart"), "afgerond": _l("Afgerond"), "gestopt": _l("Gestopt")}
OUTCOMES = ("afgerond", "gestopt")
LEARNED_LEVEL = 1  # 'basis': a completed module is a start, not expertise


@dataclass(frozen=True)
class Section:
    """The 'Scholing' part of the advisor's candidate page."""

    rows: list[tuple[ModuleEnrolment, Module]]
    choices: list[Module]  # active modules the candidate can still start
    suggested: frozenset[str]  # slugs of modules in the candidate's gap plans and paths


def for_candidate(db: Session, candidate_id: int) -> list[tuple[ModuleEnrolment, Module]]:
    """The candidate's enrolments with their modules, newest start first."""
    return list(db.exec(select(ModuleEnrolment, Module)
                        .join(Module, Module.id == ModuleEnrolment.module_id)
                        .where(ModuleEnrolment.candidate_id == candidate_id)
                        .order_by(col(ModuleEnrolment.started_on).desc(),
                                  col(ModuleEnrolment.id).desc())))


def section(db: Session, candidate_id: int, suggested=()) -> Section:
    """Enrolments plus the modules that can still be started (suggested ones first)."""
    rows = for_candidate(db, candidate_id)
    busy = {m.id for e, m in rows if e.status != "gestopt"}
    wanted = frozenset(suggested)
    active = db.exec(select(Module).where(col(Module.retired_at).is_(None),
                                          Module.status == "actief").order_by(Module.title)).all()
    choices = sorted((m for m in active if m.id not in busy), key=lambda m: m.slug not in wanted)
    return Section(rows, choices, wanted)


def _candidate(db: Session, candidate_id: int) -> Candidate:
    candidate = db.get(Candidate, candidate_id)
    if candidate is None:
        raise NotFound(_("Deze kandidaat bestaat niet."))
    return candidate


def _check_day(day: date, today: date, field: str, earliest: date | None = None) -> None:
    if day > today:
        raise DomainError(_("Een datum in de toekomst kan nog niet worden vastgelegd."),
                          field=field)
    if earliest is not None and day < earliest:
        raise DomainError(_("De einddatum ligt voor de startdatum (%(day)s).",
                            day=earliest.strftime("%d-%m-%Y")), field=field)


def start(db: Session, *, actor_id: int, candidate_id: int, module_id: int, started_on: date,
          today: date | None = None) -> ModuleEnrolment:
    """Record that the candidate started a module; a stopped module may be started again."""
    candidate = _candidate(db, candidate_id)
    module = db.get(Module, module_id)
    if module is None or module.retired_at is not None or module.status != "actief":
        raise DomainError(_("Kies een module uit de lijst."), field="module_id")
    _check_day(started_on, today or date.today(), "started_on")
    enrolment = db.exec(select(ModuleEnrolment).where(
        ModuleEnrolment.candidate_id == candidate.id,
        ModuleEnrolment.module_id == module.id)).first()
    if enrolment is not None and enrolment.status != "gestopt":
        raise Conflict(_("%(module)s staat al als %(status)s bij deze kandidaat.",
                         module=module.title, status=str(STATUSES[enrolment.status]).lower()))
    if enrolment is None:
        enrolment = ModuleEnrolment(candidate_id=candidate.id, module_id=module.id,
                                    started_on=started_on)
    else:
        enrolment.version += 1
    enrolment.status, enrolment.started_on, enrolment.ended_on = "gestart", started_on, None
    enrolment.updated_at = utcnow()
    db.add(enrolment)
    db.flush()
    audit.record(db, actor_id=actor_id, action="enrolment.started", subject_type="candidate",
                 subject_id=candidate.id, detail={"module": module.slug,
                                                  "started_on": started_on.isoformat()})
    db.commit()
    return enrolment


def finish(db: Session, *, actor_id: int, candidate_id: int, enrolment_id: int, outcome: str,
           ended_on: date, expected_version: int, today: date | None = None) -> ModuleEnrolment:
    """Record that a started module was completed or stopped (409 when someone was first)."""
    enrolment = db.get(ModuleEnrolment, enrolment_id)
    if enrolment is None or enrolment.candidate_id != candidate_id:
        raise NotFound(_("Deze inschrijving bestaat niet."))
    if outcome not in OUTCOMES:
        raise DomainError(_("Kies afgerond of gestopt."), field="outcome")
    if enrolment.status != "gestart" or enrolment.version != expected_version:
        raise Conflict(_("Iemand anders heeft deze inschrijving net gewijzigd. "
                         "Laad de pagina opnieuw; er is niets overschreven."))
    _check_day(ended_on, today or date.today(), "ended_on", earliest=enrolment.started_on)
    changed = db.exec(update(ModuleEnrolment).where(
        ModuleEnrolment.id == enrolment.id, ModuleEnrolment.version == expected_version)
        .values(status=outcome, ended_on=ended_on, version=expected_version + 1,
                updated_at=utcnow()))
    if changed.rowcount != 1:
        db.rollback()
        raise Conflict(_("Iemand anders heeft deze inschrijving net gewijzigd. "
                         "Laad de pagina opnieuw; er is niets overschreven."))
    db.refresh(enrolment)
    module = db.get(Module, enrolment.module_id)
    learned = _add_learned_skills(db, candidate_id, module.id) if outcome == "afgerond" else []
    audit.record(db, actor_id=actor_id, action=f"enrolment.{outcome}", subject_type="candidate",
                 subject_id=candidate_id, detail={"module": module.slug, "skills_added": learned,
                                                  "ended_on": ended_on.isoformat()})
    db.commit()
    return enrolment


def _add_learned_skills(db: Session, candidate_id: int, module_id: int) -> list[int]:
    """Add the module's skills the candidate lacks, then refresh the candidate's matches."""
    taught = set(db.exec(select(ModuleSkill.skill_id).where(ModuleSkill.module_id == module_id)))
    known = set(db.exec(select(CandidateSkill.skill_id).where(
        CandidateSkill.candidate_id == candidate_id)))
    learned = sorted(taught - known)
    db.add_all(CandidateSkill(candidate_id=candidate_id, skill_id=skill_id,
                              self_level=LEARNED_LEVEL) for skill_id in learned)
    if learned:
        db.flush()
        candidate = db.get(Candidate, candidate_id)
        candidate.updated_at = utcnow()
        matches.recompute_for_candidate(db, candidate)
    return learned
