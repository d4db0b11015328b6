"""The inventory's reads: the entry list's filters, sorting and search, counts, histories.

Each loads what its page shows in a fixed number of queries, whatever the inventory's size.
"""

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from .. import checks, texts
from ..extensions import db
from ..i18n import portal_today
from ..models import (
    AuditEvent,
    Category,
    ConsentBasis,
    CookieEntry,
    CookieName,
    CurrentText,
    Party,
    Provider,
    TextUnit,
    TextVersion,
)
from ..portal import get_settings
from ..values import CONTROL_CHARACTERS

MAX_SEARCH_TERMS = 8
HISTORY_LENGTH = 20


class EntryStatus(enum.StrEnum):
    ACTIVE = "active"
    ARCHIVED = "archived"
    ALL = "all"


class EntrySort(enum.StrEnum):
    NAMES = "names"
    PROVIDER = "provider"
    CATEGORY = "category"
    UPDATED = "updated"


@dataclass(frozen=True)
class EntryFilters:
    """What the inventory list shows; every field narrows it, the defaults show all active."""

    q: str = ""
    category: Category | None = None
    provider: Provider | None = None
    party: Party | None = None
    consent_basis: ConsentBasis | None = None
    status: EntryStatus = EntryStatus.ACTIVE
    untranslated: bool = False
    # Never reviewed, or not for checks.REVIEW_INTERVAL_MONTHS.
    review_due: bool = False
    sort: EntrySort = EntrySort.NAMES
    descending: bool = False


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _matches(term: str) -> sa.ColumnElement[bool]:
    """Entries with ``term`` in a name, the provider's name, or a function or purpose text
    (the current version in any language)."""
    pattern = _like(term.lower())

    def like(column: Any) -> sa.ColumnElement[bool]:
        return sa.func.lower(column).like(pattern, escape="\\")

    return sa.or_(
        sa.exists().where(CookieName.entry_id == CookieEntry.id, like(CookieName.name)),
        CookieEntry.provider_id.in_(sa.select(Provider.id).where(like(Provider.name))),
        sa.exists().where(
            CurrentText.unit_id.in_([CookieEntry.function_unit_id, CookieEntry.purpose_unit_id]),
            TextVersion.id == CurrentText.version_id,
            like(TextVersion.text),
        ),
    )


def due_for_review() -> sa.ColumnElement[bool]:
    """Entries never reviewed, or last reviewed too long ago: the check's rule."""
    due = checks.review_due_before(portal_today())
    return sa.or_(CookieEntry.last_reviewed_on.is_(None), CookieEntry.last_reviewed_on < due)


def count_due_for_review() -> int:
    """How many active entries are due for review."""
    query = sa.select(sa.func.count(CookieEntry.id)).where(~CookieEntry.archived, due_for_review())
    return db.session.scalar(query) or 0


def _conditions(filters: EntryFilters) -> list[sa.ColumnElement[bool]]:
    """Every filter but the status."""
    terms = CONTROL_CHARACTERS.sub(" ", filters.q).split()[:MAX_SEARCH_TERMS]
    conditions = [_matches(term) for term in terms]
    if filters.category is not None:
        conditions.append(CookieEntry.category_id == filters.category.id)
    if filters.provider is not None:
        conditions.append(CookieEntry.provider_id == filters.provider.id)
    if filters.party is not None:
        conditions.append(CookieEntry.party == filters.party)
    if filters.consent_basis is not None:
        conditions.append(CookieEntry.consent_basis == filters.consent_basis)
    if filters.untranslated:
        units = texts.units_needing_translation(get_settings().enabled_languages)
        conditions.append(
            sa.or_(CookieEntry.function_unit_id.in_(units), CookieEntry.purpose_unit_id.in_(units))
        )
    if filters.review_due:
        conditions.append(due_for_review())
    return conditions


def _sort_key(sort: EntrySort) -> sa.ColumnElement[Any]:
    if sort == EntrySort.PROVIDER:
        return (
            sa.select(sa.func.lower(Provider.name))
            .where(Provider.id == CookieEntry.provider_id)
            .scalar_subquery()
        )
    if sort == EntrySort.CATEGORY:
        return (
            sa.select(Category.position)
            .where(Category.id == CookieEntry.category_id)
            .scalar_subquery()
        )
    if sort == EntrySort.UPDATED:
        return CookieEntry.updated_at
    return _FIRST_NAMES.c.name


# Each entry's first name, lower case: joined once, rather than looked up row by row (which
# sorted 5,000 entries in a second).
_FIRST_NAMES = (
    sa.select(
        CookieName.entry_id,
        sa.func.lower(CookieName.name).label("name"),
        sa.func.row_number()
        .over(partition_by=CookieName.entry_id, order_by=(CookieName.position, CookieName.id))
        .label("rank"),
    )
).subquery("first_names")


def _text_loaded(relationship: Any) -> Any:
    return selectinload(relationship).selectinload(TextUnit.current)


