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
)
from .matches import AuditEvent, Consent, Match, StatusChange
from .placements import INSTRUMENTS, PLACEMENT_KINDS, PLACEMENT_STATUSES, Placement, PlacementSkill
from .reference import (
    CareerPath,
    CareerPathStep,
    Module,
    ModuleSkill,
    Occupation,
    Skill,
    SkillOccupation,
)

metadata = SQLModel.metadata

__all__ = [
    "INSTRUMENTS", "LEVELS", "NT2_LEVELS", "PLACEMENT_KINDS", "PLACEMENT_STATUSES", "ROLES",
    "THEMES", "AuditEvent", "Candidate", "CandidateOccupation", "CandidateSkill", "CareerPath",
    "CareerPathStep", "Consent", "Employer", "Match", "Module", "ModuleSkill", "Occupation",
    "OutboxMessage", "Placement", "PlacementSkill", "Skill", "SkillOccupation", "StatusChange",
    "User", "metadata",
]
