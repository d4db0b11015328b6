"""The inventory's verbs: creating, changing, moving, archiving and deleting categories,
providers and cookie entries; exporting and importing the inventory as a file; comparing it
with what a browser was seen to store (the drift report) and scanning a site for it (``scan``).

A change validates everything first, records one audit event and commits once. A refused
change raises ServiceError naming the form field at fault, and leaves the database as it was.
The lists and searches are in ``queries``; what the forms validate, in ``validation``; the
files, in ``exchange`` and the modules it names.
"""

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import IO, Any, TypeVar

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import selectinload

from .. import texts
from ..audit import record_event
from ..extensions import db
from ..i18n import portal_today
from ..models import (
    Category,
    CookieEntry,
    CookieName,
    DriftCheck,
    DriftFinding,
    DriftKind,
    PendingImport,
    Provider,
    StorageKind,
    TextKind,
    User,
    utcnow,
)
from ..portal import get_settings
from ..service_errors import ServiceError, one_change
from . import drift, exchange, file_format, pending_imports, queries
from .drift import DriftReport
from .fields import recorded_fields
from .import_preview import ImportPreview, ImportStatus
from .observations import Observation
from .observed_files import read_observed_file
from .scan import ScanResult, scan
from .validation import (
    NAMED_ENTRIES,
    EntryData,
    examine_category,
    examine_entry,
    examine_provider,
)

T = TypeVar("T")

# More than any list page shows: a longer selection is not a person's.
MAX_ENTRIES_AT_ONCE = 500


# --- Saving -------------------------------------------------------------------------------


@contextmanager
def _change() -> Iterator[None]:
    """One change (``one_change``); a text someone saved meanwhile is refused too."""
    try:
        with one_change():
            yield
    except texts.TextConflict as error:
        db.session.rollback()
        raise ServiceError(
            _("Someone changed this text meanwhile; nothing was saved. Reload and try again.")
        ) from error


def _valid(values: T, problems: list[ServiceError]) -> T:
    if problems:
        raise problems[0]
    return values


def _record_change(
    actor: User | None,
    action: str,
    obj: Any,
    label: str,
    before: dict[str, Any],
    after: dict[str, Any],
) -> bool:
    """Record the values that changed, if any; tell whether there were."""
    changed = [key for key in after if before.get(key) != after[key]]
    if changed:
        record_event(
            actor,
            action,
            obj,
            label=label,
            before={key: before.get(key) for key in changed},
            after={key: after[key] for key in changed},
        )
    return bool(changed)


def _add(obj: Category | Provider | CookieEntry, actor: User | None, label: str) -> None:
    """Add a new object and record its creation with its values."""
    db.session.add(obj)
    db.session.flush()
    record_event(actor, "create", obj, label=label, after=recorded_fields(obj))


def _delete(obj: Category | Provider | CookieEntry, actor: User | None, label: str) -> None:
    """Delete an object with its texts, which nothing else uses, and record its last values."""
    record_event(actor, "delete", obj, label=label, before=recorded_fields(obj))
    units = list(obj.text_units.values())
    db.session.delete(obj)
    db.session.flush()
    for unit in units:
        db.session.delete(unit)


def _entries_message(entries: Sequence[CookieEntry]) -> str:
    labels = ", ".join(f"“{entry.label}”" for entry in entries[:NAMED_ENTRIES])
    if len(entries) > NAMED_ENTRIES:
        labels = _(
            "%(entries)s and %(count)s more", entries=labels, count=len(entries) - NAMED_ENTRIES
        )
    return labels


def _refuse_if_used(
    column: sa.orm.InstrumentedAttribute[int], ident: int, refusal: Callable[[int, str], str]
) -> None:
    """Refuse to delete what entries, active or archived, still use; the refusal names them."""
    entries = list(
        db.session.scalars(
            db.select(CookieEntry)
            .where(column == ident)
            .options(selectinload(CookieEntry.names))
            .order_by(CookieEntry.archived, CookieEntry.id)
        )
    )
    if entries:
        raise ServiceError(refusal(len(entries), _entries_message(entries)))


# --- Categories ---------------------------------------------------------------------------


def create_category(
    *,
    slug: str,
    name: str,
    explanation: str,
    consent_required_default: bool,
    actor: User | None,
) -> Category:
    with _change():
        values = _valid(*examine_category(slug, name, explanation, None))
        language = get_settings().source_language
        last = db.session.scalar(db.select(sa.func.max(Category.position)))
        category = Category(
            slug=values["slug"],
            position=0 if last is None else last + 1,
            consent_required_default=bool(consent_required_default),
            name_unit=texts.create_unit(TextKind.CATEGORY_NAME, language, values["name"], actor),
            explanation_unit=texts.create_unit(
                TextKind.CATEGORY_EXPLANATION, language, values["explanation"], actor
            ),
        )
        _add(category, actor, category.slug)
    return category


