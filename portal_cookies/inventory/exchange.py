"""The inventory as a file, CSV or JSON, and back (docs/inventory-format.md).

An export writes every entry, texts in each enabled language, its provider and category by
name; an import reads a file whole, matches each entry with the portal's (by any of its names
on its domain) and plans what would change, every row through the entry form's own
validation. ``services.apply_import`` then carries the plan out with the inventory's verbs.
The formats and the export are in ``file_format``, the reading in ``file_reading``; what a
preview says, in ``import_preview``; the files waiting for confirmation, in
``pending_imports``.
"""

import enum
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..i18n import language_name
from ..labels import describe_value, field_label
from ..models import (
    Category,
    CookieEntry,
    CookieName,
    Provider,
    TextState,
    TextUnit,
    User,
)
from ..service_errors import ServiceError
from ..texts import save_imported_text
from ..values import clean_domain, clean_text
from .fields import category_fields, entry_fields, provider_fields
from .file_format import TEXT_FIELDS
from .file_reading import Record, read_file
from .import_preview import FieldChange, ImportPreview, ImportStatus, ItemKind, PreviewItem
from .validation import (
    MAX_CATEGORY_NAME_LENGTH,
    MAX_FUNCTION_LENGTH,
    MAX_LONG_TEXT_LENGTH,
    MAX_PURPOSE_LENGTH,
    EntryData,
    examine_category,
    examine_entry,
    examine_provider,
)

# Each translatable text: its length limit and whether it is a single line, as its form has.
TEXT_LIMITS = {
    "function": (MAX_FUNCTION_LENGTH, True),
    "purpose": (MAX_PURPOSE_LENGTH, False),
    "safeguard": (MAX_LONG_TEXT_LENGTH, False),
    "name": (MAX_CATEGORY_NAME_LENGTH, True),
    "explanation": (MAX_LONG_TEXT_LENGTH, False),
}


# --- Planning -----------------------------------------------------------------------------


@dataclass
class Plan:
    """One item of the file and what applying it takes."""

    item: PreviewItem
    # The values for the inventory's verbs (texts in the source language), when valid.
    values: dict[str, Any] = field(default_factory=dict)
    # Translations to save: field -> language -> text.
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    existing: Any = None

    @property
    def valid(self) -> bool:
        return self.item.status != ImportStatus.INVALID

    def refuse(self, *reasons: str) -> None:
        for reason in reasons:
            self.item.status = ImportStatus.INVALID
            if reason not in self.item.reasons:
                self.item.reasons.append(reason)


@dataclass
class EntryPlan(Plan):
    provider_key: str = ""
    category_key: str = ""
    archived: bool = False


@dataclass
class ImportPlan:
    format: str
    providers: dict[str, Plan]
    categories: dict[str, Plan]
    entries: list[EntryPlan]

    @property
    def preview(self) -> ImportPreview:
        items = [plan.item for plan in [*self.categories.values(), *self.providers.values()]]
        return ImportPreview(self.format, items + [plan.item for plan in self.entries])


def _refusal_text(error: ServiceError) -> str:
    if error.field:
        return f"{field_label(error.field, capitalized=True)}: {error.message}"
    return error.message


def _text_label(name: str, language: str) -> str:
    return f"{field_label(name, capitalized=True)} ({language_name(language)})"


def _compare(before: dict[str, Any], after: dict[str, Any], language: str) -> list[FieldChange]:
    return [
        FieldChange(
            field_label(key, capitalized=True),
            describe_value(key, before.get(key), language),
            describe_value(key, value, language),
        )
        for key, value in after.items()
        if before.get(key) != value
    ]


def _plan_texts(
    plan: Plan,
    record: Record,
    units: dict[str, TextUnit] | None,
    source: str,
) -> None:
    """Validate the record's translations and list those that differ from the portal's."""
    for name, by_language in record.texts.items():
        limit, single_line = TEXT_LIMITS[name]
        for language, text in by_language.items():
            if language == source:
                continue
            try:
                text = clean_text(text, name, limit, None, single_line)
            except ServiceError as error:
                plan.refuse(f"{_text_label(name, language)}: {error.message}")
                continue
            current = units[name].text(language) if units else ""
            # An empty cell leaves a translation as it is: translations are removed in the
            # translation view, where their history shows it.
            if text and text != current:
                plan.translations.setdefault(name, {})[language] = text
                plan.item.changes.append(FieldChange(_text_label(name, language), current, text))


