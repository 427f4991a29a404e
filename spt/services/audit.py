"""The append-only audit log: events are added, never changed; only the retention purge removes."""

import re
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

from spt.models import AuditEvent

BYPASS_KEY = "spt_audit_retention_purge"
_TABLE = AuditEvent.__tablename__
_WRITE_SQL = re.compile(rf"^\s*(UPDATE\s+\"?{_TABLE}\"?\s|DELETE\s+FROM\s+\"?{_TABLE}\"?(\s|$))",
                        re.IGNORECASE)


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete an audit event."""


def record(db: Session, *, actor_id: int | None, action: str, subject_type: str = "",
           subject_id: int | None = None, detail: dict | None = None) -> AuditEvent:
    """Add an audit event to the caller's transaction (the caller commits)."""
    event_row = AuditEvent(actor_id=actor_id, action=action, subject_type=subject_type,
                           subject_id=subject_id, detail=detail or {})
    db.add(event_row)
    return event_row


@contextmanager
def retention_purge_bypass(db: Session):
    """Allow deleting expired audit events inside this block; only the retention purge uses it."""
    connection_info = db.connection().info  # kept: the connection closes at commit
    db.info[BYPASS_KEY] = connection_info[BYPASS_KEY] = True
    try:
        yield
    finally:
        db.info.pop(BYPASS_KEY, None)
        connection_info.pop(BYPASS_KEY, None)


def _refuse_changed_events(db, _flush_context, _instances) -> None:
    if db.info.get(BYPASS_KEY):
        return
    for row in (*db.dirty, *db.deleted):
        if isinstance(row, AuditEvent) and (row in db.deleted or db.is_modified(row)):
            raise AuditLogIsAppendOnly("Audit events cannot be changed or deleted.")


def _refuse_bulk_writes(state) -> None:
    if not (state.is_update or state.is_delete) or state.session.info.get(BYPASS_KEY):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) == _TABLE:
        raise AuditLogIsAppendOnly("Audit events cannot be changed or deleted.")


def _refuse_raw_writes(conn, _cursor, statement, _parameters, _context, _executemany) -> None:
    # The last line of defence: also plain SQL through the application's engines.
    if _WRITE_SQL.match(statement) and not conn.info.get(BYPASS_KEY):
        raise AuditLogIsAppendOnly("Audit events cannot be changed or deleted.")


def _install_guards() -> None:
    if not event.contains(OrmSession, "before_flush", _refuse_changed_events):
        event.listen(OrmSession, "before_flush", _refuse_changed_events)
        event.listen(OrmSession, "do_orm_execute", _refuse_bulk_writes)
        event.listen(Engine, "before_cursor_execute", _refuse_raw_writes)


_install_guards()
