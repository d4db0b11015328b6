"""Which state of the draft policy a figure was computed from, and figures kept per state.

Every change to what the draft is made of (entries and their names, categories, providers,
texts, the page's sections, the settings, dismissed warnings, and published versions, which
the unpublished changes are counted against) gives ``DraftState.revision`` a new random token
in the same transaction. The session's own events notice the changes, so no service can
forget to: a flush of a draft object or an UPDATE or DELETE statement on one marks the
session, and its commit writes the new token last (a short lock, taken last, so two saves
never wait on each other in opposite orders).

``cached(name, compute)`` keeps what ``compute`` returns under the token read from the
database, per process: another instance's change gives a new token, so no instance serves
a figure of an older draft. A random token, never a counter, is never reused, even by a
transaction rolled back or a database restored from a backup.
"""

import secrets
import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from .extensions import db
from .models import (
    AuditEvent,
    DraftState,
    DriftCheck,
    DriftFinding,
    KnownCookie,
    LoginSession,
    PendingImport,
    TextCheckResult,
    User,
)

# Rows nothing of the draft policy reads: changing them keeps the token (a login would
# otherwise forget every figure). Every other model counts, a new one included.
OUTSIDE_THE_DRAFT = frozenset(
    {
        AuditEvent,
        DraftState,
        DriftCheck,
        DriftFinding,
        KnownCookie,
        LoginSession,
        PendingImport,
        # Derived from the draft, refreshed when read: the draft itself did not change.
        TextCheckResult,
        User,
    }
)
# The session holds draft changes its transaction has not committed yet.
_CHANGED = "draft_changed"
_TABLE = DraftState.__table__
T = TypeVar("T")


def _is_draft(model: type) -> bool:
    return model not in OUTSIDE_THE_DRAFT


def _unflushed_draft_changes(session: Session) -> bool:
    touched = (session.new, session.dirty, session.deleted)
    return any(_is_draft(type(obj)) for objs in touched for obj in objs)


def _note_flush(session: Session, flush_context: Any, instances: Any) -> None:
    if _unflushed_draft_changes(session):
        session.info[_CHANGED] = True


def _note_statement(state: ORMExecuteState) -> None:
    if state.is_select or state.bind_mapper is None:
        return
    if any(_is_draft(mapper.class_) for mapper in state.all_mappers):
        state.session.info[_CHANGED] = True


def _write_revision(session: Session) -> None:
    session.flush()
    if not session.info.pop(_CHANGED, False):
        return
    token = secrets.token_hex(16)
    if not session.execute(sa.update(_TABLE).values(revision=token)).rowcount:
        session.execute(sa.insert(_TABLE).values(id=1, revision=token))


def _forget_on_rollback(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_CHANGED, None)


_LISTENERS = (
    ("before_flush", _note_flush),
    ("do_orm_execute", _note_statement),
    ("before_commit", _write_revision),
    ("after_transaction_end", _forget_on_rollback),
)


def watch_draft_changes() -> None:
    """Make every session keep the token up to date (once per process, whatever the number
    of apps)."""
    for event, listener in _LISTENERS:
        if not sa.event.contains(Session, event, listener):
            sa.event.listen(Session, event, listener)


def current_revision() -> str | None:
    """The draft's token; None before its first change (nothing is cached then)."""
    return db.session.scalar(sa.select(DraftState.revision).limit(1))


class _Figures:
    """What one process keeps, for the latest token only (an older one is never asked for
    again once a newer one is committed)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.revision: str | None = None
        self.values: dict[Hashable, Any] = {}

    def get(self, revision: str, key: Hashable) -> tuple[bool, Any]:
        with self.lock:
            if revision != self.revision or key not in self.values:
                return False, None
            return True, self.values[key]

    def put(self, revision: str, key: Hashable, value: Any) -> None:
        with self.lock:
            if revision != self.revision:
                self.revision, self.values = revision, {}
            self.values[key] = value


def _figures() -> _Figures:
    return current_app.extensions.setdefault("draft_figures", _Figures())


def cached(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or what it returned for the same ``key`` and the same state of the
    draft. ``key`` names the figure and whatever else it depends on (a language, the
    interface's language, the day). Computed afresh while the session holds uncommitted draft
    changes: they belong to no token yet. The token is read first: a change committed while
    ``compute`` runs is kept under the older token, which no one asks for afterwards."""
    session = db.session()
    if session.info.get(_CHANGED) or _unflushed_draft_changes(session):
        return compute()
    revision = current_revision()
    if revision is None:
        return compute()
    figures = _figures()
    found, value = figures.get(revision, key)
    if not found:
        value = compute()
        figures.put(revision, key, value)
    return value
