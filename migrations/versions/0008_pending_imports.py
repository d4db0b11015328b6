"""pending imports: an uploaded inventory file kept between its preview and its confirmation

The confirmation names the file by a random token (only its hash is stored) and must come
from the person who uploaded it; a file is kept an hour at most.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 22:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'pending_imports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'],
            ['users.id'],
            name=op.f('fk_pending_imports_user_id_users'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_imports')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_pending_imports_token_hash')),
    )
    with op.batch_alter_table('pending_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_imports_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('pending_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_imports_user_id'))

    op.drop_table('pending_imports')
