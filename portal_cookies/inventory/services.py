"""The inventory's verbs: creating, changing, moving, archiving and deleting categories,
providers and cookie entries; exporting and importing the inventory as a file; comparing it
with what a browser was seen to store (the drift report) and scanning a site for it (``scan``).

A change validates everything first, records one audit event and commits once. A refused
change raises ServiceError naming the form field at fault, and leaves the database as it was.
The verbs on one object are in ``editing``; the lists and searches, in ``queries``; what the
forms validate, in ``validation``; the files, in ``exchange`` and the modules it names.
"""

from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import date
from typing import IO, Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..i18n import portal_today
from ..models import (
    Category,
    CookieEntry,
    DriftCheck,
    DriftFinding,
    DriftKind,
    PendingImport,
    Provider,
    StorageKind,
    User,
    utcnow,
)
from ..portal import get_settings
from ..service_errors import ServiceError
from . import drift, exchange, file_format, pending_imports, queries
from .drift import DriftReport
from .editing import archive_entry as archive_entry
from .editing import arrange_categories as arrange_categories
from .editing import (
    change,
    entries_message,
    record_change,
    set_archived,
)
from .editing import create_category as create_category
from .editing import create_entry as create_entry
from .editing import create_provider as create_provider
from .editing import delete_category as delete_category
from .editing import delete_entry as delete_entry
from .editing import delete_provider as delete_provider
from .editing import move_category as move_category
from .editing import restore_entry as restore_entry
from .editing import update_category as update_category
from .editing import update_entry as update_entry
from .editing import update_provider as update_provider
from .fields import recorded_fields
from .import_preview import ImportPreview, ImportStatus
from .observations import Observation
from .observed_files import read_observed_file
from .scan import ScanResult, scan
from .validation import (
    NAMED_ENTRIES,
    EntryData,
)

# More than any list page shows: a longer selection is not a person's.
MAX_ENTRIES_AT_ONCE = 500


# --- Scanning -----------------------------------------------------------------------------


def scan_site(
    url: str,
    *,
    pages: int = 20,
    same_site: bool = False,
    har_path: str | None = None,
    timeout: float = 15,
) -> ScanResult:
    """Follow the links of the site at ``url`` in a headless Chromium, through at most
    ``pages`` addresses (``timeout`` seconds each), and report each cookie and web storage key
    the browser held, where it appeared first; with ``har_path``, write the traffic there as
    a HAR file. Forms are never submitted; ``same_site`` also follows the site's other hosts
    and ports (``scan.Scope``). Refuses (ServiceError) an address that is not http(s), a start
    page that cannot be read, and a missing Playwright or Chromium, saying how to install
    them."""
    return scan(url, pages=pages, same_site=same_site, har_path=har_path, timeout=timeout)


# --- Exchange: the inventory as a file ----------------------------------------------------
EXPORT_FORMATS = file_format.FORMATS
# The files an import reads are held to this size, and to this many entries.
MAX_IMPORT_SIZE = file_format.MAX_FILE_SIZE


def export_inventory(format: str, *, bom: bool = False) -> bytes:
    """Every entry as a CSV (optionally with a byte-order mark, for spreadsheets) or JSON
    file: docs/inventory-format.md."""
    if format == file_format.CSV:
        return file_format.export_csv(bom=bom)
    if format == file_format.JSON:
        if bom:
            raise ServiceError(_("A byte-order mark is for CSV files only."), "bom")
        return file_format.export_json()
    raise ServiceError(_("Choose CSV or JSON."), "format")


def export_filename(format: str) -> str:
    """The file's name, dated in the portal's time zone."""
    today = portal_today()
    return f"cookie-inventory-{today.isoformat()}.{format}"


def preview_import(data: bytes, *, format: str | None = None) -> ImportPreview:
    """What importing the file would do, entry by entry; ServiceError for a file that cannot
    be read. Nothing changes."""
    try:
        return exchange.plan_import(data, format).preview
    finally:
        db.session.rollback()


def apply_import(
    data: bytes, *, format: str | None = None, skip_invalid: bool = False, actor: User | None
) -> ImportPreview:
    """Import the file in one transaction, each change through the inventory's own verbs.
    The plan is made again here, on the inventory as it is now. Any invalid row refuses the
    whole file, unless ``skip_invalid``: then the valid ones are applied. Returns the preview
    of what was done.
    """
    with change():
        plan = exchange.plan_import(data, format)
        preview = plan.preview
        invalid = preview.invalid
        if invalid and not skip_invalid:
            first = invalid[0]
            raise ServiceError(
                ngettext(
                    "%(num)s row is invalid (%(place)s: %(reason)s); nothing was imported.",
                    "%(num)s rows are invalid, the first %(place)s: %(reason)s; nothing was "
                    "imported.",
                    len(invalid),
                    place=first.places[0],
                    reason=" ".join(first.reasons),
                ),
                "file",
            )
        providers = {
            key: _import_named(item, create_provider, update_provider, actor)
            for key, item in plan.providers.items()
            if item.valid
        }
        categories = {
            key: _import_named(item, create_category, update_category, actor)
            for key, item in plan.categories.items()
            if item.valid
        }
        for item in plan.entries:
            if item.valid and item.item.status != ImportStatus.UNCHANGED:
                _import_entry(
                    item, providers[item.provider_key], categories[item.category_key], actor
                )
    return preview


