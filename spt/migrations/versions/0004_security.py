"""security: login throttling per device, e-mail confirmation, mail retries, erasure mark,
append-only audit log enforced by the database

Revision ID: 0004_security
Revises: 0003_reliability
"""

import re

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0004_security'
down_revision = '0003_reliability'
branch_labels = None
depends_on = None

# Audit details that held free text (the words of notes and reasons): the event stays, the
# words go (issue 16). New events never store them.
FREE_TEXT_KEYS = ("note", "reason", "free_text")
RESET_LINK = re.compile(r"(/wachtwoord-herstellen/)[A-Za-z0-9._-]+")
MASKED = r"\1[verborgen]"

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION spt_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('spt.audit_bypass', true) = 'on' THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'TRUNCATE' AND current_setting('spt.audit_bypass', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only (%)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql
"""
PG_TRIGGERS = (
    "CREATE TRIGGER auditevent_append_only BEFORE UPDATE OR DELETE ON auditevent "
    "FOR EACH ROW EXECUTE FUNCTION spt_auditevent_append_only()",
    "CREATE TRIGGER auditevent_no_truncate BEFORE TRUNCATE ON auditevent "
    "FOR EACH STATEMENT EXECUTE FUNCTION spt_auditevent_append_only()",
)
# SQLite: spt_audit_bypass() is registered on every connection by spt.db (0 unless the
# retention purge or a forced restore opened the bypass on that connection).
SQLITE_TRIGGERS = (
    "CREATE TRIGGER auditevent_no_update BEFORE UPDATE ON auditevent "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only (UPDATE)'); END",
    "CREATE TRIGGER auditevent_no_delete BEFORE DELETE ON auditevent "
    "WHEN spt_audit_bypass() = 0 "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only (DELETE)'); END",
)


def upgrade() -> None:
    with op.batch_alter_table('user', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('trusted_failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('trusted_locked_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('email_confirmed', sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table('outboxmessage', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('failed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('secret_kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True))
        batch_op.add_column(sa.Column('secret_subject_id', sa.Integer(), nullable=True))
    with op.batch_alter_table('candidate', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_candidate_erased_at'), ['erased_at'], unique=False)
    _redact_existing_rows()
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(PG_FUNCTION)
        for statement in PG_TRIGGERS:
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def _redact_existing_rows() -> None:
    """Drop the words from old audit details and the live links from stored mails."""
    bind = op.get_bind()
    events = sa.table('auditevent', sa.column('id', sa.Integer), sa.column('detail', sa.JSON))
    for event_id, detail in bind.execute(sa.select(events.c.id, events.c.detail)).all():
        if isinstance(detail, dict) and any(key in detail for key in FREE_TEXT_KEYS):
            kept = {k: v for k, v in detail.items() if k not in FREE_TEXT_KEYS}
            bind.execute(events.update().where(events.c.id == event_id).values(detail=kept))
    mails = sa.table('outboxmessage', sa.column('id', sa.Integer), sa.column('body', sa.Text))
    for mail_id, body in bind.execute(sa.select(mails.c.id, mails.c.body)).all():
        if body and RESET_LINK.search(body):
            bind.execute(mails.update().where(mails.c.id == mail_id)
                         .values(body=RESET_LINK.sub(MASKED, body)))


def downgrade() -> None:
    # SQLite drops columns in place (3.35+): copying a table that others reference breaks their
    # foreign keys inside the migration's transaction
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS auditevent_no_truncate ON auditevent")
        op.execute("DROP TRIGGER IF EXISTS auditevent_append_only ON auditevent")
        op.execute("DROP FUNCTION IF EXISTS spt_auditevent_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS auditevent_no_delete")
        op.execute("DROP TRIGGER IF EXISTS auditevent_no_update")
    with op.batch_alter_table('candidate', schema=None, recreate='never') as batch_op:
        batch_op.drop_index(batch_op.f('ix_candidate_erased_at'))
        batch_op.drop_column('erased_at')
    with op.batch_alter_table('outboxmessage', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('secret_subject_id')
        batch_op.drop_column('secret_kind')
        batch_op.drop_column('failed_at')
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('attempts')
    with op.batch_alter_table('user', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('email_confirmed')
        batch_op.drop_column('trusted_locked_until')
        batch_op.drop_column('trusted_failed_logins')
