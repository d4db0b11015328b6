"""version notes per language: each published version's note in every language someone
wrote it in

The note a version had is kept as the note in the portal's source language (French where the
portal was never set up); the single-language column goes. Downgrading keeps the source
language's note.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 09:00:00

"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

DEFAULT_SOURCE_LANGUAGE = 'fr'


def _source_language(connection):
    language = connection.execute(
        sa.text('SELECT source_language FROM portal_settings ORDER BY id LIMIT 1')
    ).scalar()
    return language or DEFAULT_SOURCE_LANGUAGE


def upgrade():
    with op.batch_alter_table('policy_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notes', sa.JSON(), nullable=False, server_default='{}'))

    connection = op.get_bind()
    source = _source_language(connection)
    versions = connection.execute(sa.text('SELECT id, note FROM policy_versions')).all()
    for ident, note in versions:
        if note:
            connection.execute(
                sa.text('UPDATE policy_versions SET notes = :notes WHERE id = :id').bindparams(
                    sa.bindparam('notes', type_=sa.JSON)
                ),
                {'notes': {source: note}, 'id': ident},
            )

    with op.batch_alter_table('policy_versions', schema=None) as batch_op:
        batch_op.drop_column('note')


def downgrade():
    with op.batch_alter_table('policy_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=False, server_default=''))

    connection = op.get_bind()
    source = _source_language(connection)
    versions = connection.execute(sa.text('SELECT id, notes FROM policy_versions')).all()
    for ident, notes in versions:
        notes = json.loads(notes) if isinstance(notes, str) else (notes or {})
        note = notes.get(source) or next(iter(notes.values()), '')
        connection.execute(
            sa.text('UPDATE policy_versions SET note = :note WHERE id = :id'),
            {'note': note, 'id': ident},
        )

    with op.batch_alter_table('policy_versions', schema=None) as batch_op:
        batch_op.drop_column('notes')
