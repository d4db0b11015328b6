"""The published versions as visitors' requests read them: the current one from memory,
checked against the database at most once per ``POLICY_FRESHNESS_SECONDS``, and through a
database outage.

The current version is held whole in a ``Snapshot``: the version's row, its portal and
languages, and every page in every language with its gzip form, all stored at publication.
A request takes the snapshot once and reads everything from that one object, so it never mixes
two versions (the HTML of one with the ETag of another). While the snapshot was checked less
than ``POLICY_FRESHNESS_SECONDS`` ago, a request sends no query at all; then one request asks
which version is current (a few columns of one row) while the others keep serving the snapshot,
and a new version replaces it whole. Every instance and process therefore serves a publication
within that delay. Versions and their pages never change once published, so a version's bytes
are loaded once (one query) and cached by version; a version read by number asks the
database every time (with the version that replaced it).

While the database does not answer, the snapshot keeps being served, and versions read by
number come from what this process last read (``_Memory``). What this process never read
raises the database's error, which the error handlers answer with a 503 (``errors``). The
first failure of an outage is logged as a warning, the first answer after it as information.

The public blueprint serves these; the visitors' error pages read the current version's
languages and portal here too, which is why this sits below both.
"""

import enum
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from time import monotonic
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app

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


# Each kind's text, and its gzip form (``models.policy.compress_page``).
_COLUMNS = {
    PageKind.HTML: (PolicyPage.html, PolicyPage.html_gzip),
    PageKind.JSON: (PolicyPage.json, PolicyPage.json_gzip),
    PageKind.CHANGES: (PolicyPage.changes_html, PolicyPage.changes_gzip),
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


@dataclass(frozen=True)
class StoredPage:
    """A page as stored at publication: its bytes (UTF-8) and their gzip form."""

    body: bytes
    gzip: bytes


@dataclass(frozen=True)
class Snapshot:
    """The current version, all of it, as one object: ``version`` None while nothing is
    published; ``frame`` None and ``pages`` empty if its pages could not be read."""

    version: PublishedVersion | None
    frame: PublishedFrame | None = None
    pages: Mapping[tuple[str, PageKind], StoredPage] = field(default_factory=dict)


def current_snapshot() -> Snapshot:
    """The current version (the highest number: a rollback is a new number too) with its
    pages, as checked at most ``POLICY_FRESHNESS_SECONDS`` ago.

    While the database does not answer, the snapshot this process read last; the database's
    error when it never read one.
    """
    return _memory().fresh_snapshot(current_app.config["POLICY_FRESHNESS_SECONDS"])


def snapshot_if_fresh(app: Flask) -> Snapshot | None:
    """``app``'s snapshot if it was checked less than ``POLICY_FRESHNESS_SECONDS`` ago, else
    None; without an app context or a query, for the public pages' fast path."""
    memory = app.extensions.get(_MEMORY_KEY)
    if memory is None:
        return None
    return memory.snapshot_if_fresh(app.config["POLICY_FRESHNESS_SECONDS"])


def current_version() -> PublishedVersion | None:
    """The version visitors read now (``current_snapshot``)."""
    return current_snapshot().version


def expect_new_version() -> None:
    """This process just published: its next request checks, whatever the delay."""
    _memory().expect_new_version()


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
    """The current snapshot, when it was last checked, and what this process last read of
    the versions by number, to answer visitors while the database does not. Kept on the app
    rather than in the module, so that two apps in one process (the tests) on two databases
    never mix. Threads share it: ``snapshot`` is replaced whole (a request reads the attribute
    once), one thread at a time checks it, the bounded map and the outage flag change under a
    lock."""

    def __init__(self) -> None:
        self.snapshot: Snapshot | None = None
        self._checked_at = float("-inf")
        self._checking = threading.Lock()
        self._numbered: OrderedDict[int, tuple[PublishedVersion, PublishedVersion | None]] = (
            OrderedDict()
        )
        self._outage = False
        self._lock = threading.Lock()

    @property
    def current(self) -> PublishedVersion | None:
        return self.snapshot.version if self.snapshot else None

    def snapshot_if_fresh(self, interval: float) -> Snapshot | None:
        snapshot = self.snapshot
        if snapshot is not None and monotonic() - self._checked_at < interval:
            return snapshot
        return None

    def expect_new_version(self) -> None:
        self._checked_at = float("-inf")

    def fresh_snapshot(self, interval: float) -> Snapshot:
        fresh = self.snapshot_if_fresh(interval)
        if fresh is not None:
            return fresh
        # One thread asks; the others serve the snapshot they have meanwhile (those that
        # have none wait for it).
        if not self._checking.acquire(blocking=self.snapshot is None):
            return self.snapshot
        try:
            return self._check()
        finally:
            self._checking.release()

    def _check(self) -> Snapshot:
        snapshot = self.snapshot
        try:
            version = _version(_CURRENT_VERSION)
            if snapshot is None or snapshot.version != version:
                snapshot = _snapshot_of(version)
        except DATABASE_UNAVAILABLE as error:
            self.failed(error)
            if self.snapshot is None:
                raise
            # Asked again after the same delay, not on every request of the outage.
            self._checked_at = monotonic()
            return self.snapshot
        self.snapshot, self._checked_at = snapshot, monotonic()
        self.answered()
        return snapshot

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


def _snapshot_of(version: PublishedVersion | None) -> Snapshot:
    stored = _stored_or_none(version) if version else None
    if stored is None:
        return Snapshot(version)
    return Snapshot(version, stored.frame, stored.pages)


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


def published_page(version: PublishedVersion, language: str, kind: PageKind) -> StoredPage | None:
    """A page of ``version`` as stored at publication, encoded once for every request."""
    stored = _stored_or_none(version)
    return stored.pages.get((language, kind)) if stored else None


@dataclass(frozen=True)
class _StoredVersion:
    frame: PublishedFrame
    pages: dict[tuple[str, PageKind], StoredPage]


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
        sa.select(
            PolicyPage.language,
            *(column for columns in _COLUMNS.values() for column in columns),
            PolicyVersion.content["portal"],
        )
        .join(PolicyPage.version)
        .where(PolicyPage.version_id == version.id)
    ).all()
    if not rows:
        # A version is committed with its pages, so this is not expected; but never remember
        # a version as having no language.
        raise _NotStored
    portal = rows[0][-1] if isinstance(rows[0][-1], dict) else {}
    pages = {
        (language, kind): StoredPage(text.encode("utf-8"), compressed)
        for language, *columns, _portal in rows
        for kind, text, compressed in zip(_COLUMNS, columns[::2], columns[1::2], strict=True)
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
