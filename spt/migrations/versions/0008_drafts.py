"""drafts: a visitor's intake kept against the step-1 address, resumed by a mailed link;
matches remember that the candidate said no to the employer (candidate_declined_at);
candidates remember what the mail about new places told them (news_sent_at, news_placement_ids)

Revision ID: 0008_drafts
Revises: 0006_intent
Create Date: 2026-12-02 16:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0008_drafts'
down_revision = "0006_intent"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # existing drafts have no known address yet; SQLite adds columns in place (as in 0005)
    with op.batch_alter_table('intakedraft', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False, server_default=sa.text("''")))
        batch_op.add_column(sa.Column('resume_nonce', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False, server_default=sa.text("''")))
        batch_op.create_index(batch_op.f('ix_intakedraft_email'), ['email'], unique=False)

    with op.batch_alter_table('candidate', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('news_sent_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('news_placement_ids', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))

    with op.batch_alter_table('match', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('candidate_declined_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('match', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('candidate_declined_at')

    with op.batch_alter_table('candidate', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('news_placement_ids')
        batch_op.drop_column('news_sent_at')

    with op.batch_alter_table('intakedraft', schema=None, recreate='never') as batch_op:
        batch_op.drop_index(batch_op.f('ix_intakedraft_email'))
        batch_op.drop_column('resume_nonce')
        batch_op.drop_column('email')
