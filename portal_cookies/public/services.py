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

from functools import lru_cache

import sqlalchemy as sa

from ..extensions import db
from ..published import CACHE_SIZE, PageKind, PublishedVersion, published_page, published_portal
from ..publishing import services as publishing


def served_page(
    version: PublishedVersion, successor: PublishedVersion | None, language: str, kind: PageKind
) -> bytes | None:
    """What an address serves of ``version`` in ``language``: the bytes stored at its
    publication, with the notice of its ``successor`` (the version that replaced it) if any.
    None when the version has no such page."""
    if successor is None:
        return published_page(version, language, kind)
    if published_page(version, language, kind) is None:
        return None
    return _superseded_page(version, successor, language, kind)


@lru_cache(maxsize=CACHE_SIZE)
def _superseded_page(
    version: PublishedVersion, successor: PublishedVersion, language: str, kind: PageKind
) -> bytes:
    stored = published_page(version, language, kind).decode("utf-8")
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
    return text.encode("utf-8")


def database_is_reachable() -> bool:
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return False
    return True