def _import_named(plan: exchange.Plan, create: Callable, update: Callable, actor: User | None):
    """A provider or category of an import: created, changed or kept, then its translations."""
    named = plan.existing
    if named is None:
        named = create(**plan.values, actor=actor)
    elif plan.item.status == ImportStatus.CHANGED:
        update(named, **plan.values, actor=actor)
    exchange.save_translations(named.text_units, plan.translations, actor)
    return named


def _import_entry(
    plan: exchange.EntryPlan, provider: Provider, category: Category, actor: User | None
) -> None:
    data = EntryData(**{**plan.values, "provider": provider, "category": category})
    if plan.existing is None:
        entry = create_entry(data, actor=actor)
    else:
        entry = update_entry(plan.existing, data, actor=actor)
    exchange.save_translations(entry.text_units, plan.translations, actor)
    if entry.archived != plan.archived:
        set_archived(entry, plan.archived, actor)


def hold_import(data: bytes, filename: str, *, actor: User) -> str:
    """Keep an uploaded file until its uploader confirms the import; the token naming it."""
    return pending_imports.hold_file(data, filename, actor)


def held_import(token: str, *, actor: User) -> PendingImport:
    """The file ``actor`` uploaded under ``token``; ServiceError once it is gone."""
    return pending_imports.held_file(token, actor)


def drop_import(pending: PendingImport) -> None:
    pending_imports.drop_file(pending)


# --- Reviews ------------------------------------------------------------------------------


def find_entries(ids: Iterable[int]) -> list[CookieEntry]:
    """The entries with these ids, in this order; refused, naming them, if any is missing."""
    wanted = list(dict.fromkeys(ids))
    if len(wanted) > MAX_ENTRIES_AT_ONCE:
        raise ServiceError(
            _("Choose %(count)s entries at most at once.", count=MAX_ENTRIES_AT_ONCE)
        )
    found = {
        entry.id: entry
        for entry in db.session.scalars(
            db.select(CookieEntry)
            .where(CookieEntry.id.in_(wanted))
            .options(selectinload(CookieEntry.names))
        )
    }
    missing = [str(ident) for ident in wanted if ident not in found]
    if missing:
        raise ServiceError(
            ngettext(
                "There is no entry number %(ids)s (deleted meanwhile?): nothing was changed.",
                "There are no entries numbered %(ids)s (deleted meanwhile?): nothing was changed.",
                len(missing),
                ids=", ".join(missing[:NAMED_ENTRIES]),
            )
        )
    return [found[ident] for ident in wanted]


def mark_reviewed(entries: Sequence[CookieEntry], *, actor: User | None) -> date:
    """Record that people checked these entries against the portal today (the portal's day,
    in its time zone); an entry already marked today records nothing. Returns that day."""
    with change():
        if not entries:
            raise ServiceError(_("Choose the entries to mark as reviewed."))
        archived = [entry for entry in entries if entry.archived]
        if archived:
            raise ServiceError(
                ngettext(
                    "The entry %(entries)s is archived: restore it to review it. Nothing was "
                    "changed.",
                    "%(num)s entries are archived: %(entries)s. Restore them to review them. "
                    "Nothing was changed.",
                    len(archived),
                    entries=entries_message(archived),
                )
            )
        today = portal_today()
        for entry in entries:
            before = recorded_fields(entry)
            entry.last_reviewed_on = today
            if record_change(actor, "review", entry, entry.label, before, recorded_fields(entry)):
                entry.updated_at = utcnow()
                entry.updated_by = actor
    return today


def count_entries_due_for_review() -> int:
    """How many active entries nobody reviewed for ``checks.REVIEW_INTERVAL_MONTHS``."""
    return queries.count_due_for_review()


# --- Drift --------------------------------------------------------------------------------


def build_drift_report(
    observations: Iterable[Observation], observed_kinds: Collection[StorageKind] | None = None
) -> DriftReport:
    """Compare what a browser was seen to store with the active entries (``drift``)."""
    return drift.build_drift_report(observations, get_settings(), observed_kinds)


def drift_report_from_file(stream: IO[Any], *, source: str, actor: User | None) -> DriftReport:
    """Read a HAR or cookies.txt file, compare it with the inventory and keep the report as
    the latest. A malformed file raises ServiceError and changes nothing."""
    report = build_drift_report(read_observed_file(stream))
    drift.record_drift_report(report, source=source, actor=actor)
    return report


def record_drift_report(report: DriftReport, *, source: str, actor: User | None) -> DriftCheck:
    return drift.record_drift_report(report, source=source, actor=actor)


def latest_drift_check() -> DriftCheck | None:
    """The latest drift report with its findings, or None before the first."""
    return drift.latest_drift_check()


def draft_values(finding: DriftFinding) -> dict[str, Any]:
    """What an undeclared cookie's new entry form starts with: what was observed."""
    return drift.draft_values(finding)


def create_entry_from_finding(
    finding: DriftFinding, data: EntryData, *, actor: User | None
) -> CookieEntry:
    """Declare an undeclared cookie of the latest drift report: the entry is created and the
    finding, now answered, leaves the report."""
    if finding.kind != DriftKind.UNDECLARED:
        raise ServiceError(_("Only an undeclared cookie becomes a new entry."))
    with change():
        entry = create_entry(data, actor=actor)
        db.session.delete(finding)
    return entry
