"""The published versions as visitors' requests read them, for one small query per request,
even through a database outage.

Every public request asks the database which version is current (or which one has a number,
and which replaced it): a few columns of a row or two. The bytes, languages and portal of a
version come from a cache in this process, keyed by that version and loaded whole (every page
in every language, one query) the first time any of its addresses is read. Versions and their
pages are never changed once published, so a cached entry can never be stale; and since each
request asks which version is current, every process serves a new version from the request
after its publication.

While the database does not answer, that question is answered from what this process last
read (``_Memory``): the current version, and the versions read by number. Their bytes are in
the cache already, so visitors keep reading the policy. What this process never read raises
the database's error, which the error handlers answer with a 503 (``errors``). The first
failure of an outage is logged as a warning, the first answer after it as information.

The public blueprint serves these; the visitors' error pages read the current version's
languages and portal here too, which is why this sits below both.
"""

import enum
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from flask import current_app

from .extensions import DATABASE_UNAVAILABLE, db
from .models import PolicyPage, PolicyVersion

# PolicyVersion.number is an INTEGER: asking for more than it can hold is asking for nothing
# (SQLite would even refuse to bind it).
LARGEST_VERSION_NUMBER = 2**31 - 1

# Versions whose pages the process keeps: the current one, and old ones read now and then. A
# version holds (languages x 3) pages of a few tens of kilobytes: a few megabytes per process.
VERSIONS_CACHED = 32
# Entries of a cache of single pages (public.services keeps the replaced versions' pages with
# their notice): about as many pages as VERSIONS_CACHED versions hold.
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
    """The version visitors read now: the highest number (a rollback is a new number too).

    While the database does not answer, the one this process read last; the database's error
    when it never read one.
    """
    memory = _memory()
    try:
        version = _version(_CURRENT_VERSION)
    except DATABASE_UNAVAILABLE as error:
        memory.failed(error)
        if memory.current is None:
            raise
        return memory.current
    memory.read_current(version)
    return version


def numbered_version(number: int) -> tuple[PublishedVersion | None, PublishedVersion | None]:
    """Version ``number``, and the version that replaced it (None while it is current); in
    one query. (None, None) when there is no such version.

    While the database does not answer, what this process read last of that number; the
    database's error when it never read it.
    """
    if not 0 < number <= LARGEST_VERSION_NUMBER:
        return None, None
    memory = _memory()
    try:
        rows = _versions(_NUMBERED_VERSION, number=number)
    except DATABASE_UNAVAILABLE as error:
        memory.failed(error)
        remembered = memory.recall(number)
        if remembered is None:
            raise
        return remembered
    if not rows or rows[0].number != number:
        memory.answered()
        return None, None
    found = rows[0], rows[1] if len(rows) > 1 else None
    memory.read_numbered(found)
    return found


def _version(statement: sa.Select, **parameters: object) -> PublishedVersion | None:
    rows = _versions(statement, **parameters)
    return rows[0] if rows else None


def _versions(statement: sa.Select, **parameters: object) -> list[PublishedVersion]:
    # A plain connection, not the ORM session: the session's bookkeeping cost a quarter of a
    # whole public request (410 -> 300 microseconds in one process, SQLite). A connection that
    # fails goes back to the pool on leaving the block (discarded if it was cut): nothing of
    # it outlives the error.
    with db.engine.connect() as connection:
        rows = connection.execute(statement, parameters).all()
    return [PublishedVersion(*row) for row in rows]


