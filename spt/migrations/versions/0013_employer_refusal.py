"""employer refusal: an advisor can refuse an employer with a reason the employer is told

Revision ID: 0013_employer_refusal
Revises: 0012_kpi_targets
Create Date: 2026-12-02 21:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0013_employer_refusal'
down_revision = '0012_kpi_targets'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # in place on SQLite: copying a table that others reference breaks their foreign keys
    with op.batch_alter_table('employer', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('refused_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('refusal_reason', sqlmodel.sql.sqltypes.AutoString(length=500),
                                      nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('employer', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('refusal_reason')
        batch_op.drop_column('refused_at')
