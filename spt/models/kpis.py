"""Targets for the KPI dashboard, set by an admin."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from ._base import created_at


class KpiTarget(SQLModel, table=True):
    """The target ('doel') of one KPI chart, in the chart's unit (a count or a percentage)."""

    key: str = Field(primary_key=True, max_length=40)
    value: float
    updated_by_id: int | None = Field(default=None, foreign_key="user.id")
    updated_at: datetime = created_at()
