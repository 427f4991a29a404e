"""Matches, status history, consents and audit events."""

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from spt.vocabulary import MatchStatus, RoundStatus

from ._base import created_at, json_dict, moment


class Match(SQLModel, table=True):
    """A scored candidate x placement pair with its explanation and pipeline status."""

    __table_args__ = (UniqueConstraint("candidate_id", "placement_id"),)

    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True)
    placement_id: int = Field(foreign_key="placement.id", index=True)
    score: float = 0.0
    explanation: dict = json_dict()
    status: str = Field(default=MatchStatus.BEREKEND.value, max_length=30, index=True)
    # Optimistic locking: a change names the version it saw; services refuse stale ones (409).
    version: int = Field(default=1)
    proposed_by_id: int | None = Field(default=None, foreign_key="user.id")
    override_reason: str | None = None
    proposed_at: datetime | None = moment()
    employer_decision: str | None = Field(default=None, max_length=20)  # accepted | declined
    decline_reason: str | None = Field(default=None, max_length=40)
    decline_note: str = ""
    meeting_on: date | None = None  # kennismaking
    outcome: str | None = Field(default=None, max_length=30)
    contract_kind: str | None = Field(default=None, max_length=40)
    outcome_reason: str = ""
    # The candidate said no to this employer or withdrew consent: the employer reads
    # "de kandidaat heeft bedankt" and never sees who it was.
    candidate_declined_at: datetime | None = moment()
    created_at: datetime = created_at()
    updated_at: datetime | None = moment()



class MatchRound(SQLModel, table=True):
    """A capacity-aware match round: its choices, progress and proposed pairs."""

    id: int | None = Field(default=None, primary_key=True)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    params: dict = json_dict()
    status: str = Field(default=RoundStatus.WACHTEND.value, max_length=20)
    progress: int = 0  # percent
    step: str = Field(default="", max_length=20)  # laden | rangschikken | toewijzen | opslaan
    result: dict = json_dict()
    # The background job of the current attempt; attempts count the starts (retries included).
    job_id: str | None = Field(default=None, max_length=64)
    attempt: int = 0
    # Written every few seconds while it runs: a silent round belongs to a worker that died.
    heartbeat_at: datetime | None = moment()
    started_at: datetime | None = moment()
    created_at: datetime = created_at()
    finished_at: datetime | None = moment()


class StatusChange(SQLModel, table=True):
    """One pipeline transition of a candidate or match: who, when and why."""

    id: int | None = Field(default=None, primary_key=True)
    subject_type: str = Field(max_length=20, index=True)  # candidate | match
    subject_id: int = Field(index=True)
    from_status: str | None = Field(default=None, max_length=30)
    to_status: str = Field(max_length=30)
    reason: str = ""
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    at: datetime = created_at()


class Consent(SQLModel, table=True):
    """Consent per purpose, or per introduction to a named employer, with the privacy version."""

    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True)
    purpose: str = Field(max_length=40)
    employer_id: int | None = Field(default=None, foreign_key="employer.id", index=True)
    privacy_version: str = Field(max_length=20)
    granted: bool
    given_at: datetime = created_at()
    withdrawn_at: datetime | None = moment()


class AuditEvent(SQLModel, table=True):
    """An append-only record of who saw or changed what."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = created_at()
    actor_id: int | None = Field(default=None, index=True)
    action: str = Field(max_length=60, index=True)
    subject_type: str = Field(default="", max_length=30)
    subject_id: int | None = None
    detail: dict = json_dict()