def _finish(plan: Plan, before: dict[str, Any] | None, after: dict[str, Any], source: str):
    """Set the item's status from what it changes; a refused one lists only its reasons."""
    if not plan.valid:
        plan.item.changes.clear()
        return
    if before is None:
        plan.item.status = ImportStatus.NEW
        plan.item.changes.clear()
        return
    plan.item.changes[:0] = _compare(before, after, source)
    plan.item.status = ImportStatus.CHANGED if plan.item.changes else ImportStatus.UNCHANGED


def _merge_records(records: list[Record], key: str) -> dict[str, list[Record]]:
    grouped: dict[str, list[Record]] = {}
    for record in records:
        # A record without a name names nothing: its entry is refused for that.
        if key_of(record.values.get(key, "")):
            grouped.setdefault(key_of(record.values[key]), []).append(record)
    return grouped


def key_of(name: str) -> str:
    """How a provider's name (compared case-insensitively) or a category's slug is matched."""
    return name.strip().casefold()


def _agreed(records: list[Record], plan: Plan, kind_name: str) -> Record:
    """The first record, with the fields the others add; a row that says otherwise is refused."""
    first = records[0]
    merged = Record(
        first.place,
        first.number,
        dict(first.values),
        {name: dict(texts) for name, texts in first.texts.items()},
        list(first.problems),
    )
    for record in records[1:]:
        for key, value in record.values.items():
            # The name or slug is what brought the records together, whatever its case.
            if key not in ("name", "slug") and key in merged.values and merged.values[key] != value:
                plan.refuse(
                    _(
                        "%(place)s gives %(name)s another %(field)s than %(first)s.",
                        place=record.place,
                        name=kind_name,
                        field=field_label(key),
                        first=first.place,
                    )
                )
            merged.values.setdefault(key, value)
        for name, texts in record.texts.items():
            for language, text in texts.items():
                known = merged.texts.setdefault(name, {})
                if language in known and known[language] != text:
                    plan.refuse(
                        _(
                            "%(place)s gives %(name)s another %(field)s than %(first)s.",
                            place=record.place,
                            name=kind_name,
                            field=_text_label(name, language),
                            first=first.place,
                        )
                    )
                known.setdefault(language, text)
        merged.problems.extend(record.problems)
    return merged


def _plan_providers(records: list[Record], source: str) -> dict[str, Plan]:
    existing = {
        key_of(provider.name): provider
        for provider in db.session.scalars(
            db.select(Provider).options(selectinload(Provider.safeguard_unit))
        )
    }
    plans = {}
    for key, group in _merge_records(records, "name").items():
        name = group[0].values.get("name", "")
        provider = existing.get(key)
        plan = Plan(
            PreviewItem(
                ItemKind.PROVIDER,
                name,
                list(dict.fromkeys(record.place for record in group)),
                number=group[0].number,
            ),
            existing=provider,
        )
        record = _agreed(group, plan, f"“{name}”")
        plan.refuse(*record.problems)
        before = provider_fields(provider) if provider else None
        wanted = dict(before or {"website": None, "privacy_policy_url": None, "country": None})
        wanted.update(record.values)
        wanted["safeguard"] = record.texts.get("safeguard", {}).get(
            source, before["safeguard"] if before else ""
        )
        values, refusals = examine_provider(
            wanted["name"],
            wanted["website"],
            wanted["privacy_policy_url"],
            wanted["country"],
            wanted["safeguard"],
            provider,
        )
        plan.refuse(*map(_refusal_text, refusals))
        plan.values = values
        _plan_texts(plan, record, provider.text_units if provider else None, source)
        _finish(plan, before, values, source)
        plans[key] = plan
    return plans


