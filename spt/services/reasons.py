"""Why a placement fits, from the score's own explanation: wishes met and not, skills, gaps that
modules close ("haalbaar met"), or plainly a stretch. Codes and names; templates phrase them."""

from dataclasses import dataclass

import matching


@dataclass(frozen=True)
class Wish:
    """One wish and whether this placement meets it: theme, kind, hours or distance."""

    code: str
    met: bool
    hard: bool  # said with "alleen dit"
    offered: str | float | None
    wanted: tuple | float | None


@dataclass(frozen=True)
class Closable:
    """A gap the catalogue closes before the start: its modules with weeks and cost."""

    requirement: str  # "vca", "nt2", or a skill label
    modules: tuple[str, ...]
    weeks: float
    cost_eur: float


@dataclass(frozen=True)
class Reasons:
    """Everything 'Waarom past dit?' may say about one pair, none of it canned."""

    wishes: tuple[Wish, ...]
    matched: tuple[str, ...]  # skill labels the candidate brings
    from_work: tuple[str, ...]  # ... of which known from a previous job
    essential_met: int
    essential_total: int
    missing: tuple[str, ...]  # required skills missing that no planned module teaches
    closable: tuple[Closable, ...]
    learning: bool  # a BBL, WEP, stage or proefplaatsing: the required skills are learned there
    intent: str | None
    work: str | None = None  # against the previous work, by the intent: away, like_old, close, far

    @property
    def met(self) -> tuple[Wish, ...]:
        """The wishes this placement meets."""
        return tuple(w for w in self.wishes if w.met)

    @property
    def unmet(self) -> tuple[Wish, ...]:
        """The wishes it does not meet (never claimed as met)."""
        return tuple(w for w in self.wishes if not w.met)

    @property
    def stretch(self) -> bool:
        """A long shot: neither the theme nor the kind wished for, or none of the required skills
        on a job to do at once (distance and hours are hard limits, so rarely the reason)."""
        chosen = [w for w in self.wishes if w.code in ("theme", "kind")]
        no_wish = bool(chosen) and not any(w.met for w in chosen)
        no_skill = self.essential_total > 0 and self.essential_met == 0 and not self.learning
        return no_wish or no_skill


def _wishes(me: matching.CandidateProfile, target: matching.PlacementProfile,
            distance_km: float | None) -> tuple[Wish, ...]:
    wishes = []
    if me.themes:
        wishes.append(Wish("theme", target.theme in me.themes, me.themes_only, target.theme,
                           tuple(sorted(me.themes))))
    if me.kinds:
        wishes.append(Wish("kind", target.kind in me.kinds, me.kinds_only, target.kind,
                           tuple(sorted(me.kinds))))
    if me.hours_per_week is not None and target.hours_per_week is not None:
        same = me.hours_per_week == target.hours_per_week  # 36 for 32 is said, not hidden
        wishes.append(Wish("hours", same, me.hours_strict, target.hours_per_week,
                           me.hours_per_week))
    if me.max_km is not None and distance_km is not None:
        wishes.append(Wish("distance", distance_km <= me.max_km, True, distance_km, me.max_km))
    return tuple(wishes)


def for_pair(me: matching.CandidateProfile, target: matching.PlacementProfile,
             result: matching.MatchResult, plan: matching.ModulePlan | None, *,
             labels: dict[str, str], modules: dict[str, matching.Module]) -> Reasons:
    """The reasons of one scored pair; `plan` closes its missing required skills (or None)."""
    ex = result.explanation
    label = lambda slug: labels.get(slug, slug)  # noqa: E731
    essential = set(target.essential_skills)
    closable = [Closable(b.requirement, tuple(modules[m].title if m in modules else m
                                              for m in b.modules), b.weeks, b.cost_eur)
                for b in ex.bridges]
    if plan is not None and plan.modules:
        closable.append(Closable(", ".join(label(s) for s in plan.covered),
                                 tuple(m.title for m in plan.modules), plan.total_weeks,
                                 plan.total_cost))
    return Reasons(
        wishes=_wishes(me, target, ex.distance_km),
        matched=tuple(dict.fromkeys(label(m.requirement) for m in ex.matched)),
        from_work=tuple(dict.fromkeys(label(m.requirement) for m in ex.matched
                                      if m.source == "occupation")),
        essential_met=sum(1 for m in ex.matched if m.requirement in essential),
        essential_total=len(essential),
        missing=tuple(label(s) for s in ex.missing_essential
                      if plan is None or s not in plan.covered),
        closable=tuple(closable),
        learning=target.kind in matching.DEFAULT_WEIGHTS.learning_kinds,
        intent=ex.intent, work=_work(me, ex))


def _work(me: matching.CandidateProfile, ex: matching.Explanation) -> str | None:
    """How the placement stands to the previous work, said only when both are known: the
    occupation factor is the distance from it for a switcher and the closeness otherwise."""
    value = next((f.value for f in ex.factors if f.name == "occupation"), None)
    if ex.intent is None or not me.occupations or value is None:
        return None
    if ex.intent == "switch":
        return "away" if value >= 0.6 else "like_old"
    return "close" if value >= 0.6 else "far" if value < 0.4 else None