def update_category(
    category: Category,
    *,
    slug: str,
    name: str,
    explanation: str,
    consent_required_default: bool,
    actor: User | None,
    minor_edit: bool = False,
) -> Category:
    with _change():
        values = _valid(*examine_category(slug, name, explanation, category))
        before = recorded_fields(category)
        category.slug = values["slug"]
        category.consent_required_default = bool(consent_required_default)
        for unit, text in (
            (category.name_unit, values["name"]),
            (category.explanation_unit, values["explanation"]),
        ):
            texts.set_source_text(unit, text, actor, minor_edit=minor_edit)
        _record_change(actor, "update", category, category.slug, before, recorded_fields(category))
    return category


def move_category(category: Category, *, direction: str, actor: User | None) -> None:
    """Swap the category with its neighbour above ("up") or below ("down")."""
    with _change():
        if direction not in ("up", "down"):
            raise ServiceError(_("A category moves “up” or “down”."), "direction")
        ordered = list(
            db.session.scalars(db.select(Category).order_by(Category.position, Category.id))
        )
        index = ordered.index(category)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(ordered):
            message = (
                _("This category is already the first.")
                if direction == "up"
                else _("This category is already the last.")
            )
            raise ServiceError(message, "direction")
        before = category.position
        ordered[index], ordered[other] = ordered[other], ordered[index]
        # Renumbering the whole list also repairs equal positions left by older data.
        for position, item in enumerate(ordered):
            item.position = position
        record_event(
            actor,
            "move",
            category,
            label=category.slug,
            before={"position": before},
            after={"position": category.position},
        )


def arrange_categories(categories: Sequence[Category], *, actor: User | None) -> None:
    """Put ``categories`` first, in this order; the others follow in theirs. Each category that
    moves records it."""
    with _change():
        listed = {category.id for category in categories}
        others = db.session.scalars(
            db.select(Category)
            .where(Category.id.not_in(listed))
            .order_by(Category.position, Category.id)
        )
        for position, category in enumerate([*categories, *others]):
            if category.position != position:
                record_event(
                    actor,
                    "move",
                    category,
                    label=category.slug,
                    before={"position": category.position},
                    after={"position": position},
                )
                category.position = position


def delete_category(category: Category, *, actor: User | None) -> None:
    """Delete a category no entry uses, active or archived."""
    with _change():
        _refuse_if_used(
            CookieEntry.category_id,
            category.id,
            lambda count, entries: ngettext(
                "This category is still used by the entry %(entries)s. Move it to another "
                "category or delete it first.",
                "This category is still used by %(num)s entries: %(entries)s. Move them to "
                "other categories or delete them first.",
                count,
                entries=entries,
            ),
        )
        _delete(category, actor, category.slug)


# --- Providers ----------------------------------------------------------------------------


def create_provider(
    *,
    name: str,
    website: str | None,
    privacy_policy_url: str | None,
    country: str | None,
    safeguard: str,
    actor: User | None,
) -> Provider:
    with _change():
        values = _valid(
            *examine_provider(name, website, privacy_policy_url, country, safeguard, None)
        )
        safeguard_unit = texts.create_unit(
            TextKind.PROVIDER_SAFEGUARD,
            get_settings().source_language,
            values.pop("safeguard"),
            actor,
        )
        provider = Provider(**values, safeguard_unit=safeguard_unit)
        _add(provider, actor, provider.name)
    return provider


def update_provider(
    provider: Provider,
    *,
    name: str,
    website: str | None,
    privacy_policy_url: str | None,
    country: str | None,
    safeguard: str,
    actor: User | None,
    minor_edit: bool = False,
) -> Provider:
    with _change():
        values = _valid(
            *examine_provider(name, website, privacy_policy_url, country, safeguard, provider)
        )
        before = recorded_fields(provider)
        texts.set_source_text(
            provider.safeguard_unit, values.pop("safeguard"), actor, minor_edit=minor_edit
        )
        for key, value in values.items():
            setattr(provider, key, value)
        _record_change(actor, "update", provider, provider.name, before, recorded_fields(provider))
    return provider


def delete_provider(provider: Provider, *, actor: User | None) -> None:
    """Delete a provider no entry uses, active or archived."""
    with _change():
        _refuse_if_used(
            CookieEntry.provider_id,
            provider.id,
            lambda count, entries: ngettext(
                "This provider is still used by the entry %(entries)s. Give it another "
                "provider or delete it first.",
                "This provider is still used by %(num)s entries: %(entries)s. Give them "
                "another provider or delete them first.",
                count,
                entries=entries,
            ),
        )
        _delete(provider, actor, provider.name)


# --- Cookie entries -----------------------------------------------------------------------


