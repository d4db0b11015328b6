"""policy change summaries: what each published version changed, and the public change log

The server defaults only fill rows published before this revision.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 00:58:24.358787

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('policy_pages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('changes_html', sa.Text(), nullable=False, server_default=''))

    with op.batch_alter_table('policy_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('change_summary', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('change_size', sa.Integer(), nullable=False, server_default='0'))



def downgrade():
    with op.batch_alter_table('policy_versions', schema=None) as batch_op:
        batch_op.drop_column('change_size')
        batch_op.drop_column('change_summary')

    with op.batch_alter_table('policy_pages', schema=None) as batch_op:
        batch_op.drop_column('changes_html')

