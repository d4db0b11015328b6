"""known cookies: the Open Cookie Database, imported to suggest what an entry could say

A table of its own, filled by `flask catalogue import`; nothing in the inventory refers to it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-14 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'known_cookies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('source_id', sa.String(length=64), nullable=False),
        sa.Column('platform', sa.String(length=200), nullable=False),
        sa.Column('category', sa.String(length=100), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('name_key', sa.String(length=255), nullable=False),
        sa.Column('domain', sa.String(length=500), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('retention', sa.String(length=500), nullable=False),
        sa.Column('data_controller', sa.String(length=200), nullable=False),
        sa.Column('privacy_url', sa.String(length=1000), nullable=False),
        sa.Column('wildcard', sa.Boolean(), nullable=False),
        sa.Column('duration_kind', sa.Enum('session', 'fixed', 'until_deleted', name='durationkind', native_enum=False, create_constraint=True, length=32), nullable=True),
        sa.Column('duration_value', sa.Integer(), nullable=True),
        sa.Column('duration_unit', sa.Enum('hours', 'days', 'weeks', 'months', 'years', name='durationunit', native_enum=False, create_constraint=True, length=32), nullable=True),
        sa.CheckConstraint("(duration_kind = 'fixed') = (duration_value IS NOT NULL AND duration_unit IS NOT NULL)", name=op.f('ck_known_cookies_duration_complete')),
        sa.CheckConstraint('duration_value IS NULL OR duration_value > 0', name=op.f('ck_known_cookies_duration_positive')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_known_cookies')),
        sa.UniqueConstraint('source_id', name=op.f('uq_known_cookies_source_id')),
    )
    with op.batch_alter_table('known_cookies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_known_cookies_name_key'), ['name_key'], unique=False)


def downgrade():
    with op.batch_alter_table('known_cookies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_known_cookies_name_key'))

    op.drop_table('known_cookies')
