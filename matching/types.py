"""Frozen dataclasses that go in and out of the matcher; `spt` maps its rows onto these."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

__all__ = [
    "INTENTS",
    "KINDS",
    "LEVELS",
    "LICENCE_IMPLIES",
    "NT2_LEVELS",
    "THEMES",
    "Assignment",
    "AssignedPair",
    "Bridge",
    "CandidateProfile",
    "CapacityUse",
    "CareerPath",
    "Explanation",
    "Factor",
    "MatchResult",
    "Module",
    "ModulePlan",
    "PathRecommendation",
    "PathStep",
    "PlacementProfile",
    "ScoredPair",
    "SkillMatch",
    "Unassigned",
    "Weights",
    "level_rank",
    "licences_held",
    "nt2_rank",
]

LEVELS = ("mbo-1", "mbo-2", "mbo-3", "mbo-4", "ad", "bachelor", "master")
NT2_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")
THEMES = ("bouw", "installatie", "energie", "mobiliteit", "ict")
KINDS = ("vacature", "wep", "bbl", "stage", "proefplaatsing")
#: What a candidate wants with their current or last work: leave it, stay in it, or grow in it.
INTENTS = ("switch", "stay", "grow")
#: Driving licence categories and the ones each includes (CBR): a CE holder may drive a C and a BE.
LICENCE_IMPLIES = {
    "AM": (),
    "A1": ("AM",),
    "A2": ("A1", "AM"),
    "A": ("A2", "A1", "AM"),
    "B": ("AM",),
    "BE": ("B", "AM"),
    "C1": ("B", "AM"),
    "C1E": ("C1", "BE", "B", "AM"),
    "C": ("C1", "B", "AM"),
    "CE": ("C", "C1", "C1E", "BE", "B", "AM"),
    "D1": ("B", "AM"),
    "D1E": ("D1", "BE", "B", "AM"),
    "D": ("D1", "B", "AM"),
    "DE": ("D", "D1", "D1E", "BE", "B", "AM"),
    "T": ("AM",),
}


def licences_held(categories: Iterable[str] | None) -> frozenset[str]:
    """The categories someone may drive with these licences (CE includes C, BE and B)."""
    held = {c.strip().upper() for c in categories or () if c and c.strip()}
    return frozenset(held.union(*(LICENCE_IMPLIES.get(c, ()) for c in held)))


def level_rank(level: str | None) -> int:
    """Position of a level on niveau 1 (mbo-1) .. 7 (master); 0 when unknown."""
    if not level:
        return 0
    key = level.strip().lower()
    return LEVELS.index(key) + 1 if key in LEVELS else 0


def nt2_rank(nt2: str | None) -> int:
    """Position of a CEFR level on A1 (1) .. C2 (6); 0 when unknown or not given."""
    if not nt2:
        return 0
    key = nt2.strip().upper()
    return NT2_LEVELS.index(key) + 1 if key in NT2_LEVELS else 0


def _set(values: Iterable[str] | None) -> frozenset[str]:
    """Freeze an iterable of strings (a single string counts as one value)."""
    if values is None:
        return frozenset()
    if isinstance(values, str):
        return frozenset((values,))
    return frozenset(values)


def _unique(values: Iterable[str] | None) -> tuple[str, ...]:
    """Deduplicate while keeping first-seen order."""
    if values is None:
        return ()
    if isinstance(values, str):
        return (values,)
    return tuple(dict.fromkeys(values))


# What CandidateProfile(skills=...) accepts before it normalises to sorted pairs.
SkillsInput = Mapping[str, int] | Iterable[str | tuple[str, int]] | None


def _skill_pairs(skills: SkillsInput) -> tuple[tuple[str, int], ...]:
    """Turn a mapping, pairs or bare ids into sorted (skill_id, self-rated level 1-3) pairs."""
    items: Iterable[tuple[str, int]]
    if isinstance(skills, Mapping):
        items = skills.items()
    else:
        items = ((s, 2) if isinstance(s, str) else (s[0], s[1]) for s in skills or ())
    best: dict[str, int] = {}
    for skill, lvl in items:
        best[skill] = max(best.get(skill, 0), min(3, max(1, int(lvl))))
    return tuple(sorted(best.items()))


@dataclass(frozen=True, slots=True)
class CandidateProfile:
    """What the matcher knows about a candidate; never gender, age or origin.

    `skills` accepts a mapping skill id -> self-rated level (1-3), pairs, or bare ids (level 2);
    it is stored as sorted pairs. `nt2=None` means no NT2 requirement applies (a native speaker).
    `licences` are driving licence categories ("B", "CE"); `driving_licence` alone means B.
    `intent` is one of :data:`INTENTS` or None (unknown). A wish marked `*_only` is a hard limit
    ("alleen BBL"); otherwise it is a preference.
    """

    key: str
    lat: float | None = None
    lon: float | None = None
    max_km: float | None = None
    hours_per_week: float | None = None
    available_from: date | None = None
    driving_licence: bool = False
    certificates: frozenset[str] = frozenset()
    nt2: str | None = None
    level: str | None = None
    skills: tuple[tuple[str, int], ...] = ()
    occupations: tuple[str, ...] = ()
    occupation_groups: tuple[str, ...] = ()
    themes: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    licences: frozenset[str] = frozenset()
    intent: str | None = None
    themes_only: bool = False
    kinds_only: bool = False
    hours_strict: bool = False

    def __post_init__(self) -> None:
        if self.intent is not None and self.intent not in INTENTS:
            raise ValueError(f"intent must be one of {INTENTS} or None, not {self.intent!r}")
        held = licences_held(_set(self.licences) | ({"B"} if self.driving_licence else set()))
        object.__setattr__(self, "licences", held)
        object.__setattr__(self, "driving_licence", "B" in held)
        object.__setattr__(self, "skills", _skill_pairs(self.skills))
        object.__setattr__(self, "certificates", _set(self.certificates))
        object.__setattr__(self, "themes", _set(self.themes))
        object.__setattr__(self, "kinds", _set(self.kinds))
        object.__setattr__(self, "occupations", _unique(self.occupations))
        object.__setattr__(self, "occupation_groups", _unique(self.occupation_groups))

    @property
    def skill_ids(self) -> frozenset[str]:
        """Declared skills and certificates together."""
        return frozenset(s for s, _ in self.skills) | self.certificates


@dataclass(frozen=True, slots=True)
class PlacementProfile:
    """A vacancy, WEP, BBL-leerbaan, stage or proefplaatsing as the matcher sees it."""

    key: str
    kind: str = "vacature"
    occupation: str | None = None
    isco_group: str | None = None
    lat: float | None = None
    lon: float | None = None
    hours_per_week: float | None = None
    start: date | None = None
    level: str | None = None
    min_nt2: str | None = None
    requires_driving_licence: bool = False
    requires_vca: bool = False
    theme: str | None = None
    seats: int = 1
    employer_key: str | None = None
    essential_skills: tuple[str, ...] = ()
    optional_skills: tuple[str, ...] = ()
    required_licences: frozenset[str] = frozenset()  # categories; requires_driving_licence is B

    def __post_init__(self) -> None:
        needed = {c.strip().upper() for c in _set(self.required_licences) if c.strip()}
        if self.requires_driving_licence:
            needed.add("B")
        object.__setattr__(self, "required_licences", frozenset(needed))
        object.__setattr__(self, "requires_driving_licence", bool(needed))
        # the two lists are scored independently, so a skill may sit in both
        object.__setattr__(self, "essential_skills", _unique(self.essential_skills))
        object.__setattr__(self, "optional_skills", _unique(self.optional_skills))


@dataclass(frozen=True, slots=True, kw_only=True)
class Weights:
    """Weights of the soft factors and the rules around them; named settings, not magic numbers.

    The score is the weighted mean of the factors, so only the ratios of the weights matter.
    They were settled on the train split of the advisor-graded career-switcher cases
    (tests/eval/real/rank_train.jsonl): what the candidate wants (theme, kind) and whether they
    can do it at their level weigh most; the skills they bring count, less on a learning place.
    """

    essential: float = 2.0
    optional: float = 2.0
    skills_used: float = 0.5
    occupation: float = 0.5
    level: float = 2.0
    distance: float = 0.7
    hours: float = 0.5
    theme: float = 3.0
    kind: float = 1.0
    bridge: float = 1.0
    # on a BBL, WEP, stage or proefplaatsing the essential skills are what the candidate will learn
    learning_essential_share: float = 0.25
    # someone who wants to leave their work is not scored on using its skills (transferable
    # skills still count through the requirements they meet)
    switch_skills_used_share: float = 0.0
    # ... and the distance from the old work weighs this many times the occupation weight
    switch_occupation_share: float = 4.0
    # credit of a declared skill by its self-rated level: basis, goed, expert
    self_level_credit: tuple[float, float, float] = (0.7, 0.9, 1.0)
    inferred_essential_credit: float = 0.5
    inferred_optional_credit: float = 0.25
    unknown: float = 0.5
    distance_scale_km: float = 25.0
    max_hours_gap: float = 12.0  # more hours apart than this excludes a pair
    strict_hours_gap: float = 4.0  # ... when the candidate wants exactly their hours
    hours_scale: float = 40.0
    level_step_penalty: float = 0.5
    overqualified_penalty: float = 0.1
    # someone who wants to grow aims one level up: each level below that costs this much
    no_growth_penalty: float = 0.6
    bridge_scale_weeks: float = 26.0  # a bridge this long leaves nothing of its factor
    # kinds where starting one level below the placement is normal (you learn on the job)
    learning_kinds: frozenset[str] = frozenset({"bbl", "stage", "wep", "proefplaatsing"})
    isco_proximity: tuple[float, float, float, float] = (1.0, 0.7, 0.4, 0.15)
    vca_ids: frozenset[str] = frozenset({"vca-basis", "vca-vol", "vca-vil", "vca"})

    def factor_weights(self, kind: str | None = None, intent: str | None = None
                       ) -> dict[str, float]:
        """Factor name -> weight for a placement of this kind and a candidate with this intent,
        in explanation order."""
        learning = kind in self.learning_kinds
        switch = intent == "switch"
        return {
            "essential": self.essential * (self.learning_essential_share if learning else 1.0),
            "optional": self.optional,
            "skills_used": self.skills_used * (self.switch_skills_used_share if switch else 1.0),
            "occupation": self.occupation * (self.switch_occupation_share if switch else 1.0),
            "level": self.level,
            "distance": self.distance,
            "hours": self.hours,
            "theme": self.theme,
            "kind": self.kind,
            "bridge": self.bridge,
        }


@dataclass(frozen=True, slots=True)
class Factor:
    """One soft factor of a score: value in [0, 1] and its weight."""

    name: str
    value: float
    weight: float


@dataclass(frozen=True, slots=True)
class SkillMatch:
    """A requirement met by a candidate skill (`source="declared"`) or a previous occupation."""

    requirement: str
    via: str
    source: str
    credit: float


@dataclass(frozen=True, slots=True)
class Bridge:
    """Modules that close a requirement before the start ("haalbaar met ..."): VCA, an NT2 step."""

    requirement: str  # "vca" | "nt2"
    modules: tuple[str, ...]
    weeks: float
    cost_eur: float


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a pair scored what it did; codes, not prose (templates phrase them).

    ``intent`` is the candidate's (the occupation factor then measures the distance from or the
    closeness to their last work); ``bridges`` are the requirements the pair is only eligible for
    after the named modules.
    """

    factors: tuple[Factor, ...] = ()
    matched: tuple[SkillMatch, ...] = ()
    missing_essential: tuple[str, ...] = ()
    missing_optional: tuple[str, ...] = ()
    exclusions: tuple[str, ...] = ()
    distance_km: float | None = None
    intent: str | None = None
    bridges: tuple[Bridge, ...] = ()


