"""Each inventory object's fields, listed once.

The edit forms are filled from them, the audit trail records them (before and after a change,
only those that changed) and a change that alters none of them records nothing.
"""

import enum
from datetime import date
from typing import Any

from ..models import Category, CookieEntry, Provider


def category_fields(category: Category) -> dict[str, Any]:
    return {
        "slug": category.slug,
        "name": category.name_unit.source_text,
        "explanation": category.explanation_unit.source_text,
        "consent_required_default": category.consent_required_default,
    }


def provider_fields(provider: Provider) -> dict[str, Any]:
    return {
        "name": provider.name,
        "website": provider.website,
        "privacy_policy_url": provider.privacy_policy_url,
        "country": provider.country,
        "safeguard": provider.safeguard_unit.source_text,
    }


def entry_fields(entry: CookieEntry) -> dict[str, Any]:
    """An entry's fields, texts in the source language, in the order people read them."""
    return {
        "names": entry.name_list,
        "provider": entry.provider,
        "category": entry.category,
        "storage_kind": entry.storage_kind,
        "party": entry.party,
        "domain": entry.domain,
        "locations": list(entry.locations),
        "function": entry.function_unit.source_text,
        "purpose": entry.purpose_unit.source_text,
        "duration_kind": entry.duration_kind,
        "duration_value": entry.duration_value,
        "duration_unit": entry.duration_unit,
        "consent_basis": entry.consent_basis,
        "exemption_ground": entry.exemption_ground,
        "visible": entry.visible,
        "notes": entry.notes,
        "last_reviewed_on": entry.last_reviewed_on,
    }


def fields_of(obj: Category | Provider | CookieEntry) -> dict[str, Any]:
    if isinstance(obj, Category):
        return category_fields(obj)
    if isinstance(obj, Provider):
        return provider_fields(obj)
    return entry_fields(obj)


def _recorded(value: Any) -> Any:
    """A field's value as the audit trail keeps it: plain JSON, a provider by its name and a
    category by its slug, so the record still reads after they are renamed or deleted."""
    if isinstance(value, Provider):
        return value.name
    if isinstance(value, Category):
        return value.slug
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [_recorded(item) for item in value]
    return value


DURATION_PARTS = {"duration_kind": "kind", "duration_value": "value", "duration_unit": "unit"}


def recorded_fields(obj: Category | Provider | CookieEntry) -> dict[str, Any]:
    """What the audit trail keeps of an object. An entry's duration is kept whole, as the
    published content keeps it: "13 months" before and "6 months" after reads as a change,
    "13" and "6" alone would not."""
    recorded: dict[str, Any] = {}
    for key, value in fields_of(obj).items():
        if key in DURATION_PARTS:
            recorded.setdefault("duration", {})[DURATION_PARTS[key]] = _recorded(value)
        else:
            recorded[key] = _recorded(value)
    return recorded


def form_fields(obj: Category | Provider | CookieEntry) -> dict[str, Any]:
    """An object's fields as its edit form is filled: a provider or category by its id."""
    return {
        key: value.id if isinstance(value, Category | Provider) else value
        for key, value in fields_of(obj).items()
    }
