"""administration in the browser: forced password change, the portal's legal settings,
sections an operator adds to the policy page

Existing rows get the defaults a new portal would have: the CNIL's complaint page, the
Europe/Paris time zone; the built-in sections keep their place around the cookie tables.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 18:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('portal_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('controller_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('controller_address', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('dpo_email', sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column('privacy_policy_url', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('complaint_url', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), nullable=False, server_default='Europe/Paris'))
    op.execute("UPDATE portal_settings SET complaint_url = 'https://www.cnil.fr/fr/plaintes'")

    with op.batch_alter_table('policy_texts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title_unit_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('after_tables', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.create_foreign_key(batch_op.f('fk_policy_texts_title_unit_id_text_units'), 'text_units', ['title_unit_id'], ['id'])
    op.execute(
        "UPDATE policy_texts SET after_tables = false"
        " WHERE key IN ('title', 'introduction', 'what_is_a_cookie')"
    )


def downgrade():
    with op.batch_alter_table('policy_texts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_policy_texts_title_unit_id_text_units'), type_='foreignkey')
        batch_op.drop_column('after_tables')
        batch_op.drop_column('title_unit_id')

    with op.batch_alter_table('portal_settings', schema=None) as batch_op:
        batch_op.drop_column('time_zone')
        batch_op.drop_column('complaint_url')
        batch_op.drop_column('privacy_policy_url')
        batch_op.drop_column('dpo_email')
        batch_op.drop_column('controller_address')
        batch_op.drop_column('controller_name')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
