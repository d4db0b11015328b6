"""The inventory's verbs for one object at a time: categories, providers and cookie
entries created, changed, moved, archived and deleted, each validated whole, audited and
committed once. ``services`` offers them, with the verbs on many at once.
"""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import selectinload

from .. import texts
from ..audit import record_event
from ..extensions import db
from ..models import (
    Category,
    CookieEntry,
    CookieName,
    Provider,
    TextKind,
    User,
    utcnow,
)
from ..portal import get_settings
from ..service_errors import ServiceError, one_change
from .fields import recorded_fields
from .validation import (
    NAMED_ENTRIES,
    EntryData,
    examine_category,
    examine_entry,
    examine_provider,
)

T = TypeVar("T")


# --- Saving -------------------------------------------------------------------------------


@contextmanager
def change() -> Iterator[None]:
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


def record_change(
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


def entries_message(entries: Sequence[CookieEntry]) -> str:
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
        raise ServiceError(refusal(len(entries), entries_message(entries)))


# --- Categories ---------------------------------------------------------------------------


def create_category(
    *,
    slug: str,
    name: str,
    explanation: str,
    consent_required_default: bool,
    actor: User | None,
) -> Category:
    with change():
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
    with change():
        values = _valid(*examine_category(slug, name, explanation, category))
        before = recorded_fields(category)
        category.slug = values["slug"]
        category.consent_required_default = bool(consent_required_default)
        for unit, text in (
            (category.name_unit, values["name"]),
            (category.explanation_unit, values["explanation"]),
        ):
            texts.set_source_text(unit, text, actor, minor_edit=minor_edit)
        record_change(actor, "update", category, category.slug, before, recorded_fields(category))
    return category


def move_category(category: Category, *, direction: str, actor: User | None) -> None:
    """Swap the category with its neighbour above ("up") or below ("down")."""
    with change():
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
    with change():
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
    with change():
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
    with change():
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
    with change():
        values = _valid(
            *examine_provider(name, website, privacy_policy_url, country, safeguard, provider)
        )
        before = recorded_fields(provider)
        texts.set_source_text(
            provider.safeguard_unit, values.pop("safeguard"), actor, minor_edit=minor_edit
        )
        for key, value in values.items():
            setattr(provider, key, value)
        record_change(actor, "update", provider, provider.name, before, recorded_fields(provider))
    return provider


def delete_provider(provider: Provider, *, actor: User | None) -> None:
    """Delete a provider no entry uses, active or archived."""
    with change():
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
    with change():
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
    with change():
        data = _valid(*examine_entry(data, entry))
        before = recorded_fields(entry)
        _apply(entry, data)
        texts.set_source_text(entry.function_unit, data.function, actor, minor_edit=minor_edit)
        texts.set_source_text(entry.purpose_unit, data.purpose, actor, minor_edit=minor_edit)
        if record_change(actor, "update", entry, entry.label, before, recorded_fields(entry)):
            entry.updated_at = utcnow()
            entry.updated_by = actor
    return entry


def set_archived(entry: CookieEntry, archived: bool, actor: User | None) -> None:
    with change():
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
    set_archived(entry, True, actor)


def restore_entry(entry: CookieEntry, *, actor: User | None) -> None:
    set_archived(entry, False, actor)


def delete_entry(entry: CookieEntry, *, actor: User | None) -> None:
    """Delete an archived entry for good, with its texts."""
    with change():
        if not entry.archived:
            raise ServiceError(_("Only archived entries can be deleted. Archive it first."))
        _delete(entry, actor, entry.label)