ENTRY_LIST_OPTIONS = (
    selectinload(CookieEntry.names),
    selectinload(CookieEntry.provider),
    selectinload(CookieEntry.category).options(_text_loaded(Category.name_unit)),
    _text_loaded(CookieEntry.function_unit),
    _text_loaded(CookieEntry.purpose_unit),
)


def search_entries(filters: EntryFilters | None = None) -> sa.Select[tuple[CookieEntry]]:
    """The entries the inventory list shows, sorted, with what a row shows loaded."""
    filters = filters or EntryFilters()
    query = db.select(CookieEntry).where(*_conditions(filters))
    if filters.status == EntryStatus.ACTIVE:
        query = query.where(~CookieEntry.archived)
    elif filters.status == EntryStatus.ARCHIVED:
        query = query.where(CookieEntry.archived)
    if filters.sort == EntrySort.NAMES:
        query = query.outerjoin(
            _FIRST_NAMES,
            sa.and_(_FIRST_NAMES.c.entry_id == CookieEntry.id, _FIRST_NAMES.c.rank == 1),
        )
    key = _sort_key(filters.sort)
    order = [key.desc(), CookieEntry.id.desc()] if filters.descending else [key, CookieEntry.id]
    return query.order_by(*order).options(*ENTRY_LIST_OPTIONS)


def count_entries_by_status(filters: EntryFilters | None = None) -> dict[EntryStatus, int]:
    """How many entries each status tab holds, under the other filters."""
    filters = filters or EntryFilters()
    active, archived = db.session.execute(
        sa.select(
            sa.func.count(CookieEntry.id).filter(~CookieEntry.archived),
            sa.func.count(CookieEntry.id).filter(CookieEntry.archived),
        ).where(*_conditions(filters))
    ).one()
    return {
        EntryStatus.ACTIVE: active,
        EntryStatus.ARCHIVED: archived,
        EntryStatus.ALL: active + archived,
    }


def untranslated_languages(
    entries: Iterable[CookieEntry], languages: list[str] | None = None
) -> dict[int, list[tuple[str, texts.TextStatus]]]:
    """Per entry: each language where its function or purpose is missing or outdated."""
    languages = languages if languages is not None else get_settings().enabled_languages
    gaps: dict[int, list[tuple[str, texts.TextStatus]]] = {}
    for entry in entries:
        found = []
        for language in languages:
            statuses = {texts.status_of(unit, language) for unit in entry.text_units.values()}
            for status in (texts.TextStatus.MISSING, texts.TextStatus.OUTDATED):
                if status in statuses:
                    found.append((language, status))
                    break
        gaps[entry.id] = found
    return gaps


def translation_states(obj: Any) -> dict[str, list[texts.LanguageStatus]]:
    """Each text of a category, provider or entry: its state in the other enabled languages."""
    if obj is None:
        return {}
    languages = get_settings().enabled_languages
    return {
        key: [
            state
            for state in texts.statuses(unit, languages)
            if state.status != texts.TextStatus.SOURCE
        ]
        for key, unit in obj.text_units.items()
    }


def entry_history(entry: CookieEntry, limit: int = HISTORY_LENGTH) -> list[AuditEvent]:
    """The entry's latest audit events, newest first."""
    return list(
        db.session.scalars(
            db.select(AuditEvent)
            .where(AuditEvent.object_type == CookieEntry.__name__, AuditEvent.object_id == entry.id)
            .options(selectinload(AuditEvent.actor))
            .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )


def _with_entry_counts(
    model: type[Category] | type[Provider], column: Any, *order_by: Any
) -> list[tuple[Any, int, int]]:
    rows = db.session.execute(
        sa.select(
            model,
            sa.func.count(CookieEntry.id).filter(~CookieEntry.archived),
            sa.func.count(CookieEntry.id).filter(CookieEntry.archived),
        )
        .outerjoin(CookieEntry, column == model.id)
        .group_by(model.id)
        .order_by(*order_by)
        .options(*(_text_loaded(unit) for unit in _unit_relationships(model)))
    )
    return [tuple(row) for row in rows]


def _unit_relationships(model: type[Category] | type[Provider]) -> list[Any]:
    if model is Category:
        return [Category.name_unit, Category.explanation_unit]
    return [Provider.safeguard_unit]


def categories_with_counts() -> list[tuple[Category, int, int]]:
    """(category, active entries, archived entries), in the policy's order."""
    return _with_entry_counts(Category, CookieEntry.category_id, Category.position, Category.id)


def providers_with_counts() -> list[tuple[Provider, int, int]]:
    """(provider, active entries, archived entries), by name."""
    return _with_entry_counts(
        Provider, CookieEntry.provider_id, sa.func.lower(Provider.name), Provider.id
    )


def list_categories() -> list[Category]:
    """Every category in the policy's order, with its name loaded."""
    return list(
        db.session.scalars(
            db.select(Category)
            .order_by(Category.position, Category.id)
            .options(_text_loaded(Category.name_unit))
        )
    )


def list_providers() -> list[Provider]:
    return list(
        db.session.scalars(db.select(Provider).order_by(sa.func.lower(Provider.name), Provider.id))
    )
