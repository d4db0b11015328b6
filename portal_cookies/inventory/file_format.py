"""The inventory's file formats, CSV and JSON (docs/inventory-format.md): their columns and
fields, and the files written from the portal. ``file_reading`` reads them back.
"""

import csv
import io
import json
from typing import Any

from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Category, CookieEntry, Provider, TextUnit
from ..portal import get_settings
from ..spreadsheet import neutralise_cell

FORMAT = "portal-cookies-inventory"
FORMAT_VERSION = 1
CSV = "csv"
JSON = "json"
FORMATS = (CSV, JSON)
MAX_FILE_SIZE = 5 * 1024 * 1024
MAX_ENTRIES = 5000
# Cookie names are RFC 6265 tokens, which never hold a space: a space separates them in a cell.
SEPARATOR = " "
BOM = "\ufeff"

# Each kind of record's translatable texts: a column per language in a CSV file, an object by
# language in a JSON file.
TEXT_FIELDS = {
    "entry": ("function", "purpose"),
    "provider": ("safeguard",),
    "category": ("name", "explanation"),
}
# The CSV columns a provider's and a category's fields take, on each row naming them.
PROVIDER_PREFIX = "provider_"
CATEGORY_PREFIX = "category_"
REQUIRED_COLUMNS = ("names", "provider", "category")


def file_languages() -> list[str]:
    """The languages a file has texts in: the portal's, the source language first."""
    settings = get_settings()
    source = settings.source_language
    return [source, *(code for code in settings.enabled_languages if code != source)]


# --- Writing ------------------------------------------------------------------------------


def _texts(units: dict[str, TextUnit], names: tuple[str, ...], languages: list[str]):
    return {
        name: {language: units[name].text(language) for language in languages} for name in names
    }


def _entries() -> list[CookieEntry]:
    return list(
        db.session.scalars(
            db.select(CookieEntry)
            .options(
                selectinload(CookieEntry.names),
                selectinload(CookieEntry.provider),
                selectinload(CookieEntry.category),
            )
            .order_by(CookieEntry.id)
        )
    )


def _value(value: Any) -> Any:
    return getattr(value, "value", value)


def _entry_object(entry: CookieEntry, languages: list[str]) -> dict[str, Any]:
    duration = None
    if entry.duration_kind is not None:
        duration = {
            "kind": entry.duration_kind.value,
            "value": entry.duration_value,
            "unit": _value(entry.duration_unit),
        }
    return {
        "names": entry.name_list,
        "domain": entry.domain,
        "provider": entry.provider.name,
        "category": entry.category.slug,
        "storage_kind": entry.storage_kind.value,
        "party": entry.party.value,
        "locations": list(entry.locations),
        **_texts(entry.text_units, TEXT_FIELDS["entry"], languages),
        "duration": duration,
        "consent_basis": entry.consent_basis.value,
        "exemption_ground": _value(entry.exemption_ground),
        "visible": entry.visible,
        "archived": entry.archived,
        "notes": entry.notes,
        "last_reviewed_on": entry.last_reviewed_on.isoformat() if entry.last_reviewed_on else None,
    }


def _provider_object(provider: Provider, languages: list[str]) -> dict[str, Any]:
    return {
        "name": provider.name,
        "website": provider.website,
        "privacy_policy_url": provider.privacy_policy_url,
        "country": provider.country,
        **_texts(provider.text_units, TEXT_FIELDS["provider"], languages),
    }


def _category_object(category: Category, languages: list[str]) -> dict[str, Any]:
    return {
        "slug": category.slug,
        **_texts(category.text_units, TEXT_FIELDS["category"], languages),
        "consent_required_default": category.consent_required_default,
    }


def export_json() -> bytes:
    """Every category, provider and entry (archived ones too), in the order of the page."""
    languages = file_languages()
    categories = db.session.scalars(db.select(Category).order_by(Category.position, Category.id))
    providers = sorted(db.session.scalars(db.select(Provider)), key=lambda p: p.name.casefold())
    document = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "source_language": languages[0],
        "languages": languages,
        "categories": [_category_object(category, languages) for category in categories],
        "providers": [_provider_object(provider, languages) for provider in providers],
        "entries": [_entry_object(entry, languages) for entry in _entries()],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()


def csv_columns(languages: list[str]) -> list[str]:
    def per_language(*names: str) -> list[str]:
        return [f"{name}_{language}" for name in names for language in languages]

    return [
        "names",
        "domain",
        "provider",
        "category",
        "storage_kind",
        "party",
        "locations",
        *per_language(*TEXT_FIELDS["entry"]),
        "duration_kind",
        "duration_value",
        "duration_unit",
        "consent_basis",
        "exemption_ground",
        "visible",
        "archived",
        "notes",
        "last_reviewed_on",
        "provider_website",
        "provider_privacy_policy_url",
        "provider_country",
        *per_language("provider_safeguard"),
        *per_language("category_name", "category_explanation"),
        "category_consent_required_default",
    ]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return SEPARATOR.join(value)
    return str(value)


def _flat(prefix: str, item: dict[str, Any]) -> dict[str, Any]:
    """A JSON object as CSV cells: its texts a column per language, names ``prefix``-ed."""
    flat = {}
    for key, value in item.items():
        if isinstance(value, dict):
            for language, text in value.items():
                flat[f"{prefix}{key}_{language}"] = text
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def export_csv(*, bom: bool = False) -> bytes:
    """One row per entry (archived ones too), with its provider's and category's fields."""
    languages = file_languages()
    columns = csv_columns(languages)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for entry in _entries():
        item = _entry_object(entry, languages)
        duration = item.pop("duration") or {}
        row = {
            **_flat("", item),
            **{f"duration_{key}": duration.get(key) for key in ("kind", "value", "unit")},
            **_flat(PROVIDER_PREFIX, _provider_object(entry.provider, languages)),
            **_flat(CATEGORY_PREFIX, _category_object(entry.category, languages)),
        }
        writer.writerow([neutralise_cell(_cell(row.get(column))) for column in columns])
    return ((BOM if bom else "") + buffer.getvalue()).encode()