@dataclass(frozen=True, slots=True)
class MatchResult:
    """A scored candidate x placement pair; ineligible pairs score 0 and list their exclusions."""

    candidate_key: str
    placement_key: str
    score: float
    eligible: bool
    explanation: Explanation = field(default_factory=Explanation)


@dataclass(frozen=True, slots=True)
class ScoredPair:
    """A light pair (no explanation) as produced in bulk by `top_k_pairs`."""

    candidate_key: str
    placement_key: str
    score: float
    eligible: bool = True


@dataclass(frozen=True, slots=True)
class Module:
    """An LLO module: what it teaches, what it takes and what it yields."""

    id: str
    title: str = ""
    skills: frozenset[str] = frozenset()
    weeks: float = 0.0
    cost_eur: float = 0.0
    civil_value: str = "geen"
    credential: str = "geen"
    level: str | None = None
    min_nt2: str | None = None
    min_level: str | None = None
    nt2_to: str | None = None  # a language module: the NT2 level it brings a learner to

    def __post_init__(self) -> None:
        object.__setattr__(self, "skills", _set(self.skills))


@dataclass(frozen=True, slots=True)
class ModulePlan:
    """Modules chosen to close a skill gap, in the order to follow them.

    `skipped` holds (module id, reason code) for modules that would help but cannot be entered yet.
    """

    modules: tuple[Module, ...] = ()
    covered: tuple[str, ...] = ()
    uncovered: tuple[str, ...] = ()
    skipped: tuple[tuple[str, str], ...] = ()
    total_weeks: float = 0.0
    total_cost: float = 0.0


