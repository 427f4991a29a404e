"""kpi targets: an admin sets a target ('doel') per KPI chart, drawn as a line on the dashboard

Revision ID: 0012_kpi_targets
Revises: 0008_drafts
Create Date: 2026-12-02 19:40:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0012_kpi_targets'
down_revision = "0010_appointments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'kpitarget',
        sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('value', sa.Float(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], ),
        sa.PrimaryKeyConstraint('key'),
    )


def downgrade() -> None:
    op.drop_table('kpitarget')
