"""compressed pages: each published page's gzip form, stored beside its text

Visitors whose browser accepts gzip get these bytes, and ``flask policy export`` writes them
beside the plain files for a web server's ``gzip_static``. Existing versions are compressed
here, row by row, as a publication does (``models.policy.compress_page``; copied, so that
this migration keeps doing what it did whatever the code becomes).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-15 09:00:00

"""
import gzip

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

COMPRESSED = {'html': 'html_gzip', 'json': 'json_gzip', 'changes_html': 'changes_gzip'}


def compress_page(text):
    return gzip.compress(text.encode('utf-8'), compresslevel=9, mtime=0)


def upgrade():
    with op.batch_alter_table('policy_pages', schema=None) as batch_op:
        for column in COMPRESSED.values():
            batch_op.add_column(sa.Column(column, sa.LargeBinary(), nullable=True))

    pages = sa.table(
        'policy_pages',
        sa.column('version_id', sa.Integer()),
        sa.column('language', sa.String()),
        *(sa.column(text, sa.Text()) for text in COMPRESSED),
        *(sa.column(column, sa.LargeBinary()) for column in COMPRESSED.values()),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(pages.c.version_id, pages.c.language, *(pages.c[text] for text in COMPRESSED))
    ).all()
    for version_id, language, *texts in rows:
        connection.execute(
            pages.update()
            .where(pages.c.version_id == version_id, pages.c.language == language)
            .values(
                {
                    column: compress_page(text or '')
                    for column, text in zip(COMPRESSED.values(), texts, strict=True)
                }
            )
        )

    with op.batch_alter_table('policy_pages', schema=None) as batch_op:
        for column in COMPRESSED.values():
            batch_op.alter_column(column, existing_type=sa.LargeBinary(), nullable=False)


def downgrade():
    with op.batch_alter_table('policy_pages', schema=None) as batch_op:
        for column in reversed(COMPRESSED.values()):
            batch_op.drop_column(column)
