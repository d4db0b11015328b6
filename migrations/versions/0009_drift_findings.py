"""drift findings: the latest drift report, kept for the dashboard

A drift report compares the cookies a browser was seen to store (a HAR or cookies.txt file, or
the scanner) with the inventory. Only the latest report is kept: a new one replaces it.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-14 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'drift_checks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('checked_by_id', sa.Integer(), nullable=True),
        sa.Column('source', sa.String(length=255), nullable=False),
        sa.Column('portal_host', sa.String(length=253), nullable=False),
        sa.Column('observation_count', sa.Integer(), nullable=False),
        sa.Column('cookie_count', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['checked_by_id'],
            ['users.id'],
            name=op.f('fk_drift_checks_checked_by_id_users'),
            ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_drift_checks')),
    )
    op.create_table(
        'drift_findings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('check_id', sa.Integer(), nullable=False),
        sa.Column(
            'kind',
            sa.Enum(
                'undeclared',
                'never_observed',
                'longer_lifetime',
                name='driftkind',
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('domain', sa.String(length=253), nullable=False),
        sa.Column(
            'storage_kind',
            sa.Enum(
                'http_cookie',
                'local_storage',
                'session_storage',
                'indexed_db',
                'pixel',
                name='storagekind',
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            'party',
            sa.Enum(
                'first',
                'third',
                name='party',
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column('page', sa.Text(), nullable=False),
        sa.Column('seen_in', sa.String(length=32), nullable=True),
        sa.Column('header', sa.Text(), nullable=True),
        sa.Column('lifetime_seconds', sa.BigInteger(), nullable=True),
        sa.Column('seen_count', sa.Integer(), nullable=False),
        sa.Column('entry_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ['check_id'],
            ['drift_checks.id'],
            name=op.f('fk_drift_findings_check_id_drift_checks'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['entry_id'],
            ['cookie_entries.id'],
            name=op.f('fk_drift_findings_entry_id_cookie_entries'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_drift_findings')),
    )
    with op.batch_alter_table('drift_findings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drift_findings_check_id'), ['check_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_drift_findings_entry_id'), ['entry_id'], unique=False)


def downgrade():
    with op.batch_alter_table('drift_findings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drift_findings_entry_id'))
        batch_op.drop_index(batch_op.f('ix_drift_findings_check_id'))

    op.drop_table('drift_findings')
    op.drop_table('drift_checks')
