"""Module enrolments: an advisor records that a candidate started, completed or stopped a module.

Each attempt is its own row, so the KPIs of a closed period never change when a candidate starts a
module again. A completed module adds the skills it teaches to the candidate's profile, so the
ranking and the career paths see what the candidate has learned at once.
"""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import get_timezone
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select, update

from spt.db import savepoint
from spt.models import (
    Candidate,
    CandidateSkill,
    Module,
    ModuleEnrolment,
    ModuleSkill,
    Skill,
)
from spt.models._base import utcnow
from spt.services import audit, matches
from spt.services.errors import Conflict, DomainError, NotFound
from spt.vocabulary import EnrolmentStatus

STATUSES = dict(EnrolmentStatus.choices())
OUTCOMES = (EnrolmentStatus.AFGEROND, EnrolmentStatus.GESTOPT)
LEARNED_LEVEL = 1  # 'basis': a completed module is a start, not expertise


@dataclass(frozen=True)
class Section:
    """The 'Scholing' part of the advisor's candidate page."""

    rows: list[tuple[ModuleEnrolment, Module]]
    choices: list[Module]  # active modules the candidate can start now
    suggested: frozenset[str]  # slugs of modules in the candidate's gap plans and paths


@dataclass(frozen=True)
class Finished:
    """A finished enrolment and the labels of the skills it added to the profile."""

    enrolment: ModuleEnrolment
    learned: tuple[str, ...]


def today() -> date:
    """Today in the service's time zone (Europe/Amsterdam), not the server's."""
    return datetime.now(get_timezone()).date()


def statuses(db: Session, candidate_id: int) -> dict[str, str]:
    """Module slug -> the status of the candidate's latest enrolment in it."""
    latest: dict[str, str] = {}
    for enrolment, module in for_candidate(db, candidate_id):  # newest first
        latest.setdefault(module.slug, enrolment.status)
    return latest


def for_candidate(db: Session, candidate_id: int) -> list[tuple[ModuleEnrolment, Module]]:
    """The candidate's enrolments with their modules, newest start first."""
    return list(db.exec(select(ModuleEnrolment, Module)
                        .join(Module, Module.id == ModuleEnrolment.module_id)
                        .where(ModuleEnrolment.candidate_id == candidate_id)
                        .order_by(col(ModuleEnrolment.started_on).desc(),
                                  col(ModuleEnrolment.id).desc())))


def section(db: Session, candidate_id: int, suggested=()) -> Section:
    """Enrolments plus the modules that can be started now (suggested ones first)."""
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
    if candidate.user_id is None:  # erased on request: nothing personal may be added again
        raise DomainError(_("De gegevens van deze kandidaat zijn verwijderd."))
    return candidate


def _check_day(day: date, field: str, earliest: date | None = None) -> None:
    if day > today():
        raise DomainError(_("Een datum in de toekomst kan nog niet worden vastgelegd."),
                          field=field)
    if earliest is not None and day < earliest:
        raise DomainError(_("De einddatum ligt voor de startdatum (%(day)s).",
                            day=earliest.strftime("%d-%m-%Y")), field=field)


def _refuse_open(module: Module, status: str) -> Conflict:
    if status == "afgerond":
        return Conflict(_("Deze kandidaat heeft %(module)s al afgerond.", module=module.title))
    return Conflict(_("Deze kandidaat volgt %(module)s al.", module=module.title))


def _open_status(db: Session, candidate_id: int, module_id: int) -> str | None:
    """The status of the candidate's running or completed attempt at the module, if any."""
    return db.exec(select(ModuleEnrolment.status).where(
        ModuleEnrolment.candidate_id == candidate_id, ModuleEnrolment.module_id == module_id,
        ModuleEnrolment.status != "gestopt")).first()