def _apply(entry: CookieEntry, data: EntryData) -> None:
    entry.provider = data.provider
    entry.category = data.category
    if entry.name_list != data.names:
        entry.names = [CookieName(name=name, position=i) for i, name in enumerate(data.names)]
    entry.storage_kind = data.storage_kind
    entry.party = data.party
    entry.domain = data.domain
    entry.locations = [location.value for location in data.locations]
    entry.duration_kind = data.duration_kind
    entry.duration_value = data.duration_value
    entry.duration_unit = data.duration_unit
    entry.consent_basis = data.consent_basis
    entry.exemption_ground = data.exemption_ground
    entry.visible = data.visible
    entry.notes = data.notes
    entry.last_reviewed_on = data.last_reviewed_on


def create_entry(data: EntryData, *, actor: User | None) -> CookieEntry:
    with _change():
        data = _valid(*examine_entry(data, None))
        language = get_settings().source_language
        entry = CookieEntry(
            function_unit=texts.create_unit(
                TextKind.ENTRY_FUNCTION, language, data.function, actor
            ),
            purpose_unit=texts.create_unit(TextKind.ENTRY_PURPOSE, language, data.purpose, actor),
            created_by=actor,
            updated_by=actor,
        )
        _apply(entry, data)
        _add(entry, actor, entry.label)
    return entry


def update_entry(
    entry: CookieEntry, data: EntryData, *, actor: User | None, minor_edit: bool = False
) -> CookieEntry:
    """Save an entry's new values; an unchanged entry records nothing.

    ``minor_edit`` (a typo fix) keeps the translations of changed texts current.
    """
    with _change():
        data = _valid(*examine_entry(data, entry))
        before = recorded_fields(entry)
        _apply(entry, data)
        texts.set_source_text(entry.function_unit, data.function, actor, minor_edit=minor_edit)
        texts.set_source_text(entry.purpose_unit, data.purpose, actor, minor_edit=minor_edit)
        if _record_change(actor, "update", entry, entry.label, before, recorded_fields(entry)):
            entry.updated_at = utcnow()
            entry.updated_by = actor
    return entry


def _set_archived(entry: CookieEntry, archived: bool, actor: User | None) -> None:
    with _change():
        if entry.archived == archived:
            raise ServiceError(
                _("This entry is already archived.")
                if archived
                else _("This entry is not archived.")
            )
        entry.archived = archived
        entry.updated_at = utcnow()
        entry.updated_by = actor
        record_event(
            actor,
            "archive" if archived else "restore",
            entry,
            label=entry.label,
            before={"archived": not archived},
            after={"archived": archived},
        )


def archive_entry(entry: CookieEntry, *, actor: User | None) -> None:
    """Take an entry off the inventory (and the next published policy), keeping it."""
    _set_archived(entry, True, actor)


def restore_entry(entry: CookieEntry, *, actor: User | None) -> None:
    _set_archived(entry, False, actor)


def delete_entry(entry: CookieEntry, *, actor: User | None) -> None:
    """Delete an archived entry for good, with its texts."""
    with _change():
        if not entry.archived:
            raise ServiceError(_("Only archived entries can be deleted. Archive it first."))
        _delete(entry, actor, entry.label)


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
    with _change():
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
            key: _import_provider(item, actor) for key, item in plan.providers.items() if item.valid
        }
        categories = {
            key: _import_category(item, actor)
            for key, item in plan.categories.items()
            if item.valid
        }
        for item in plan.entries:
            if item.valid and item.item.status != ImportStatus.UNCHANGED:
                _import_entry(
                    item, providers[item.provider_key], categories[item.category_key], actor
                )
    return preview


def _import_provider(plan: exchange.Plan, actor: User | None) -> Provider:
    provider = plan.existing
    if provider is None:
        provider = create_provider(**plan.values, actor=actor)
    elif plan.item.status == ImportStatus.CHANGED:
        update_provider(provider, **plan.values, actor=actor)
    exchange.save_translations(provider.text_units, plan.translations, actor)
    return provider


def _import_category(plan: exchange.Plan, actor: User | None) -> Category:
    category = plan.existing
    if category is None:
        category = create_category(**plan.values, actor=actor)
    elif plan.item.status == ImportStatus.CHANGED:
        update_category(category, **plan.values, actor=actor)
    exchange.save_translations(category.text_units, plan.translations, actor)
    return category


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
        _set_archived(entry, plan.archived, actor)


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
    with _change():
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
                    entries=_entries_message(archived),
                )
            )
        today = portal_today()
        for entry in entries:
            before = recorded_fields(entry)
            entry.last_reviewed_on = today
            if _record_change(actor, "review", entry, entry.label, before, recorded_fields(entry)):
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
    with _change():
        entry = create_entry(data, actor=actor)
        db.session.delete(finding)
    return entry
