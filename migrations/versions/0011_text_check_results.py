"""text check results: each text's state and its checks' findings per language, kept

The translation queue filters, sorts, pages and counts on these rows in SQL instead of
checking every text of the inventory on every view. The table starts empty: rows are worked
out when a list first reads them (``checks.refresh_results``).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-20 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'text_check_results',
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=16), nullable=False),
        sa.Column('source_version_id', sa.Integer(), nullable=True),
        sa.Column('version_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('errors', sa.Integer(), nullable=False),
        sa.Column('warnings', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['unit_id'],
            ['text_units.id'],
            name=op.f('fk_text_check_results_unit_id_text_units'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('unit_id', 'language', name=op.f('pk_text_check_results')),
    )
    op.create_index(
        'ix_text_check_results_language_status',
        'text_check_results',
        ['language', 'status'],
        unique=False,
    )


def downgrade():
    op.drop_index('ix_text_check_results_language_status', table_name='text_check_results')
    op.drop_table('text_check_results')
