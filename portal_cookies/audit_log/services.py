"""The audit log: every recorded change, filtered, newest first, in words, and as CSV.

Events keep their object's label (``AuditEvent.object_label``) and their values as plain
data, so an event about an object since deleted reads as well as any other; only the link to
the object goes.
"""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..audit import ValueChange, changes_of
from ..extensions import db
from ..i18n import date_text, select_time_zone
from ..labels import ACTION_LABELS, KIND_LABELS, action_label, kind_label
from ..models import (
    AuditEvent,
    Category,
    CheckDismissal,
    CookieEntry,
    PolicyText,
    PolicyVersion,
    PortalSettings,
    Provider,
    TextUnit,
    User,
)
from ..portal import get_settings
from ..service_errors import ServiceError
from ..spreadsheet import neutralise_cell

# The days a filter may name: wide enough for any log, narrow enough that the day after the
# last one and midnight in any time zone are still dates Python can hold.
EARLIEST_DAY = date(1970, 1, 1)
LATEST_DAY = date(9998, 12, 31)

# Events read from the database at once for the CSV file: its memory stays bounded whatever
# the log's size.
EXPORT_BATCH = 500

# The models events are about, by ``AuditEvent.object_type``: a row gone is an object deleted.
MODELS: dict[str, Any] = {
    model.__name__: model
    for model in (
        CookieEntry,
        Category,
        Provider,
        TextUnit,
        PolicyText,
        PolicyVersion,
        PortalSettings,
        User,
        CheckDismissal,
    )
}

# The page that shows an object, and the name its id takes in that page's address.
PAGES = {
    "CookieEntry": ("inventory.update", "entry_id"),
    "Category": ("inventory.update_category", "category_id"),
    "Provider": ("inventory.update_provider", "provider_id"),
    "PolicyText": ("policy_texts.update", "text_id"),
    "User": ("users.update", "user_id"),
}


@dataclass(frozen=True)
class EventFilters:
    """What the log shows; every field narrows it, the defaults show every event."""

    person: User | None = None
    # Only the events no person made: the command line, the demo portal, the system.
    by_system: bool = False
    # An ``AuditEvent.object_type`` (labels.KIND_LABELS) and an action (labels.ACTION_LABELS).
    kind: str | None = None
    action: str | None = None
    # Whole days in the portal's time zone, both included.
    start: date | None = None
    end: date | None = None


class Link(NamedTuple):
    """Where an object is shown: an endpoint and the values of its address."""

    endpoint: str
    values: dict[str, Any]


@dataclass(frozen=True)
class EventRow:
    """An event as the log reads it."""

    event: AuditEvent
    # In the portal's time zone.
    when: datetime
    # The e-mail of who did it; None when no person did (the command line, the system).
    person: str | None
    action: str
    kind: str
    label: str
    # Where the object is shown, while it exists and has a page.
    link: Link | None
    deleted: bool
    changes: list[ValueChange]


def portal_time_zone() -> tzinfo:
    """The zone the portal's people read dates in, as saved now (the interface's, read once
    per request, may predate a change made in the same request)."""
    return ZoneInfo(select_time_zone())


def list_people() -> list[User]:
    """Everyone who may have done something: every account, by e-mail."""
    return list(db.session.scalars(sa.select(User).order_by(User.email)))


def kind_choices() -> list[tuple[str, str]]:
    return [(kind, kind_label(kind)) for kind in KIND_LABELS]


def action_choices() -> list[tuple[str, str]]:
    return [(action, action_label(action)) for action in ACTION_LABELS]


def date_refusals(start: date | None, end: date | None) -> list[ServiceError]:
    """What is wrong with a range of days, each refusal naming its end (``start``, ``end``)."""
    refusals = [
        ServiceError(
            _(
                "Give a date between %(first)s and %(last)s.",
                first=date_text(EARLIEST_DAY),
                last=date_text(LATEST_DAY),
            ),
            name,
        )
        for name, day in (("start", start), ("end", end))
        if day is not None and not EARLIEST_DAY <= day <= LATEST_DAY
    ]
    if not refusals and start is not None and end is not None and start > end:
        refusals.append(ServiceError(_("The end date comes before the start date."), "end"))
    return refusals


def _midnight(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time.min, zone)


def search_events(filters: EventFilters | None = None) -> sa.Select[tuple[AuditEvent]]:
    """The events the log shows, newest first, who made them loaded; ServiceError for a
    range of days that is not one."""
    filters = filters or EventFilters()
    refusals = date_refusals(filters.start, filters.end)
    if refusals:
        raise refusals[0]
    query = sa.select(AuditEvent)
    if filters.person is not None:
        query = query.where(AuditEvent.actor_id == filters.person.id)
    elif filters.by_system:
        query = query.where(AuditEvent.actor_id.is_(None))
    if filters.kind:
        query = query.where(AuditEvent.object_type == filters.kind)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    zone = portal_time_zone()
    if filters.start is not None:
        query = query.where(AuditEvent.created_at >= _midnight(filters.start, zone))
    if filters.end is not None:
        next_day = filters.end + timedelta(days=1)
        query = query.where(AuditEvent.created_at < _midnight(next_day, zone))
    return query.options(selectinload(AuditEvent.actor)).order_by(
        AuditEvent.created_at.desc(), AuditEvent.id.desc()
    )


