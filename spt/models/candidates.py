"""Candidates, their skills and previous occupations."""

from datetime import date, datetime

from sqlalchemy import Index, text
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

from spt.vocabulary import (
    CandidateStatus,
    EducationLevel,
    EnrolmentStatus,
    MappedBy,
    Nt2Level,
    Theme,
)

from ._base import created_at, json_dict, json_list, moment, utcnow

LEVELS = EducationLevel.values()
NT2_LEVELS = Nt2Level.values()
THEMES = Theme.values()
OPEN_ENROLMENT = f"status != '{EnrolmentStatus.GESTOPT}'"
# Who decided what a typed text means: the recogniser, the person who typed it (a "Bedoel je"
# choice) or an advisor's correction.
MAPPED_BY = MappedBy.values()


class Candidate(SQLModel, table=True):
    """A person who wants technical work or training (zij-instromer, werkzoekende, werkende)."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(default=None, foreign_key="user.id", unique=True, index=True)
    first_name: str = Field(default="", max_length=100)
    last_name: str = Field(default="", max_length=100)
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=40)
    postcode: str = Field(default="", max_length=7)
    pc4: str | None = Field(default=None, max_length=4, index=True)
    birth_year: int | None = None
    heard_via: str = Field(default="", max_length=100)
    # Monitoring only (KPIs in aggregate); never an input to the matcher.
    gender: str | None = Field(default=None, max_length=10)
    nt2_speaker: bool | None = None
    nt2_level: str | None = Field(default=None, max_length=2)
    level: str | None = Field(default=None, max_length=10)
    education_field: str = Field(default="", max_length=200)
    foreign_diploma: str | None = Field(default=None, max_length=20)
    certificates: list[str] = json_list()  # skill slugs of kind certificaat
    driving_licences: list[str] = json_list()  # B, BE, C, CE ...
    themes: list[str] = json_list()
    kinds: list[str] = json_list()
    # "alleen dit": a wish the candidate made a hard limit (matching.CandidateProfile *_only)
    themes_only: bool = Field(default=False)
    kinds_only: bool = Field(default=False)
    hours_strict: bool = Field(default=False)
    # what they want with their current or last work: matching.INTENTS, or None (not answered)
    intent: str | None = Field(default=None, max_length=10)
    hours_per_week: int | None = None
    available_from: date | None = None
    max_km: int | None = None
    status: str = Field(default=CandidateStatus.AANGEMELD.value, max_length=30, index=True)
    advisor_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    advisor_notes: str = ""
    intake_completed_at: datetime | None = moment()
    last_contact_at: datetime | None = moment()
    created_at: datetime = created_at()
    updated_at: datetime | None = moment()
    # When the "your data will be removed" reminder went out for the current inactive period.
    retention_reminder_at: datetime | None = moment()
    # The mail about new places and training (consent "mail"): when it last went, and which
    # places it has named, so the next one tells only what is new.
    news_sent_at: datetime | None = moment()
    news_placement_ids: list[int] = json_list()
    # Erased on request or after the retention period: an anonymous row kept for the KPIs only.
    erased_at: datetime | None = moment(index=True)
    # Optimistic locking: every update checks and raises it (StaleDataError -> 409).
    version: int = Field(default=1)

    @declared_attr
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}

    @property
    def number(self) -> str:
        """The pseudonym shown to employers before consent."""
        return f"K-{self.id:06d}"


class IntakeDraft(SQLModel, table=True):
    """An unfinished intake, per account or per anonymous browser session (random token).

    A visitor's draft also keeps the address from step 1: a mailed link, or logging in with
    that address, brings it back in another browser.
    """

    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(max_length=64, unique=True, index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id", unique=True)
    email: str = Field(default="", max_length=254, index=True)  # lower case; "" before step 1
    # Part of the mailed "ga verder" link; replaced when the link is used or the address changes.
    resume_nonce: str = Field(default="", max_length=32)
    data: dict = json_dict()
    step: int = 1  # the furthest step reached
    updated_at: datetime = Field(default_factory=utcnow)


class CandidateSkill(SQLModel, table=True):
    """A skill a candidate declared; free text that matched nothing is kept and flagged."""

    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True)
    skill_id: int | None = Field(default=None, foreign_key="skill.id", index=True)
    free_text: str = Field(default="", max_length=200)
    self_level: int = 2  # 1 basis, 2 goed, 3 expert
    needs_review: bool = False
    confidence: float | None = None  # how sure the recognition was
    mapped_by: str = Field(default="matcher", max_length=10)  # see MAPPED_BY


class CandidateOccupation(SQLModel, table=True):
    """A previous job of a candidate, normalised to an ESCO occupation where possible."""

    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True)
    occupation_id: int | None = Field(default=None, foreign_key="occupation.id")
    free_text: str = Field(default="", max_length=200)
    years: int = 0
    confidence: float | None = None
    mapped_by: str = Field(default="matcher", max_length=10)


class ModuleEnrolment(SQLModel, table=True):
    """One attempt at an LLO module, recorded by an advisor; a restart is a new row."""

    # At most one running or completed attempt per module; stopped attempts stay as history.
    __table_args__ = (Index("ux_moduleenrolment_open", "candidate_id", "module_id", unique=True,
                            sqlite_where=text(OPEN_ENROLMENT),
                            postgresql_where=text(OPEN_ENROLMENT)),)

    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True)
    module_id: int = Field(foreign_key="module.id", index=True)
    status: str = Field(default=EnrolmentStatus.GESTART.value, max_length=10)
    started_on: date
    ended_on: date | None = None  # the day it was completed or stopped
    reason: str = Field(default="", max_length=500)  # why it was stopped
    # The module's civiele waarde when completed, so later catalogue edits leave the KPIs alone.
    civil_value: str | None = Field(default=None, max_length=40)
    created_at: datetime = created_at()
    updated_at: datetime | None = moment()
