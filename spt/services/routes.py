"""A career path's route for one candidate, true to the plan: every module planned, already
started or done, not needed (and why), or not yet open (and the bridge that opens it).

`matching.recommend_paths` ranks the paths; this module decides what the candidate is told
about each module on them. Started and completed enrolments are never planned again, and the
totals add up exactly the modules planned, language bridges included.
"""

from dataclasses import dataclass, replace

import matching
from matching.gaps import entry_problem
from matching.types import NT2_LEVELS, nt2_rank

TAKEN = ("gestart", "afgerond")  # enrolments that are never advised again


@dataclass(frozen=True)
class RouteStep:
    """One step as shown: `state` is planned, after_bridge, bridge, gestart, afgerond,
    not_needed or closed for a module ('' for a meeloopdag, placement or job)."""

    kind: str
    title: str
    module: str | None = None  # module id (slug)
    placement_kinds: tuple[str, ...] = ()
    state: str = ""
    why: str = ""  # not_needed: has_skills | covered; closed: nt2_below_minimum | ...
    skills: tuple[str, ...] = ()  # has_skills: the skills held
    via: tuple[str, ...] = ()  # after_bridge: the bridge modules; covered: the modules that do


@dataclass(frozen=True)
class Route:
    """The route of one path: its steps, the modules planned in order, and their totals."""

    steps: tuple[RouteStep, ...]
    planned: tuple[matching.Module, ...]
    total_weeks: float
    total_cost: float
    uncovered: tuple[str, ...]  # required skills no open module teaches


def open_modules(catalogue, enrolled: dict[str, str]) -> tuple[matching.Module, ...]:
    """The catalogue without the modules the candidate started or completed."""
    return tuple(m for m in catalogue.modules if enrolled.get(m.id) not in TAKEN)


def _bridge(profile, blocked: list[matching.Module], bridges: matching.Bridges):
    """The quickest language route that opens the blocked modules, and the level it reaches."""
    need = max((nt2_rank(m.min_nt2) for m in blocked), default=0)
    have = nt2_rank(profile.nt2)
    if profile.nt2 is None or need <= have:
        return None, profile
    route = bridges.for_nt2(have, need)
    return (route, replace(profile, nt2=NT2_LEVELS[need - 1])) if route else (None, profile)


def route(profile: matching.CandidateProfile, rec: matching.PathRecommendation,
          catalogue, enrolled: dict[str, str]) -> Route:
    """The route of a recommended path for this candidate; `enrolled` is slug -> status."""
    by_id = {m.id: m for m in catalogue.modules}
    taken = {slug for slug, status in enrolled.items() if status in TAKEN}
    usable = list(open_modules(catalogue, enrolled))
    learning = set().union(*(by_id[s].skills for s in taken if s in by_id))
    held = profile.skill_ids | (set(rec.path.required_skills) - set(rec.missing_skills))
    steps = [(s, by_id.get(s.ref)) for s in rec.path.steps]
    # what each path module is there for: the path's required skills it teaches, else the
    # certificate it gives when the candidate holds it (VCA), else all it teaches
    purpose = {m.id: (m.skills & set(rec.path.required_skills))
               or (m.skills & profile.certificates) or m.skills
               for _s, m in steps if m is not None}
    needed = [s for s in rec.missing_skills if s not in learning]
    needed += [s for m_id in purpose for s in sorted(purpose[m_id])
               if m_id not in taken and s not in held | learning and s not in needed]
    plan = matching.plan_modules(profile, needed, usable)
    blocked = [by_id[m] for m, code in plan.skipped if code == "nt2_below_minimum"
               and by_id[m].skills & set(plan.uncovered)]
    bridge, lifted = _bridge(profile, blocked, catalogue.bridges)
    if bridge is not None:
        bridged = set(bridge.modules)
        after = matching.plan_modules(lifted, plan.uncovered, [
            m for m in usable if m.id not in bridged and m not in plan.modules])
        planned = [*(by_id[m] for m in bridge.modules), *plan.modules, *after.modules]
        uncovered = after.uncovered
    else:
        planned, uncovered = list(plan.modules), plan.uncovered
    chosen = {m.id for m in planned}
    opens = tuple(by_id[m].title for m in bridge.modules) if bridge else ()
    out = [_step(s, m, profile, lifted, enrolled, chosen, opens, held, learning, purpose,
                 planned, bridge) for s, m in steps]
    listed = {s.ref for s, _m in steps}
    extra = [RouteStep("module", m.title, m.id, state="bridge" if bridge and m.id in
                       bridge.modules else "planned") for m in planned if m.id not in listed]
    return Route(steps=tuple(e for e in extra if e.state == "bridge") + tuple(out) + tuple(
        e for e in extra if e.state != "bridge"), planned=tuple(planned),
        total_weeks=float(sum(m.weeks for m in planned)),
        total_cost=float(sum(m.cost_eur for m in planned)), uncovered=tuple(uncovered))


def _step(step, module, profile, lifted, enrolled, chosen, opens, held, learning, purpose,
          planned, bridge) -> RouteStep:
    base = RouteStep(step.kind, step.title, step.ref or None, step.placement_kinds)
    if step.kind != "module" or module is None:
        return base
    if enrolled.get(module.id) in TAKEN:
        return replace(base, state=enrolled[module.id])
    if module.id in chosen:
        if bridge and module.id in bridge.modules:
            return replace(base, state="bridge")
        if entry_problem(profile, module):
            return replace(base, state="after_bridge", via=opens)
        return replace(base, state="planned")
    wanted = purpose[module.id] - held - learning
    if not wanted:
        return replace(base, state="not_needed", why="has_skills",
                       skills=tuple(sorted(purpose[module.id] & held)))
    covering = tuple(m.title for m in planned if m.skills & wanted)
    if covering and wanted <= set().union(*(m.skills for m in planned)):
        return replace(base, state="not_needed", why="covered", via=covering)
    # what still stands after the language bridge (if any) is the reason to give
    why = entry_problem(lifted, module) or entry_problem(profile, module) or "not_planned"
    return replace(base, state="closed", why=why)