def _plan_categories(records: list[Record], source: str) -> dict[str, Plan]:
    existing = {category.slug: category for category in db.session.scalars(db.select(Category))}
    plans = {}
    for key, group in _merge_records(records, "slug").items():
        category = existing.get(key)
        plan = Plan(
            PreviewItem(
                ItemKind.CATEGORY,
                group[0].values.get("slug", ""),
                list(dict.fromkeys(record.place for record in group)),
                number=group[0].number,
            ),
            existing=category,
        )
        record = _agreed(group, plan, f"“{plan.item.label}”")
        plan.refuse(*record.problems)
        before = category_fields(category) if category else None
        wanted = dict(before or {"consent_required_default": True, "name": "", "explanation": ""})
        wanted.update(record.values)
        for name in ("name", "explanation"):
            wanted[name] = record.texts.get(name, {}).get(source, wanted[name])
        values, refusals = examine_category(
            wanted["slug"], wanted["name"], wanted["explanation"], category
        )
        if category is None and refusals:
            refusals = [
                ServiceError(
                    _(
                        "The category “%(slug)s” does not exist: %(reason)s",
                        slug=plan.item.label,
                        reason=_refusal_text(refusal),
                    )
                )
                for refusal in refusals
            ]
        plan.refuse(*map(_refusal_text, refusals))
        values["consent_required_default"] = wanted["consent_required_default"]
        plan.values = values
        _plan_texts(plan, record, category.text_units if category else None, source)
        _finish(plan, before, values, source)
        plans[key] = plan
    return plans


def _hosts(domain: str) -> list[str]:
    host = domain.lstrip(".")
    return [host, f".{host}"] if host else [""]


def _matching_entries(names: list[str], domain: str | None) -> list[CookieEntry]:
    """The entries that declare one of ``names`` (on ``domain``, when the file gives one)."""
    # A subquery, not a join and DISTINCT: PostgreSQL cannot compare the JSON columns.
    declaring = db.select(CookieName.entry_id).where(CookieName.name.in_(names))
    query = (
        db.select(CookieEntry)
        .where(CookieEntry.id.in_(declaring))
        .options(selectinload(CookieEntry.names))
        .order_by(CookieEntry.id)
    )
    if domain is not None:
        query = query.where(CookieEntry.domain.in_(_hosts(domain)))
    return list(db.session.scalars(query))


NEW_ENTRY = {
    "names": [],
    "provider": None,
    "category": None,
    "storage_kind": None,
    "party": None,
    "domain": "",
    "locations": [],
    "function": "",
    "purpose": "",
    "duration_kind": None,
    "duration_value": None,
    "duration_unit": None,
    "consent_basis": None,
    "exemption_ground": None,
    "visible": True,
    "notes": "",
    "last_reviewed_on": None,
}


class _Claims:
    """Which row of the file declared each name on each domain, and changes each entry."""

    def __init__(self) -> None:
        self.names: dict[tuple[str, str], str] = {}
        self.entries: dict[int, str] = {}

    def claim(self, plan: EntryPlan, names: list[str], domain: str | None) -> None:
        host = (domain or "").lstrip(".")
        for name in names:
            other = self.names.setdefault((name, host), plan.item.places[0])
            if other != plan.item.places[0]:
                plan.refuse(
                    _(
                        "“%(name)s” on this domain is also declared in %(place)s.",
                        name=name,
                        place=other,
                    )
                )
        if plan.existing is not None:
            other = self.entries.setdefault(plan.existing.id, plan.item.places[0])
            if other != plan.item.places[0]:
                plan.refuse(
                    _(
                        "%(place)s already changes the entry “%(entry)s”.",
                        place=other,
                        entry=plan.existing.label,
                    )
                )


def _placeholder(plans: dict[str, Plan], key: str, model: type) -> Any:
    """The provider or category an entry names, for validating it: the portal's, or one the
    import would create (never added to the session); None when there is none to use."""
    plan = plans.get(key)
    if plan is None:
        return None
    if plan.existing is not None:
        return plan.existing
    if model is Provider:
        return Provider(name=plan.item.label)
    return Category(slug=plan.item.label)


