"""The draft policy as data: what a version freezes, what pages and diffs are made from.

``build_content()`` reads the inventory, the portal settings and the policy texts into one
JSON-serialisable structure holding every enabled language, so a published version keeps
everything needed to render it again, compare it or restore it, whatever changes later.
"""

import hashlib
import json
from typing import Any

from ..contexts import POLICY_TEXT_LABELS, TextContext, text_contexts
from ..models import (
    Category,
    CookieEntry,
    PolicyText,
    Provider,
    TextUnit,
)
from ..portal import SECTIONS_BEFORE_TABLES, get_settings, portal_values

# Bumped if the shape below ever changes, so old versions can still be read.
CONTENT_FORMAT = 1

# How the team works, not what the page says: left out of the frozen portal settings.
WORKFLOW_SETTINGS = frozenset({"review_required"})


def _texts(unit: TextUnit, languages: list[str]) -> dict[str, str]:
    """A unit's current text in each language; empty where there is none yet."""
    return {language: unit.text(language) for language in languages}


def _provider(provider: Provider, languages: list[str]) -> dict[str, Any]:
    return {
        "id": provider.id,
        "name": provider.name,
        "website": provider.website,
        "privacy_policy_url": provider.privacy_policy_url,
        "country": provider.country,
        "safeguard": _texts(provider.safeguard_unit, languages),
    }


def _value(member: Any) -> Any:
    return None if member is None else member.value


def _entry(entry: CookieEntry, languages: list[str]) -> dict[str, Any]:
    return {
        "id": entry.id,
        "names": [{"name": name.name, "is_prefix": name.is_prefix} for name in entry.names],
        "provider": _provider(entry.provider, languages),
        "storage_kind": _value(entry.storage_kind),
        "party": _value(entry.party),
        "domain": entry.domain,
        "locations": list(entry.locations),
        "function": _texts(entry.function_unit, languages),
        "purpose": _texts(entry.purpose_unit, languages),
        "duration": {
            "kind": _value(entry.duration_kind),
            "value": entry.duration_value,
            "unit": _value(entry.duration_unit),
        },
        "consent_basis": _value(entry.consent_basis),
        "exemption_ground": _value(entry.exemption_ground),
    }


def _entry_order(entry: CookieEntry) -> tuple[str, int]:
    return (entry.name_list[0] if entry.names else "", entry.id)


def _reviewed_on(entries: list[CookieEntry]) -> str | None:
    """The day the inventory was last reviewed: the latest review of the entries shown."""
    days = [entry.last_reviewed_on for entry in entries if entry.last_reviewed_on is not None]
    return max(days).isoformat() if days else None


def build_content(contexts: list[TextContext] | None = None) -> dict[str, Any]:
    """The draft policy in every enabled language, in a fixed number of queries.

    Categories come in their position order, each with the entries the page shows (visible,
    not archived), sorted by their first name. The policy's sections come in page order: their
    texts by key in "texts"; their order, side of the cookie tables and (for those an operator
    added) headings in "sections". "reviewed_on" is the latest review date of the entries
    shown (ISO, or None when none was ever reviewed); contents frozen before it existed lack
    it. What the policy shows is what the translation view and the checks see:
    ``text_contexts()``, given as ``contexts`` when the caller has them already.
    """
    settings = get_settings()
    languages = list(settings.enabled_languages)
    owners: dict[tuple[type, int], Any] = {}
    for context in text_contexts() if contexts is None else contexts:
        owners.setdefault((type(context.owner), context.owner.id), context.owner)
    policy_texts = [owner for owner in owners.values() if isinstance(owner, PolicyText)]
    categories = [owner for owner in owners.values() if isinstance(owner, Category)]
    entries = [
        owner for owner in owners.values() if isinstance(owner, CookieEntry) and owner.visible
    ]
    by_category: dict[int, list[CookieEntry]] = {}
    for entry in sorted(entries, key=_entry_order):
        by_category.setdefault(entry.category_id, []).append(entry)
    return {
        "format": CONTENT_FORMAT,
        "portal": {
            name: value
            for name, value in portal_values(settings).items()
            if name not in WORKFLOW_SETTINGS
        },
        "reviewed_on": _reviewed_on(entries),
        "texts": {text.key: _texts(text.unit, languages) for text in policy_texts},
        "sections": [
            {
                "key": text.key,
                "title": _texts(text.title_unit, languages) if text.title_unit else None,
                "after_tables": text.after_tables,
            }
            for text in policy_texts
        ],
        "categories": [
            {
                "slug": category.slug,
                "consent_required_default": category.consent_required_default,
                "name": _texts(category.name_unit, languages),
                "explanation": _texts(category.explanation_unit, languages),
                "entries": [_entry(entry, languages) for entry in by_category.get(category.id, [])],
            }
            for category in categories
        ],
    }


def canonical_json(content: dict[str, Any]) -> str:
    """One spelling of ``content``: the same data always gives the same characters."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def sections_of(content: dict[str, Any]) -> list[dict[str, Any]]:
    """A content's sections in page order: key, heading's texts (None for a built-in section),
    whether they come after the cookie tables.

    Contents published before operators could add sections have none: there the page followed
    the order of "texts", each built-in section on its side of the tables.
    """
    if "sections" in content:
        return content["sections"]
    return [
        {"key": key, "title": None, "after_tables": key not in SECTIONS_BEFORE_TABLES}
        for key in content["texts"]
    ]


def section_label(key: str, title: dict[str, str] | None, language: str, source: str) -> str:
    """A section's name for people: a built-in one's in the interface language, one an operator
    added by its heading in ``language`` (else in the source language)."""
    if title:
        return title.get(language, "").strip() or title.get(source, "").strip() or key
    return str(POLICY_TEXT_LABELS.get(key, key))


def entries_of(content: dict[str, Any]) -> dict[int, tuple[dict[str, Any], str]]:
    """Every entry of a content by id, with its category's slug."""
    return {
        entry["id"]: (entry, category["slug"])
        for category in content["categories"]
        for entry in category["entries"]
    }