def _existing(events: Iterable[AuditEvent]) -> set[tuple[str, int]]:
    """Which of the events' objects still exist, as (object_type, id), in one query."""
    wanted: dict[str, set[int]] = {}
    for event in events:
        if event.object_type in MODELS and event.object_id is not None:
            wanted.setdefault(event.object_type, set()).add(event.object_id)
    if not wanted:
        return set()
    selects = [
        sa.select(sa.literal(kind, sa.String).label("kind"), MODELS[kind].id.label("id")).where(
            MODELS[kind].id.in_(sorted(ids))
        )
        for kind, ids in wanted.items()
    ]
    query = selects[0] if len(selects) == 1 else sa.union_all(*selects)
    return {(kind, ident) for kind, ident in db.session.execute(query)}


def _link(event: AuditEvent, settings: PortalSettings) -> Link | None:
    """Where the event's object is shown, if it has a page."""
    values = {**(event.before or {}), **(event.after or {})}
    if event.object_type in PAGES:
        endpoint, argument = PAGES[event.object_type]
        return Link(endpoint, {argument: event.object_id})
    if event.object_type == "PortalSettings":
        return Link("settings.index", {})
    if event.object_type == "PolicyVersion":
        number = values.get("number")
        return Link("publishing.history", {"_anchor": f"version-{number}"} if number else {})
    language = values.get("language")
    if event.object_type == "TextUnit" and language in settings.enabled_languages:
        return Link("translation.history", {"unit_id": event.object_id, "language": language})
    if event.object_type == "CheckDismissal":
        # A dismissed warning is shown with what it was about.
        if values.get("entry_id"):
            return Link("inventory.update", {"entry_id": values["entry_id"], "_anchor": "problems"})
        translated = [
            code for code in settings.enabled_languages if code != settings.source_language
        ]
        if values.get("unit_id") and language in translated:
            return Link("translation.edit", {"unit_id": values["unit_id"], "language": language})
    return None


def readable_events(events: Sequence[AuditEvent]) -> list[EventRow]:
    """The events in words, with a link to each object that still exists."""
    existing = _existing(events)
    settings = get_settings()
    zone = portal_time_zone()
    rows = []
    for event in events:
        known = event.object_type in MODELS and event.object_id is not None
        exists = (event.object_type, event.object_id) in existing
        rows.append(
            EventRow(
                event=event,
                when=event.created_at.astimezone(zone),
                person=event.actor.email if event.actor else None,
                action=action_label(event.action),
                kind=kind_label(event.object_type),
                label=event.object_label or f"#{event.object_id}",
                link=_link(event, settings) if exists else None,
                deleted=known and not exists,
                changes=changes_of(event, settings.source_language),
            )
        )
    return rows


# --- CSV ----------------------------------------------------------------------------------


def _in_batches(query: sa.Select[tuple[AuditEvent]]) -> Iterator[list[AuditEvent]]:
    """The query's events, newest first, a batch at a time: each batch starts after the
    last event of the one before, so no batch reads past the ones it returns."""
    last: AuditEvent | None = None
    while True:
        batch_query = query
        if last is not None:
            batch_query = query.where(
                sa.or_(
                    AuditEvent.created_at < last.created_at,
                    sa.and_(AuditEvent.created_at == last.created_at, AuditEvent.id < last.id),
                )
            )
        batch = list(db.session.scalars(batch_query.limit(EXPORT_BATCH)))
        if batch:
            yield batch
        if len(batch) < EXPORT_BATCH:
            return
        last = batch[-1]


def export_rows(filters: EventFilters | None = None) -> Iterator[list[str]]:
    """The filtered events as table rows, after a header: one row per value recorded, or
    one for an event that recorded none."""
    yield [
        _("Time"),
        _("E-mail"),
        _("Action"),
        _("Kind"),
        _("Object id"),
        _("Object"),
        _("Field"),
        _("Before"),
        _("After"),
    ]
    zone = portal_time_zone()
    for batch in _in_batches(search_events(filters)):
        for event in batch:
            common = [
                event.created_at.astimezone(zone).isoformat(timespec="seconds"),
                event.actor.email if event.actor else "",
                action_label(event.action),
                kind_label(event.object_type),
                "" if event.object_id is None else str(event.object_id),
                event.object_label,
            ]
            changes = changes_of(event)
            if not changes:
                yield [*common, "", "", ""]
            for change in changes:
                yield [*common, change.field, change.before, change.after]


def export_csv(filters: EventFilters | None = None) -> Iterator[str]:
    """The filtered events as a CSV file, a piece at a time.

    UTF-8 with a byte-order mark, which spreadsheets need to read accents right; every cell
    neutralised against formulas.
    """
    yield "\ufeff"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for number, row in enumerate(export_rows(filters), start=1):
        writer.writerow([neutralise_cell(value) for value in row])
        if number % EXPORT_BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def export_filename() -> str:
    """The CSV file's name, dated in the portal's time zone."""
    return f"audit-log-{datetime.now(portal_time_zone()).date().isoformat()}.csv"