def start(db: Session, *, actor_id: int, candidate_id: int, module_id: int,
          started_on: date) -> ModuleEnrolment:
    """Record that the candidate started a module (again, after a stop: a new attempt)."""
    candidate = _candidate(db, candidate_id)
    module = db.get(Module, module_id)
    if module is None or module.retired_at is not None or module.status != "actief":
        raise DomainError(_("Kies een module uit de lijst."), field="module_id")
    _check_day(started_on, "started_on")
    running = _open_status(db, candidate.id, module.id)
    if running is not None:
        raise _refuse_open(module, running)
    enrolment = ModuleEnrolment(candidate_id=candidate.id, module_id=module.id,
                                started_on=started_on)
    try:
        with savepoint(db):  # a savepoint: a failure undoes this start, not the caller's work
            db.add(enrolment)
            db.flush()
    except IntegrityError as error:  # another advisor recorded the same start a moment ago
        raise _refuse_open(module, "gestart") from error
    audit.record(db, actor_id=actor_id, action="enrolment.started", subject_type="candidate",
                 subject_id=candidate.id, detail={"module": module.slug, "enrolment": enrolment.id,
                                                  "started_on": started_on.isoformat()})
    db.commit()
    return enrolment


def finish(db: Session, *, actor_id: int, candidate_id: int, enrolment_id: int, outcome: str,
           ended_on: date, reason: str = "") -> Finished:
    """Record that a running module was completed or stopped (409 when someone was first)."""
    enrolment = db.get(ModuleEnrolment, enrolment_id)
    if enrolment is None or enrolment.candidate_id != candidate_id:
        raise NotFound(_("Deze inschrijving bestaat niet."))
    candidate = _candidate(db, candidate_id)
    if outcome not in OUTCOMES:
        raise DomainError(_("Kies afgerond of gestopt."), field="outcome")
    if outcome == "gestopt" and not reason.strip():
        raise DomainError(_("Geef een reden op waarom de module gestopt is."), field="reason")
    _check_day(ended_on, "ended_on", earliest=enrolment.started_on)
    module = db.get(Module, enrolment.module_id)
    changed = db.exec(update(ModuleEnrolment).where(
        ModuleEnrolment.id == enrolment.id, ModuleEnrolment.status == "gestart").values(
        status=outcome, ended_on=ended_on, reason=reason.strip()[:500], updated_at=utcnow(),
        civil_value=module.civil_value if outcome == "afgerond" else None))
    if changed.rowcount != 1:  # nothing was written: the caller decides what happens next
        raise Conflict(_("Iemand anders heeft deze inschrijving net gewijzigd. "
                         "Laad de pagina opnieuw; er is niets overschreven."))
    learned = _add_learned_skills(db, candidate, module.id) if outcome == "afgerond" else []
    detail = {"module": module.slug, "enrolment": enrolment.id, "ended_on": ended_on.isoformat(),
              "skills_added": [slug for slug, _label in learned]}
    audit.record(db, actor_id=actor_id, action=f"enrolment.{outcome}", subject_type="candidate",
                 subject_id=candidate_id, detail=detail)
    db.commit()
    db.refresh(enrolment)
    return Finished(enrolment, tuple(label for _s, label in learned))


def _add_learned_skills(db: Session, candidate: Candidate,
                        module_id: int) -> list[tuple[str, str]]:
    """Add the module's skills the candidate lacks, then refresh the candidate's matches."""
    known = select(CandidateSkill.skill_id).where(CandidateSkill.candidate_id == candidate.id,
                                                  col(CandidateSkill.skill_id).is_not(None))
    learned = db.exec(select(Skill.id, Skill.slug, Skill.label)
                      .join(ModuleSkill, ModuleSkill.skill_id == Skill.id)
                      .where(ModuleSkill.module_id == module_id, col(Skill.id).not_in(known))
                      .order_by(Skill.label)).all()
    if not learned:
        return []
    db.add_all(CandidateSkill(candidate_id=candidate.id, skill_id=skill_id, free_text=label,
                              self_level=LEARNED_LEVEL) for skill_id, _slug, label in learned)
    candidate.updated_at = utcnow()
    db.flush()
    matches.recompute_for_candidate(db, candidate)
    return [(slug, label) for _id, slug, label in learned]

