"""The append-only audit log."""

from sqlmodel import Session

from spt.models import AuditEvent


def record(db: Session, *, actor_id: int | None, action: str, subject_type: str = "",
           subject_id: int | None = None, detail: dict | None = None) -> AuditEvent:
    """Add an audit event to the caller's transaction (the caller commits)."""
    event = AuditEvent(actor_id=actor_id, action=action, subject_type=subject_type,
                       subject_id=subject_id, detail=detail or {})
    db.add(event)
    return event
