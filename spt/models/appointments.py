"""Kennismaking appointments and the inbox of candidates and employers."""

from datetime import datetime

from sqlalchemy import Column, DateTime
from sqlmodel import Field, SQLModel

from ._base import created_at, json_dict, moment


class Appointment(SQLModel, table=True):
    """A kennismaking on a date and time, at a place or by video, with a contact person.

    The calendar invite keeps its `uid`; every change raises `sequence`, so calendars replace
    the old invite instead of adding a second one.
    """

    id: int | None = Field(default=None, primary_key=True)
    match_id: int = Field(foreign_key="match.id", index=True)
    uid: str = Field(max_length=100, unique=True)
    sequence: int = 0
    starts_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    minutes: int = 60
    place: str = Field(default="", max_length=300)
    video_url: str = Field(default="", max_length=500)
    contact_name: str = Field(max_length=200)
    contact_phone: str = Field(default="", max_length=40)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    changed_by_id: int | None = Field(default=None, foreign_key="user.id")
    cancelled_at: datetime | None = moment()
    created_at: datetime = created_at()
    updated_at: datetime | None = moment()


class InboxItem(SQLModel, table=True):
    """One message in a candidate's or employer's inbox: what happened or what is asked.

    `detail` keeps the facts as they were when it happened (an old time after a reschedule).
    """

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    kind: str = Field(max_length=40)
    match_id: int | None = Field(default=None, foreign_key="match.id", index=True)
    detail: dict = json_dict()
    needs_action: bool = False
    done_at: datetime | None = moment()
    read_at: datetime | None = moment()
    created_at: datetime = created_at()
