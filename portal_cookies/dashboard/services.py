"""The figures the dashboard shows."""

from dataclasses import dataclass

import sqlalchemy as sa

from ..extensions import db
from ..inventory import services as inventory
from ..models import (
    Category,
    CookieEntry,
    DriftCheck,
    DriftFinding,
    DriftKind,
    PolicyVersion,
    Provider,
)
from ..portal import get_settings
from ..publishing import services as publishing
from ..texts import units_needing_translation


@dataclass(frozen=True)
class CategoryCount:
    category: Category
    active: int
    hidden: int


@dataclass(frozen=True)
class Overview:
    active_entries: int
    archived_entries: int
    providers: int
    entries_missing_translation: int
    # Active entries never reviewed, or not for checks.REVIEW_INTERVAL_MONTHS.
    entries_due_for_review: int
    per_category: list[CategoryCount]
    published: PolicyVersion | None
    # How many things the draft changes since the published version (all of it before one).
    unpublished_changes: int
    drift: "DriftSummary"


@dataclass(frozen=True)
class DriftSummary:
    """The latest drift report's findings: the entries to fix, and the undeclared cookies."""

    check: DriftCheck | None
    entry_findings: list[DriftFinding]
    undeclared: int


def summarize_drift() -> DriftSummary:
    check = inventory.latest_drift_check()
    findings = check.findings if check else []
    return DriftSummary(
        check=check,
        entry_findings=[f for f in findings if f.kind != DriftKind.UNDECLARED],
        undeclared=sum(f.kind == DriftKind.UNDECLARED for f in findings),
    )


def entries_untranslated() -> sa.Select[tuple[int]]:
    """Ids of active entries whose function or purpose is missing or outdated somewhere."""
    units = units_needing_translation(get_settings().enabled_languages)
    return sa.select(CookieEntry.id).where(
        ~CookieEntry.archived,
        sa.or_(CookieEntry.function_unit_id.in_(units), CookieEntry.purpose_unit_id.in_(units)),
    )


def summarize_inventory() -> Overview:
    def count(query: sa.Select) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0

    per_category_rows = db.session.execute(
        sa.select(
            Category,
            sa.func.count(CookieEntry.id).filter(~CookieEntry.archived),
            sa.func.count(CookieEntry.id).filter(~CookieEntry.archived, ~CookieEntry.visible),
        )
        .outerjoin(CookieEntry, CookieEntry.category_id == Category.id)
        .group_by(Category.id)
        .order_by(Category.position, Category.id)
    ).all()
    return Overview(
        active_entries=count(sa.select(CookieEntry.id).where(~CookieEntry.archived)),
        archived_entries=count(sa.select(CookieEntry.id).where(CookieEntry.archived)),
        providers=count(sa.select(Provider.id)),
        entries_missing_translation=count(entries_untranslated()),
        entries_due_for_review=inventory.count_entries_due_for_review(),
        per_category=[
            CategoryCount(cat, active, hidden) for cat, active, hidden in per_category_rows
        ],
        published=publishing.current_version(),
        unpublished_changes=publishing.unpublished_changes(),
        drift=summarize_drift(),
    )