@dataclass(frozen=True, slots=True)
class PathStep:
    """One step of a career path: orientation, module, placement or job."""

    kind: str
    ref: str = ""
    title: str = ""
    placement_kinds: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CareerPath:
    """A loopbaanpad towards target occupations (ESCO URIs)."""

    id: str
    title: str = ""
    theme: str | None = None
    target_occupations: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    required_skills: tuple[str, ...] = ()
    steps: tuple[PathStep, ...] = ()


@dataclass(frozen=True, slots=True)
class PathRecommendation:
    """A career path scored for one candidate by how reachable it is."""

    path: CareerPath
    score: float
    fit_now: float
    missing_skills: tuple[str, ...]
    plan: ModulePlan
    open_placements: tuple[str, ...]
    factors: tuple[Factor, ...] = ()


@dataclass(frozen=True, slots=True)
class AssignedPair:
    """A pair chosen in a match round."""

    candidate_key: str
    placement_key: str
    score: float
    locked: bool = False


@dataclass(frozen=True, slots=True)
class Unassigned:
    """A candidate left out of a match round, with a reason code."""

    candidate_key: str
    reason: str


@dataclass(frozen=True, slots=True)
class CapacityUse:
    """How much of a placement's or an employer's capacity an assignment uses."""

    key: str
    used: int
    capacity: int | None


@dataclass(frozen=True, slots=True)
class MentorGain:
    """What one more candidate of mentor capacity at an employer would add to this round.

    `placed` is 1 when it lets one more candidate start, 0 when it only moves someone to a
    better-fitting place; `score` is the rise of the round's total score (exact, as a re-solve).
    """

    employer_key: str
    placed: int
    score: float


@dataclass(frozen=True, slots=True)
class Assignment:
    """Result of a match round: pairs, who was left out and why, capacity used.

    `mentor_gains` lists the capped employers where one more unit of mentor capacity raises the
    total score, best first (empty unless asked for).
    """

    pairs: tuple[AssignedPair, ...]
    unassigned: tuple[Unassigned, ...]
    placements: tuple[CapacityUse, ...]
    employers: tuple[CapacityUse, ...]
    total_score: float
    mentor_gains: tuple[MentorGain, ...] = ()
