"""Each shown text's state and its checks' findings per language, kept in
``text_check_results`` so that lists filter, sort, page and count in SQL.

A row names the source and translation versions it was worked out from, so a text saved by
any path (the editor, a PO import, a source edit, a revert) makes its rows stale without
anyone having to remember them; ``refresh_results`` finds stale and missing rows in one
query and works out only those. What else the checks read is forgotten when it changes: an
entry's cookie names (the names check) and a dismissal (which warnings are open) delete the
rows they affect, in the same flush that saves them.
"""

from collections.abc import Iterable
from itertools import chain

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased, selectinload

from .. import texts
from ..contexts import shown_units
from ..extensions import db
from ..models import (
    CheckDismissal,
    CookieEntry,
    CookieName,
    CurrentText,
    TextCheckResult,
    TextUnit,
)
from .engine import problems_by_unit
from .problems import Severity

# Units worked out per round: bounds what a first reading of a large inventory holds at once.
REFRESH_BATCH = 500


def _stale_units(language: str) -> list[int]:
    """The shown units whose row in ``language`` is missing or was worked out from versions
    that are no longer current."""
    shown = shown_units()
    source_head, head = aliased(CurrentText), aliased(CurrentText)
    result = aliased(TextCheckResult)
    return list(
        db.session.scalars(
            sa.select(shown.c.unit_id)
            .join(TextUnit, TextUnit.id == shown.c.unit_id)
            .outerjoin(
                source_head,
                sa.and_(
                    source_head.unit_id == TextUnit.id,
                    source_head.language == TextUnit.source_language,
                ),
            )
            .outerjoin(head, sa.and_(head.unit_id == TextUnit.id, head.language == language))
            .outerjoin(result, sa.and_(result.unit_id == TextUnit.id, result.language == language))
            .where(
                sa.or_(
                    result.unit_id.is_(None),
                    result.source_version_id.is_distinct_from(source_head.version_id),
                    result.version_id.is_distinct_from(head.version_id),
                )
            )
            .order_by(shown.c.unit_id)
        )
    )


def _worked_out(units: list[TextUnit], language: str) -> list[TextCheckResult]:
    problems = problems_by_unit(units, language)
    rows = []
    for unit in units:
        source, version = unit.current_version(unit.source_language), unit.current_version(language)
        found = problems[unit.id]
        rows.append(
            TextCheckResult(
                unit_id=unit.id,
                language=language,
                source_version_id=source.id if source else None,
                version_id=version.id if version else None,
                status=texts.status_of(unit, language).value,
                errors=sum(problem.severity == Severity.ERROR for problem in found),
                warnings=sum(
                    problem.severity == Severity.WARNING and not problem.dismissed
                    for problem in found
                ),
            )
        )
    return rows


def refresh_results(languages: Iterable[str]) -> int:
    """Work out the missing and stale rows of every shown text in ``languages`` and commit
    them; how many were. A fixed number of queries when nothing changed since the last
    reading. Another request refreshing the same rows at the same moment wins: its rows are
    the same."""
    refreshed = 0
    for language in languages:
        stale = _stale_units(language)
        for start in range(0, len(stale), REFRESH_BATCH):
            ids = stale[start : start + REFRESH_BATCH]
            units = list(
                db.session.scalars(
                    sa.select(TextUnit)
                    .where(TextUnit.id.in_(ids))
                    .options(selectinload(TextUnit.current))
                )
            )
            rows = _worked_out(units, language)
            try:
                db.session.execute(
                    sa.delete(TextCheckResult)
                    .where(TextCheckResult.language == language, TextCheckResult.unit_id.in_(ids))
                    .execution_options(synchronize_session=False)
                )
                db.session.add_all(rows)
                db.session.commit()
            except sa.exc.IntegrityError:
                db.session.rollback()
            refreshed += len(rows)
    return refreshed


def _entry_units(entry_ids: set[int]) -> sa.Select[tuple[int]]:
    entries = CookieEntry.id.in_(entry_ids)
    return sa.union(
        sa.select(CookieEntry.function_unit_id).where(entries),
        sa.select(CookieEntry.purpose_unit_id).where(entries),
    )


@sa.event.listens_for(Session, "after_flush")
def _forget_what_changed(session: Session, _context) -> None:
    """Delete the rows whose findings a flushed change to cookie names or dismissals alters."""
    changed = list(chain(session.new, session.dirty, session.deleted))
    entry_ids = {
        obj.entry_id for obj in changed if isinstance(obj, CookieName) and obj.entry_id is not None
    }
    dismissed = {
        (obj.unit_id, obj.language)
        for obj in changed
        if isinstance(obj, CheckDismissal) and obj.unit_id is not None
    }
    if not entry_ids and not dismissed:
        return
    forgotten = [
        sa.and_(TextCheckResult.unit_id == unit_id, TextCheckResult.language == language)
        for unit_id, language in dismissed
    ]
    if entry_ids:
        forgotten.append(TextCheckResult.unit_id.in_(_entry_units(entry_ids)))
    session.connection().execute(sa.delete(TextCheckResult).where(sa.or_(*forgotten)))
