"""check dismissals: a person's reason why a check's warning does not apply

A dismissal holds while its fingerprint (a hash of what the check read) matches; it goes
with the text unit or cookie entry it is about.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 00:37:36.891751

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('check_dismissals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('check', sa.String(length=64), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=16), nullable=True),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('dismissed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('unit_id IS NOT NULL OR entry_id IS NOT NULL', name=op.f('ck_check_dismissals_dismissal_subject')),
    sa.ForeignKeyConstraint(['dismissed_by_id'], ['users.id'], name=op.f('fk_check_dismissals_dismissed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['entry_id'], ['cookie_entries.id'], name=op.f('fk_check_dismissals_entry_id_cookie_entries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['text_units.id'], name=op.f('fk_check_dismissals_unit_id_text_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_dismissals'))
    )
    with op.batch_alter_table('check_dismissals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_check_dismissals_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_check_dismissals_unit_id'), ['unit_id'], unique=False)


def downgrade():
    with op.batch_alter_table('check_dismissals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_check_dismissals_unit_id'))
        batch_op.drop_index(batch_op.f('ix_check_dismissals_entry_id'))

    op.drop_table('check_dismissals')
