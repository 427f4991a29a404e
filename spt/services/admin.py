"""Read services for the admin pages."""

from sqlmodel import Session, func, select

from spt.models import (
    Candidate,
    Employer,
    Module,
    Occupation,
    OutboxMessage,
    Placement,
    Skill,
    User,
)


def counts(db: Session) -> dict[str, int]:
    """How many rows the main tables hold."""
    tables = {"users": User, "employers": Employer, "candidates": Candidate,
              "placements": Placement, "occupations": Occupation, "skills": Skill,
              "modules": Module}
    return {name: db.exec(select(func.count()).select_from(model)).one()
            for name, model in tables.items()}


def outbox(db: Session, *, limit: int = 200) -> list[OutboxMessage]:
    """The most recent outbound messages, newest first."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    return list(db.exec(query))
