"""The SQLModel tables of SPT Match."""

from sqlmodel import SQLModel

from .accounts import ROLES, Employer, OutboxMessage, User
from .appointments import Appointment, InboxItem
from .candidates import (
    LEVELS,
    MAPPED_BY,
    NT2_LEVELS,
    THEMES,
    Candidate,
    CandidateOccupation,
    CandidateSkill,
    IntakeDraft,
    ModuleEnrolment,
)
from .kpis import KpiTarget
from .matches import AuditEvent, Consent, Match, MatchRound, StatusChange
from .placements import (
    INSTRUMENTS,
    PLACEMENT_KINDS,
    PLACEMENT_STATUSES,
    REQUIREMENT_KINDS,
    Placement,
    PlacementRequirement,
    PlacementSkill,
)
from .reference import (
    CareerPath,
    CareerPathStep,
    CatalogueVersion,
    Module,
    ModuleSkill,
    Occupation,
    RecognitionSynonym,
    Skill,
    SkillOccupation,
)

metadata = SQLModel.metadata

__all__ = [
    "Appointment",
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
    "InboxItem",
    "IntakeDraft",
    "KpiTarget",
    "LEVELS",
    "MAPPED_BY",
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
    "PlacementRequirement",
    "PlacementSkill",
    "REQUIREMENT_KINDS",
    "RecognitionSynonym",
    "ROLES",
    "Skill",
    "SkillOccupation",
    "StatusChange",
    "THEMES",
    "User",
    "metadata",
]
