"""The append-only audit log: events are added, never changed; only the retention purge removes.

The database enforces it (triggers from migration 0004_security): an UPDATE is always refused, a
DELETE or TRUNCATE only passes inside `database_bypass`, which the retention purge and a forced
restore open on their own connection. The ORM guards below only make the mistake visible sooner.
Events record what happened, never the words of a note or reason: those stay in the rows that
erasure clears.
"""

from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

from spt.models import AuditEvent

BYPASS_KEY = "spt_audit_retention_purge"
SQLITE_STATE = "spt_audit_bypass"  # on the pooled connection's info, read by spt_audit_bypass()
_TABLE = AuditEvent.__tablename__


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete an audit event."""


def record(db: Session, *, actor_id: int | None, action: str, subject_type: str = "",
           subject_id: int | None = None, detail: dict | None = None) -> AuditEvent:
    """Add an audit event to the caller's transaction (the caller commits)."""
    event_row = AuditEvent(actor_id=actor_id, action=action, subject_type=subject_type,
                           subject_id=subject_id, detail=detail or {})
    db.add(event_row)
    return event_row


_PG_BYPASS = "SELECT set_config('spt.audit_bypass', %s, true)"  # ends with the transaction


@contextmanager
def database_bypass(connection: Connection):
    """Let this connection delete audit events until the block (or its transaction) ends."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(_PG_BYPASS, ("on",))
        try:
            yield
        finally:
            if not connection.closed and connection.in_transaction():
                connection.exec_driver_sql(_PG_BYPASS, ("off",))
        return
    state = connection.connection.info.setdefault(SQLITE_STATE, [False])
    state[0] = True
    try:
        yield
    finally:
        state[0] = False


@contextmanager
def retention_purge_bypass(db: Session):
    """Allow deleting expired audit events inside this block; commit after the block."""
    db.info[BYPASS_KEY] = True
    try:
        with database_bypass(db.connection()):
            yield
    finally:
        db.info.pop(BYPASS_KEY, None)


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


def _install_guards() -> None:
    if not event.contains(OrmSession, "before_flush", _refuse_changed_events):
        event.listen(OrmSession, "before_flush", _refuse_changed_events)
        event.listen(OrmSession, "do_orm_execute", _refuse_bulk_writes)


_install_guards()
