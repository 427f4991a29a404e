"""SPT Match's matcher: pure Python (numpy, scipy, scikit-learn, rapidfuzz), no Flask, no database.

Inputs and outputs are frozen dataclasses; knobs are keyword-only; order is deterministic (score
descending, ties in input order); explanations are structured codes that templates phrase.
"""

from .assign import assign, greedy_assign
from .bridges import NO_BRIDGES, Bridges
from .gaps import missing_essential, plan_for_placement, plan_modules
from .geo import haversine_km
from .lexicon import Lexicon
from .paths import recommend_paths
from .rank import PlacementIndex, rank, rank_candidates, top_k_pairs
from .ranker import Ranker
from .reference import (
    ReferenceData,
    SkillKnowledge,
    load_cues,
    load_lexicon,
    load_ranker,
    load_reference,
    taxonomies,
)
from .requirements import Cues, Requirement, parse_requirement
from .scoring import DEFAULT_WEIGHTS, EXCLUSION_CODES, score_pair
from .taxonomy import Concept, Recognition, Suggestion, Taxonomy
from .types import (
    KINDS,
    LEVELS,
    NT2_LEVELS,
    THEMES,
    AssignedPair,
    Assignment,
    Bridge,
    CandidateProfile,
    CapacityUse,
    CareerPath,
    Explanation,
    Factor,
    MatchResult,
    MentorGain,
    Module,
    ModulePlan,
    PathRecommendation,
    PathStep,
    PlacementProfile,
    ScoredPair,
    SkillMatch,
    Unassigned,
    Weights,
)

__all__ = [
    "DEFAULT_WEIGHTS",
    "EXCLUSION_CODES",
    "KINDS",
    "LEVELS",
    "NO_BRIDGES",
    "NT2_LEVELS",
    "THEMES",
    "AssignedPair",
    "Assignment",
    "Bridge",
    "Bridges",
    "CandidateProfile",
    "CapacityUse",
    "MentorGain",
    "CareerPath",
    "Concept",
    "Cues",
    "Explanation",
    "Factor",
    "Lexicon",
    "MatchResult",
    "Module",
    "ModulePlan",
    "PathRecommendation",
    "PathStep",
    "PlacementIndex",
    "PlacementProfile",
    "Ranker",
    "Recognition",
    "Requirement",
    "ReferenceData",
    "ScoredPair",
    "SkillKnowledge",
    "SkillMatch",
    "Suggestion",
    "Taxonomy",
    "Unassigned",
    "Weights",
    "assign",
    "greedy_assign",
    "haversine_km",
    "load_cues",
    "load_lexicon",
    "load_ranker",
    "load_reference",
    "missing_essential",
    "parse_requirement",
    "plan_for_placement",
    "plan_modules",
    "rank",
    "rank_candidates",
    "recommend_paths",
    "score_pair",
    "taxonomies",
    "top_k_pairs",
]
