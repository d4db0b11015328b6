"""What the public addresses serve of a published version, and the health check.

A version another one replaced says so: above its content, "This version was replaced on
DATE by version M" and a link to the current policy; in its JSON, ``"superseded_by": M``.
That notice is put around the bytes stored at publication when they are served, not stored
with the next version, because:

- the stored bytes of a version stay exactly as published, as the record of what visitors
  read, and the notice applies to every version already published, with no migration;
- it depends only on facts fixed once the next version exists (its number, date and time
  zone), so the served bytes of a replaced version never change afterwards either: they are
  cached per process like the stored ones, under their own strong ETag;
- the notice is rendered by the code of today, like any page of the interface, instead of
  re-rendering an old version's page with templates that may have changed since.

``flask policy export`` writes the same bytes with the same functions
(``publishing.services.mark_superseded_page`` and ``mark_superseded_json``).
"""

from dataclasses import dataclass
from functools import cache, lru_cache

import sqlalchemy as sa
from alembic.script import ScriptDirectory

from ..config import MIGRATIONS_PATH
from ..extensions import DATABASE_UNAVAILABLE, db
from ..models import compress_page
from ..published import (
    CACHE_SIZE,
    PageKind,
    PublishedVersion,
    StoredPage,
    published_page,
    published_portal,
)
from ..publishing import services as publishing


def served_page(
    version: PublishedVersion, successor: PublishedVersion | None, language: str, kind: PageKind
) -> StoredPage | None:
    """What an address serves of ``version`` in ``language``: the bytes stored at its
    publication, with the notice of its ``successor`` (the version that replaced it) if any,
    and their gzip form. None when the version has no such page."""
    if successor is None:
        return published_page(version, language, kind)
    if published_page(version, language, kind) is None:
        return None
    return _superseded_page(version, successor, language, kind)


@lru_cache(maxsize=CACHE_SIZE)
def _superseded_page(
    version: PublishedVersion, successor: PublishedVersion, language: str, kind: PageKind
) -> StoredPage:
    stored = published_page(version, language, kind).body.decode("utf-8")
    if kind is PageKind.JSON:
        text = publishing.mark_superseded_json(stored, successor=successor.number)
    else:
        text = publishing.mark_superseded_page(
            stored,
            language,
            successor=successor.number,
            replaced_at=successor.published_at,
            portal=published_portal(successor),
        )
    # Compressed once per process, like the notice itself.
    return StoredPage(text.encode("utf-8"), compress_page(text))


@dataclass(frozen=True)
class Health:
    """What ``/healthz`` tells a load balancer: whether the database answers (``"ok"`` or
    ``"unreachable"``) and, when it does, whether its schema is the one this code needs:
    ``"ok"`` at the head of ``migrations/``, ``"missing"`` (never migrated), ``"behind"`` (an
    older revision: ``flask db upgrade`` was not run) or ``"unknown"`` (a revision this code
    does not have, from a newer release or another branch)."""

    database: str
    schema: str | None = None

    @property
    def ok(self) -> bool:
        return self.schema == "ok"

    def report(self) -> dict[str, str]:
        report = {"status": "ok" if self.ok else "error", "database": self.database}
        return report | ({"schema": self.schema} if self.schema else {})


def check_health() -> Health:
    """Whether this instance can serve every address: a database that answers is not enough,
    one that is empty or behind the code would fail on the first page that needs a new table
    or column."""
    try:
        # A connection of its own, not the request's session: a failure here leaves nothing
        # behind for the next request of this thread.
        with db.engine.connect() as connection:
            stamped = _stamped_revisions(connection)
    except DATABASE_UNAVAILABLE:
        return Health(database="unreachable")
    heads, known = _migration_revisions()
    if stamped == heads:
        schema = "ok"
    elif not stamped:
        schema = "missing"
    elif stamped <= known:
        schema = "behind"
    else:
        schema = "unknown"
    return Health(database="ok", schema=schema)


# Alembic's table of the revisions a database is migrated to (one row per head).
_VERSION_TABLE = "alembic_version"


def _stamped_revisions(connection: sa.Connection) -> frozenset[str]:
    if not sa.inspect(connection).has_table(_VERSION_TABLE):
        return frozenset()
    return frozenset(connection.scalars(sa.text("SELECT version_num FROM alembic_version")))


@cache
def _migration_revisions() -> tuple[frozenset[str], frozenset[str]]:
    """The heads of ``migrations/`` and every revision in it; read once per process, since
    the files change only with a new release."""
    scripts = ScriptDirectory(str(MIGRATIONS_PATH))
    known = frozenset(script.revision for script in scripts.walk_revisions())
    return frozenset(scripts.get_heads()), known
