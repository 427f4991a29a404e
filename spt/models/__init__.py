"""The SQLModel tables of SPT Match."""

from sqlmodel import SQLModel

from .accounts import ROLES, Employer, OutboxMessage, User
from .candidates import (
    LEVELS,
    NT2_LEVELS,
    THEMES,
    Candidate,
    CandidateOccupation,
    CandidateSkill,
    IntakeDraft,
    ModuleEnrolment,
)
from .matches import AuditEvent, Consent, Match, MatchRound, StatusChange
from .placements import INSTRUMENTS, PLACEMENT_KINDS, PLACEMENT_STATUSES, Placement, PlacementSkill
from .reference import (
    CareerPath,
    CareerPathStep,
    CatalogueVersion,
    Module,
    ModuleSkill,
    Occupation,
    Skill,
    SkillOccupation,
)

metadata = SQLModel.metadata

__all__ = [
    "AuditEvent",
    "Candidate",
    "CandidateOccupation",
    "CandidateSkill",
    "CareerPath",
    "CareerPathStep",
    "CatalogueVersion",
    "Consent",
    "Employer",
    "INSTRUMENTS",
    "IntakeDraft",
    "LEVELS",
    "Match",
    "MatchRound",
    "Module",
    "ModuleEnrolment",
    "ModuleSkill",
    "NT2_LEVELS",
    "Occupation",
    "OutboxMessage",
    "PLACEMENT_KINDS",
    "PLACEMENT_STATUSES",
    "Placement",
    "PlacementSkill",
    "ROLES",
    "Skill",
    "SkillOccupation",
    "StatusChange",
    "THEMES",
    "User",
    "metadata",
]