def _plan_entry(
    record: Record,
    providers: dict[str, Plan],
    categories: dict[str, Plan],
    claims: _Claims,
    source: str,
) -> EntryPlan:
    values = record.values
    names = [name for name in values.get("names", []) if name]
    plan = EntryPlan(
        PreviewItem(ItemKind.ENTRY, ", ".join(names), [record.place], number=record.number),
        provider_key=key_of(values.get("provider", "")),
        category_key=key_of(values.get("category", "")),
    )
    if record.problems:
        # A value of the wrong type: what the validation would add only repeats it.
        plan.refuse(*record.problems)
        return plan
    domain = None
    if "domain" in values:
        try:
            domain = clean_domain(values["domain"])
        except ServiceError as error:
            plan.refuse(_refusal_text(error))
    matches = _matching_entries(names, domain) if names else []
    if len(matches) > 1:
        plan.refuse(
            _(
                "Its names belong to several entries: %(entries)s.",
                entries=", ".join(f"“{entry.label}”" for entry in matches),
            )
        )
    plan.existing = matches[0] if len(matches) == 1 else None
    claims.claim(plan, names, domain if domain is not None else values.get("domain", ""))
    for key, plans, kind in (
        (plan.provider_key, providers, ItemKind.PROVIDER),
        (plan.category_key, categories, ItemKind.CATEGORY),
    ):
        if key in plans and not plans[key].valid:
            plan.refuse(
                _(
                    "%(kind)s “%(name)s”: %(reason)s",
                    kind=kind.label,
                    name=plans[key].item.label,
                    reason=" ".join(plans[key].item.reasons),
                )
            )
    entry = plan.existing
    before = entry_fields(entry) if entry else None
    wanted = dict(before or NEW_ENTRY)
    wanted.update({key: value for key, value in values.items() if key in NEW_ENTRY})
    for name in TEXT_FIELDS[ItemKind.ENTRY]:
        wanted[name] = record.texts.get(name, {}).get(source, wanted[name])
    wanted["provider"] = _placeholder(providers, plan.provider_key, Provider)
    wanted["category"] = _placeholder(categories, plan.category_key, Category)
    with db.session.no_autoflush:
        data, refusals = examine_entry(EntryData(**wanted), entry)
    plan.refuse(*map(_refusal_text, refusals))
    plan.archived = values.get("archived", entry.archived if entry else False)
    _plan_texts(plan, record, entry.text_units if entry else None, source)
    if entry is not None and plan.archived != entry.archived:
        plan.item.changes.append(
            FieldChange(
                field_label("archived", capitalized=True),
                describe_value("archived", entry.archived),
                describe_value("archived", plan.archived),
            )
        )
    plan.values = vars(data)
    _finish(plan, _comparable(before) if before else None, _comparable(plan.values), source)
    return plan


def _comparable(fields: dict[str, Any]) -> dict[str, Any]:
    """An entry's fields as a change compares them: provider and category by name and slug,
    values of enums as their values."""
    comparable = {}
    for key in NEW_ENTRY:
        value = fields[key]
        if isinstance(value, Provider):
            value = value.name
        elif isinstance(value, Category):
            value = value.slug
        elif isinstance(value, list):
            value = [getattr(item, "value", item) for item in value]
        elif isinstance(value, enum.Enum):
            value = value.value
        comparable[key] = value
    return comparable


def plan_import(data: bytes, format: str | None = None) -> ImportPlan:
    """What importing ``data`` would do; ServiceError for a file that cannot be read."""
    document = read_file(data, format)
    source = document.languages[0]
    providers = _plan_providers(document.providers, source)
    categories = _plan_categories(document.categories, source)
    claims = _Claims()
    entries = [
        _plan_entry(record, providers, categories, claims, source) for record in document.entries
    ]
    return ImportPlan(document.format, providers, categories, entries)


def save_translations(
    units: dict[str, TextUnit], translations: dict[str, dict[str, str]], actor: User | None
) -> None:
    """Save an import's translations as translated texts, each recorded."""
    for name, by_language in translations.items():
        unit = units[name]
        for language, text in by_language.items():
            save_imported_text(
                unit,
                language,
                text,
                actor,
                current=unit.current_version(language),
                label=f"{unit.key} [{language}]",
                state=TextState.TRANSLATED,
            )
