"""'Mijn loopbaan': career paths, fitting placements and next steps for one candidate."""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlmodel import Session, col, select

import matching
from spt.models import (
    AuditEvent,
    Candidate,
    CareerPath,
    Employer,
    Module,
    Placement,
    Skill,
    User,
)
from spt.services import (
    appointments,
    audit,
    consents,
    enrolments,
    introductions,
    mail,
    matches,
    matchmaking,
    pipeline,
    postcodes,
    reasons,
    routes,
)
from spt.services.errors import DomainError, NotFound
from spt.services.profile import Completeness, as_draft, completeness

TOP_PATHS = 3
TOP_PLACEMENTS = 5


@dataclass(frozen=True)
class Step:
    """One step of a route as shown to the candidate (`state` and `why`: see routes.RouteStep)."""

    kind: str
    title: str
    module: Module | None = None
    placement_kinds: tuple[str, ...] = ()
    state: str = ""
    why: str = ""
    skills: tuple[str, ...] = ()  # labels of the skills the candidate already has
    via: tuple[str, ...] = ()  # the bridge that opens it, or the modules that cover it


@dataclass(frozen=True)
class PathView:
    """A recommended career path with its steps and the training that closes the gap."""

    title: str
    description: str
    score: float
    steps: tuple[Step, ...]
    modules: tuple[Module, ...]
    total_weeks: float
    total_cost: float
    missing: tuple[str, ...]
    openings: int


@dataclass(frozen=True)
class PlacementView:
    """A fitting open placement: why it fits and what is still missing."""

    placement: Placement
    employer: str
    place: str
    score: float
    distance_km: float | None
    reasons: reasons.Reasons
    modules: tuple[Module, ...]


@dataclass(frozen=True)
class Overview:
    """Everything on the 'Mijn loopbaan' page."""

    candidate: Candidate
    status: str
    completeness: Completeness
    paths: tuple[PathView, ...]
    placements: tuple[PlacementView, ...]
    introductions: tuple
    advisor_email: str | None
    enrolments: tuple = ()  # (ModuleEnrolment, Module) pairs the advisor recorded
    matching_off: bool = False  # consent for matching withdrawn: no routes or places
    wants_news: bool = False  # chose the mail about new places and training
    appointments: dict = field(default_factory=dict)  # match id -> newest kennismaking


def candidate_of(db: Session, user_id: int) -> Candidate | None:
    """The candidate profile of an account."""
    return db.exec(select(Candidate).where(Candidate.user_id == user_id)).first()


def overview(db: Session, candidate: Candidate) -> Overview:
    """Build the candidate's route page (read only)."""
    catalogue = matchmaking.catalogue(db)
    profile = matchmaking.candidate_profile(db, candidate)
    modules = {m.slug: m for m in db.exec(select(Module))}
    enrolled = enrolments.statuses(db, candidate.id)
    matching_off = consents.matching_refused(db, candidate.id)
    ranked = [] if matching_off else matches.rank_for_candidate(
        db, candidate, limit=TOP_PLACEMENTS, profile=profile)
    targets = {p.key: p for p in matchmaking.open_index(db).index.placements}
    labels = dict(db.exec(select(Skill.slug, Skill.label)).all())
    advisor = db.get(User, candidate.advisor_id) if candidate.advisor_id else None
    shown = tuple(introductions.for_candidate(db, candidate.id))
    return Overview(
        candidate=candidate, status=str(pipeline.CANDIDATE_STATUSES.get(candidate.status, "")),
        completeness=completeness(as_draft(db, candidate)), matching_off=matching_off,
        wants_news=consents.current(db, candidate.id)["mail"],
        paths=() if matching_off else _paths(db, catalogue, profile, modules, enrolled, labels),
        placements=tuple(_placement_view(db, catalogue, profile, targets[r.placement_key], p, r,
                                         modules, labels, enrolled) for p, r in ranked),
        introductions=shown, advisor_email=advisor.email if advisor else None,
        appointments=appointments.latest_for(db, [m.id for item in shown
                                                  for m, _p in item.agreed]),
        enrolments=tuple(enrolments.for_candidate(db, candidate.id)))


def _label(catalogue, skill_id: str) -> str:
    concept = catalogue.skills.get(skill_id)
    return concept.label if concept else skill_id


def _paths(db, catalogue, profile, modules, enrolled, labels) -> tuple[PathView, ...]:
    recommendations = matching.recommend_paths(
        profile, catalogue.paths, routes.open_modules(catalogue, enrolled),
        knowledge=catalogue.knowledge,
        placements=matchmaking.open_index(db).index.placements, limit=TOP_PATHS)
    descriptions = dict(db.exec(select(CareerPath.slug, CareerPath.description)).all())
    views = []
    for r in recommendations:
        plan = routes.route(profile, r, catalogue, enrolled)
        views.append(PathView(
            title=r.path.title, description=descriptions.get(r.path.id, ""), score=r.score,
            steps=tuple(Step(s.kind, s.title, modules.get(s.module) if s.module else None,
                             s.placement_kinds, s.state, s.why,
                             tuple(labels.get(k, k) for k in s.skills), s.via)
                        for s in plan.steps),
            modules=tuple(modules[m.id] for m in plan.planned if m.id in modules),
            total_weeks=plan.total_weeks, total_cost=plan.total_cost,
            missing=tuple(_label(catalogue, s) for s in r.missing_skills),
            openings=len(r.open_placements)))
    return tuple(views)


def _placement_view(db, catalogue, profile, target, placement, result, modules, labels,
                    enrolled) -> PlacementView:
    employer = db.get(Employer, placement.employer_id)
    area = postcodes.area(placement.pc4)
    plan = matching.plan_for_placement(profile, target, routes.open_modules(catalogue, enrolled),
                                       knowledge=catalogue.knowledge)
    by_id = {m.id: m for m in catalogue.modules}
    return PlacementView(
        placement=placement, employer=employer.name if employer else "",
        place=area.place if area else placement.pc4, score=result.score,
        distance_km=result.explanation.distance_km,
        reasons=reasons.for_pair(profile, target, result, plan, labels=labels, modules=by_id),
        modules=tuple(modules[m.id] for m in plan.modules if m.id in modules))


def request_meeloopdag(db: Session, *, user: User, placement_id: int) -> bool:
    """Ask the advisor for a meeloopdag at a placement; False when it was asked before."""
    candidate = candidate_of(db, user.id)
    placement = db.get(Placement, placement_id)
    if candidate is None or placement is None or placement.status != "open":
        raise NotFound(_("Deze plek bestaat niet (meer)."))
    if not placement.meeloopdag:
        raise DomainError(_("Deze werkgever biedt geen meeloopdag aan."))
    asked = db.exec(select(AuditEvent.id).where(
        AuditEvent.action == "candidate.meeloopdag_requested", AuditEvent.actor_id == user.id,
        AuditEvent.subject_id == placement_id)).first()
    if asked:
        return False
    advisors = [db.get(User, candidate.advisor_id)] if candidate.advisor_id else list(
        db.exec(select(User).where(User.role == "advisor", col(User.active).is_(True))))
    for advisor in advisors:
        mail.queue(db, to=advisor.email, subject=_("Verzoek om een meeloopdag"),
                   body=_("Kandidaat %(number)s wil graag een meeloopdag bij de plek "
                          "'%(title)s'. Plan die met de werkgever en de kandidaat.",
                          number=candidate.number, title=placement.title))
    audit.record(db, actor_id=user.id, action="candidate.meeloopdag_requested",
                 subject_type="placement", subject_id=placement_id)
    db.commit()
    return True
