"""intent: what a candidate wants with their work, and wishes said with "alleen"

Revision ID: 0006_intent
Revises: 0005_recognition
Create Date: 2026-12-02 16:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0006_intent'
down_revision = '0005_recognition'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # existing candidates said nothing yet: no intent, every wish soft. SQLite adds and drops
    # columns in place, since copying a table that others reference breaks their foreign keys
    with op.batch_alter_table('candidate', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('themes_only', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('kinds_only', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('hours_strict', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('intent', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('candidate', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('intent')
        batch_op.drop_column('hours_strict')
        batch_op.drop_column('kinds_only')
        batch_op.drop_column('themes_only')
