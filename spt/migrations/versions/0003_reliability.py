"""reliability: version columns for optimistic locking, match round job tracking

Revision ID: 0003_reliability
Revises: 0002
Create Date: 2026-12-01 22:30:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0003_reliability'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
    with op.batch_alter_table('placement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
    with op.batch_alter_table('matchround', schema=None) as batch_op:
        batch_op.add_column(sa.Column('step', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('job_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column('attempt', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('started_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('matchround', schema=None) as batch_op:
        batch_op.drop_column('started_at')
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_column('attempt')
        batch_op.drop_column('job_id')
        batch_op.drop_column('step')
    with op.batch_alter_table('placement', schema=None) as batch_op:
        batch_op.drop_column('version')
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.drop_column('version')
