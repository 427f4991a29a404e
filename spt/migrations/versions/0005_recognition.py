"""recognition: hidden and English labels, curated occupations, synonyms, typed requirements

Revision ID: 0005_recognition
Revises: 0004_security
Create Date: 2026-12-01 22:06:37.196604
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0005_recognition'
down_revision = '0004_security'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # existing rows get defaults (every mapping so far was the matcher's); SQLite adds and drops
    # columns in place, since copying a table that others reference breaks their foreign keys
    op.create_table('recognitionsynonym',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('target', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('origin', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('confirmations', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'key', 'target')
    )
    with op.batch_alter_table('recognitionsynonym', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recognitionsynonym_key'), ['key'], unique=False)

    op.create_table('placementrequirement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('placement_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('relation', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=True),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('level', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    sa.Column('years', sa.Integer(), nullable=True),
    sa.Column('hard', sa.Boolean(), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.Column('mapped_by', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False, server_default=sa.text("'matcher'")),
    sa.ForeignKeyConstraint(['placement_id'], ['placement.id'], ),
    sa.ForeignKeyConstraint(['skill_id'], ['skill.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('placementrequirement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placementrequirement_placement_id'), ['placement_id'], unique=False)

    with op.batch_alter_table('candidateoccupation', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('confidence', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('mapped_by', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False, server_default=sa.text("'matcher'")))

    with op.batch_alter_table('candidateskill', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('confidence', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('mapped_by', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False, server_default=sa.text("'matcher'")))

    with op.batch_alter_table('occupation', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('hidden_labels', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column('english_labels', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False, server_default=sa.text("'esco'")))
        batch_op.add_column(sa.Column('level', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True))
        batch_op.add_column(sa.Column('maps_to', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))

    with op.batch_alter_table('module', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('nt2_to', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True))

    with op.batch_alter_table('placement', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('occupation_confidence', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('occupation_mapped_by', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False, server_default=sa.text("'matcher'")))
        batch_op.add_column(sa.Column('required_licences', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))

    # ### end Alembic commands ###


def downgrade() -> None:
    with op.batch_alter_table('module', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('nt2_to')

    # SQLite drops columns in place (3.35+): copying a table that others reference breaks
    # their foreign keys inside the migration's transaction
    with op.batch_alter_table('placement', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('required_licences')
        batch_op.drop_column('occupation_mapped_by')
        batch_op.drop_column('occupation_confidence')

    with op.batch_alter_table('occupation', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('maps_to')
        batch_op.drop_column('level')
        batch_op.drop_column('source')
        batch_op.drop_column('english_labels')
        batch_op.drop_column('hidden_labels')

    with op.batch_alter_table('candidateskill', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('mapped_by')
        batch_op.drop_column('confidence')

    with op.batch_alter_table('candidateoccupation', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('mapped_by')
        batch_op.drop_column('confidence')

    with op.batch_alter_table('placementrequirement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_placementrequirement_placement_id'))

    op.drop_table('placementrequirement')
    with op.batch_alter_table('recognitionsynonym', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recognitionsynonym_key'))

    op.drop_table('recognitionsynonym')
    # ### end Alembic commands ###
