"""Shared column helpers for the SQLModel tables."""

from datetime import UTC, datetime

from sqlalchemy import JSON, Column, DateTime
from sqlmodel import Field


def utcnow() -> datetime:
    """Return the current time in UTC (all *_at columns are UTC)."""
    return datetime.now(UTC)


def json_list():
    """A non-null JSON list column; assign a new list to change it, never mutate in place."""
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False))


def json_dict():
    """A non-null JSON object column."""
    return Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


def created_at():
    """A timezone-aware creation time column."""
    return Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))


def moment(index: bool = False):
    """An optional timezone-aware time column."""
    column = Column(DateTime(timezone=True), nullable=True, index=index)
    return Field(default=None, sa_column=column)
