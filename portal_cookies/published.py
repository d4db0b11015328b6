"""The published versions as visitors' requests read them, for one small query per request.

Every public request asks the database which version is current (or which one has a number,
and which replaced it): a few columns of a row or two. The bytes, languages and portal of a
version come from a cache in this process, keyed by that version. Versions and their pages
are never changed once published, so a cached entry can never be stale; and since each
request asks which version is current, every process serves a new version from the request
after its publication. A miss costs one more query.

The public blueprint serves these; the visitors' error pages read the current version's
languages and portal here too, which is why this sits below both.
"""

import enum
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import sqlalchemy as sa

from .extensions import db
from .models import PolicyPage, PolicyVersion

# PolicyVersion.number is an INTEGER: asking for more than it can hold is asking for nothing
# (SQLite would even refuse to bind it).
LARGEST_VERSION_NUMBER = 2**31 - 1

# Entries of the byte cache, each one page of one version in one language. The current version
# needs (languages x 3) of them; old versions are read now and then. At a few tens of kilobytes
# a page this bounds the cache to a few megabytes per process.
CACHE_SIZE = 256


class PageKind(enum.StrEnum):
    """What a public address serves of a version's page in a language."""

    HTML = "html"
    JSON = "json"
    CHANGES = "changes"


_COLUMNS = {
    PageKind.HTML: PolicyPage.html,
    PageKind.JSON: PolicyPage.json,
    PageKind.CHANGES: PolicyPage.changes_html,
}


@dataclass(frozen=True)
class PublishedVersion:
    """The few columns of a version a public request needs, and the key of its cached bytes.

    The whole row is the key, not only the id: a database emptied and filled again (tests, a
    development reset) reuses ids, never an id with the same hash and publication time.
    """

    id: int
    number: int
    content_hash: str
    published_at: datetime

    def etag(self, language: str, kind: PageKind, superseded_by: int | None = None) -> str:
        """A strong entity tag, unquoted: different for every version, language and kind,
        and for a version's page once another version replaced it (``superseded_by``).

        The number is part of it because a rollback republishes the same content (same hash)
        as a new version, whose pages say another number and date.
        """
        tag = f"{self.content_hash[:32]}-v{self.number}-{language}-{kind}"
        return tag if superseded_by is None else f"{tag}-superseded-v{superseded_by}"


@dataclass(frozen=True)
class PublishedFrame:
    """What the pages around a version show of it: the portal's name and address, and the
    languages it was published in, its source language first."""

    name: str
    base_url: str
    languages: tuple[str, ...]


# Built once: building a statement costs about as much as running this one on SQLite.
_VERSION = sa.select(
    PolicyVersion.id, PolicyVersion.number, PolicyVersion.content_hash, PolicyVersion.published_at
)
_CURRENT_VERSION = _VERSION.order_by(PolicyVersion.number.desc()).limit(1)
# A version and the next one, which replaced it (numbers are given in order, never reused).
_NUMBERED_VERSION = (
    _VERSION.where(PolicyVersion.number >= sa.bindparam("number"))
    .order_by(PolicyVersion.number)
    .limit(2)
)


def current_version() -> PublishedVersion | None:
    """The version visitors read now: the highest number (a rollback is a new number too)."""
    return _version(_CURRENT_VERSION)


def numbered_version(number: int) -> tuple[PublishedVersion | None, PublishedVersion | None]:
    """Version ``number``, and the version that replaced it (None while it is current); in
    one query. (None, None) when there is no such version."""
    if not 0 < number <= LARGEST_VERSION_NUMBER:
        return None, None
    rows = _versions(_NUMBERED_VERSION, number=number)
    if not rows or rows[0].number != number:
        return None, None
    return rows[0], rows[1] if len(rows) > 1 else None


def _version(statement: sa.Select, **parameters: object) -> PublishedVersion | None:
    rows = _versions(statement, **parameters)
    return rows[0] if rows else None


def _versions(statement: sa.Select, **parameters: object) -> list[PublishedVersion]:
    # A plain connection, not the ORM session: the session's bookkeeping cost a quarter of a
    # whole public request (410 -> 300 microseconds in one process, SQLite).
    with db.engine.connect() as connection:
        rows = connection.execute(statement, parameters).all()
    return [PublishedVersion(*row) for row in rows]


class _NotStored(LookupError):
    """Raised inside the cached functions so that nothing is kept for what is not stored."""


def published_languages(version: PublishedVersion) -> tuple[str, ...]:
    """The languages ``version`` was published in, its source language first."""
    frame = published_frame(version)
    return frame.languages if frame else ()


def published_frame(version: PublishedVersion) -> PublishedFrame | None:
    """The portal and languages of ``version``, as frozen at its publication."""
    try:
        return _stored_frame(version)
    except _NotStored:
        return None


def published_portal(version: PublishedVersion) -> dict[str, Any]:
    """The portal settings frozen in ``version``'s content ({} if it has none)."""
    portal = db.session.scalar(
        sa.select(PolicyVersion.content["portal"]).where(PolicyVersion.id == version.id)
    )
    return portal if isinstance(portal, dict) else {}


def published_page(version: PublishedVersion, language: str, kind: PageKind) -> bytes | None:
    """A page of ``version`` as stored at publication, encoded once for every request."""
    try:
        return _stored_page(version, language, kind)
    except _NotStored:
        return None


@lru_cache(maxsize=CACHE_SIZE)
def _stored_frame(version: PublishedVersion) -> PublishedFrame:
    rows = db.session.execute(
        sa.select(PolicyPage.language, PolicyVersion.content["portal"])
        .join(PolicyPage.version)
        .where(PolicyPage.version_id == version.id)
    ).all()
    if not rows:
        # A version is committed with its pages, so this is not expected; but never remember
        # a version as having no language.
        raise _NotStored
    portal = rows[0][1] if isinstance(rows[0][1], dict) else {}
    return PublishedFrame(
        name=portal.get("name") or "",
        base_url=portal.get("base_url") or "",
        languages=_in_portal_order({language for language, _portal in rows}, portal),
    )


def _in_portal_order(languages: set[str], portal: dict[str, Any]) -> tuple[str, ...]:
    """The source language first, then the portal's order, then any other alphabetically.

    The frozen content says both (``portal.source_language`` and ``portal.languages``); a
    content without them still gets a fixed order.
    """
    order = portal.get("languages")
    preferred = [portal.get("source_language"), *(order if isinstance(order, list) else [])]
    known = [language for language in dict.fromkeys(preferred) if language in languages]
    return (*known, *sorted(languages.difference(known)))


@lru_cache(maxsize=CACHE_SIZE)
def _stored_page(version: PublishedVersion, language: str, kind: PageKind) -> bytes:
    text = db.session.scalar(
        sa.select(_COLUMNS[kind]).where(
            PolicyPage.version_id == version.id, PolicyPage.language == language
        )
    )
    if text is None:
        raise _NotStored
    return text.encode("utf-8")
