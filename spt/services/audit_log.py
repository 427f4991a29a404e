"""The audit log viewer's query: who saw or changed what, filtered and paged."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, func, select

from spt.models import AuditEvent, User
from spt.services.kpi_figures import Period

AUDIT_PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilters:
    """Filters of the audit log viewer; empty means 'all'."""

    actor: str = ""
    action: str = ""
    subject_type: str = ""
    subject_id: int | None = None
    first: date | None = None
    last: date | None = None


def search(db: Session, filters: AuditFilters, *, page: int = 1) -> tuple[list, bool]:
    """Audit events newest first with the actor's e-mail, one page; and whether more follow."""
    query = select(AuditEvent, User.email).join(User, User.id == AuditEvent.actor_id,
                                                isouter=True)
    if filters.actor.strip().isdigit():
        query = query.where(AuditEvent.actor_id == int(filters.actor.strip()))
    elif filters.actor.strip():
        query = query.where(func.lower(User.email).contains(filters.actor.strip().lower(),
                                                             autoescape=True))
    if filters.action.strip():
        query = query.where(col(AuditEvent.action).startswith(filters.action.strip(),
                                                                autoescape=True))
    if filters.subject_type.strip():
        query = query.where(AuditEvent.subject_type == filters.subject_type.strip())
    if filters.subject_id is not None:
        query = query.where(AuditEvent.subject_id == filters.subject_id)
    period = Period.of(filters.first, filters.last) if filters.first or filters.last else None
    if period and filters.first:
        query = query.where(AuditEvent.at >= period.start)
    if period and filters.last:
        query = query.where(AuditEvent.at < period.end)
    rows = list(db.exec(query.order_by(col(AuditEvent.id).desc())
                        .offset((page - 1) * AUDIT_PAGE_SIZE).limit(AUDIT_PAGE_SIZE + 1)))
    return rows[:AUDIT_PAGE_SIZE], len(rows) > AUDIT_PAGE_SIZE
