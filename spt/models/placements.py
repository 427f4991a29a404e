"""Placements that employers offer and the skills they ask for."""

from datetime import date, datetime

from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

from spt.vocabulary import Instrument, PlacementKind, PlacementStatus

from ._base import created_at, json_list, moment

PLACEMENT_KINDS = PlacementKind.values()
PLACEMENT_STATUSES = PlacementStatus.values()
INSTRUMENTS = Instrument.values()


class Placement(SQLModel, table=True):
    """Something a candidate can be matched to: vacature, WEP, BBL, stage or proefplaatsing."""

    id: int | None = Field(default=None, primary_key=True)
    employer_id: int = Field(foreign_key="employer.id", index=True)
    kind: str = Field(max_length=20, index=True)
    title: str = Field(max_length=200)
    occupation_id: int | None = Field(default=None, foreign_key="occupation.id")
    occupation_confidence: float | None = None
    occupation_mapped_by: str = Field(default="matcher", max_length=10)  # see MAPPED_BY
    description: str = ""  # "een dag uit het leven"
    level: str | None = Field(default=None, max_length=10)
    crebo: str | None = Field(default=None, max_length=5)
    theme: str | None = Field(default=None, max_length=20)
    pc4: str = Field(max_length=4, index=True)
    hours_per_week: int
    start_date: date | None = None
    duration_weeks: int | None = None
    seats: int = 1
    min_nt2: str | None = Field(default=None, max_length=2)
    requires_driving_licence: bool = False
    required_licences: list[str] = json_list()  # licence categories found in the requirements
    requires_vca: bool = False
    training_offered: bool = False
    instrument: str = Field(default=Instrument.GEEN.value, max_length=30)
    meeloopdag: bool = False
    status: str = Field(default=PlacementStatus.CONCEPT.value, max_length=20, index=True)
    # A one-time key from the "new placement" form: a double submit finds the first placement.
    idempotency_key: str | None = Field(default=None, max_length=64, unique=True)
    created_at: datetime = created_at()
    updated_at: datetime | None = moment()
    # Optimistic locking: every update checks and raises it (StaleDataError -> 409).
    version: int = Field(default=1)

    @declared_attr
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}


class PlacementSkill(SQLModel, table=True):
    """A skill a placement requires (essential) or would like (optional)."""

    placement_id: int = Field(foreign_key="placement.id", primary_key=True)
    skill_id: int = Field(foreign_key="skill.id", primary_key=True, index=True)
    relation: str = Field(max_length=10)  # essential | optional


REQUIREMENT_KINDS = ("skill", "certificate", "licence", "language", "education", "experience",
                     "other")


class PlacementRequirement(SQLModel, table=True):
    """One requirement line as the employer typed it, and what it was recognised as.

    Skill and certificate lines also become PlacementSkill links (what the matcher reads);
    licences and language levels feed the placement's hard limits; education and experience
    are shown, never counted as skills.
    """

    id: int | None = Field(default=None, primary_key=True)
    placement_id: int = Field(foreign_key="placement.id", index=True)
    position: int = 0
    relation: str = Field(default="essential", max_length=10)  # essential | optional
    text: str = Field(max_length=300)
    kind: str = Field(default="other", max_length=12)  # see REQUIREMENT_KINDS
    skill_id: int | None = Field(default=None, foreign_key="skill.id")
    value: str = Field(default="", max_length=100)  # licence category, language, level, field
    level: str | None = Field(default=None, max_length=2)  # a language's CEFR level
    years: int | None = None
    hard: bool | None = None
    confidence: float | None = None
    mapped_by: str = Field(default="matcher", max_length=10)