class _Memory:
    """What this process last read of the versions, to answer visitors while the database
    does not. Kept on the app rather than in the module, so that two apps in one process (the
    tests) on two databases never mix. Threads share it: ``current`` is replaced whole, the
    bounded map and the outage flag change under a lock."""

    def __init__(self) -> None:
        self.current: PublishedVersion | None = None
        self._numbered: OrderedDict[int, tuple[PublishedVersion, PublishedVersion | None]] = (
            OrderedDict()
        )
        self._outage = False
        self._lock = threading.Lock()

    def read_current(self, version: PublishedVersion | None) -> None:
        self.current = version
        self.answered()

    def read_numbered(self, found: tuple[PublishedVersion, PublishedVersion | None]) -> None:
        number = found[0].number
        with self._lock:
            self._numbered[number] = found
            self._numbered.move_to_end(number)
            while len(self._numbered) > VERSIONS_CACHED:
                self._numbered.popitem(last=False)
        self.answered()

    def recall(self, number: int) -> tuple[PublishedVersion, PublishedVersion | None] | None:
        """What the database last said of version ``number``, if this process asked."""
        with self._lock:
            remembered = self._numbered.get(number)
        if remembered is None and self.current is not None and self.current.number == number:
            return self.current, None
        return remembered

    def answered(self) -> None:
        """The database answered: an outage is over."""
        if self._outage and self._change_outage(False):
            current_app.logger.info("The database answers again.")

    def failed(self, error: Exception) -> None:
        """The database did not answer: the first failure of an outage is logged."""
        if not self._outage and self._change_outage(True):
            known = f"version {self.current.number}" if self.current else "none"
            current_app.logger.warning(
                "The database does not answer (%s); visitors read the versions this process "
                "read last (the current one: %s) until it does.",
                getattr(error, "orig", None) or error,
                known,
            )

    def _change_outage(self, outage: bool) -> bool:
        """Whether this call changed the state: only one thread logs a change."""
        with self._lock:
            changed, self._outage = self._outage != outage, outage
        return changed


_MEMORY_KEY = "portal_cookies.published"


def _memory() -> _Memory:
    memory = current_app.extensions.get(_MEMORY_KEY)
    if memory is None:
        memory = current_app.extensions.setdefault(_MEMORY_KEY, _Memory())
    return memory


class _NotStored(LookupError):
    """Raised inside the cached functions so that nothing is kept for what is not stored."""


def published_languages(version: PublishedVersion) -> tuple[str, ...]:
    """The languages ``version`` was published in, its source language first."""
    frame = published_frame(version)
    return frame.languages if frame else ()


def published_frame(version: PublishedVersion) -> PublishedFrame | None:
    """The portal and languages of ``version``, as frozen at its publication."""
    stored = _stored_or_none(version)
    return stored.frame if stored else None


def published_portal(version: PublishedVersion) -> dict[str, Any]:
    """The portal settings frozen in ``version``'s content ({} if it has none)."""
    portal = db.session.scalar(
        sa.select(PolicyVersion.content["portal"]).where(PolicyVersion.id == version.id)
    )
    return portal if isinstance(portal, dict) else {}


def published_page(version: PublishedVersion, language: str, kind: PageKind) -> bytes | None:
    """A page of ``version`` as stored at publication, encoded once for every request."""
    stored = _stored_or_none(version)
    return stored.pages.get((language, kind)) if stored else None


@dataclass(frozen=True)
class _StoredVersion:
    frame: PublishedFrame
    pages: dict[tuple[str, PageKind], bytes]


def _stored_or_none(version: PublishedVersion) -> _StoredVersion | None:
    try:
        return _stored_version(version)
    except _NotStored:
        return None


@lru_cache(maxsize=VERSIONS_CACHED)
def _stored_version(version: PublishedVersion) -> _StoredVersion:
    # Every page at once: what a visitor reads next of the version is then in memory, even if
    # the database stops answering meanwhile.
    rows = db.session.execute(
        sa.select(PolicyPage.language, *_COLUMNS.values(), PolicyVersion.content["portal"])
        .join(PolicyPage.version)
        .where(PolicyPage.version_id == version.id)
    ).all()
    if not rows:
        # A version is committed with its pages, so this is not expected; but never remember
        # a version as having no language.
        raise _NotStored
    portal = rows[0][-1] if isinstance(rows[0][-1], dict) else {}
    pages = {
        (language, kind): text.encode("utf-8")
        for language, *texts, _portal in rows
        for kind, text in zip(_COLUMNS, texts, strict=True)
    }
    frame = PublishedFrame(
        name=portal.get("name") or "",
        base_url=portal.get("base_url") or "",
        languages=_in_portal_order({language for language, *_columns in rows}, portal),
    )
    return _StoredVersion(frame, pages)


def _in_portal_order(languages: set[str], portal: dict[str, Any]) -> tuple[str, ...]:
    """The source language first, then the portal's order, then any other alphabetically.

    The frozen content says both (``portal.source_language`` and ``portal.languages``); a
    content without them still gets a fixed order.
    """
    order = portal.get("languages")
    preferred = [portal.get("source_language"), *(order if isinstance(order, list) else [])]
    known = [language for language in dict.fromkeys(preferred) if language in languages]
    return (*known, *sorted(languages.difference(known)))
