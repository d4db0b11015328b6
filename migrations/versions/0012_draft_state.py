"""draft state: a token changed with every change to the draft, and the index the inventory's
sort by name needs

Pages derived from the whole draft (the dashboard's unpublished changes, the publishing gate
and diff, the preview) are cached under the token; ``cookie_names.entry_id`` had no index, so
every entry's first name was found by a scan of the table.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-20 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'draft_state',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('revision', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_draft_state')),
    )
    with op.batch_alter_table('cookie_names', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_cookie_names_entry_id_position'), ['entry_id', 'position', 'id'],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table('cookie_names', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cookie_names_entry_id_position'))
    op.drop_table('draft_state')
