"""What changed between two policy contents, and whether visitors must consent again.

``compare(old, new)`` works on the structures of ``content.build_content()`` (the draft, or a
version's frozen content), so it compares the draft with the published version as well as
any two versions. Entries are matched by id, categories by slug, providers by id, the page's
sections by key.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from ..labels import field_label
from ..models import ConsentBasis, Party
from ..portal import PAGE_TITLE
from ..word_diff import Segment, word_diff
from .content import entries_of, section_label, sections_of

# Values compared as a whole, and texts compared language by language, word by word.
ENTRY_FIELDS = (
    "category",
    "names",
    "provider",
    "storage_kind",
    "party",
    "domain",
    "locations",
    "duration",
    "consent_basis",
    "exemption_ground",
)
ENTRY_TEXTS = ("function", "purpose")
CATEGORY_FIELDS = ("position", "consent_required_default")
CATEGORY_TEXTS = ("name", "explanation")
PROVIDER_FIELDS = ("name", "website", "privacy_policy_url", "country")
PROVIDER_TEXTS = ("safeguard",)
# Versions published before a setting existed lack its key: compare reads them with .get().
PORTAL_FIELDS = (
    "name",
    "base_url",
    "source_language",
    "languages",
    "controller_name",
    "controller_address",
    "contact_email",
    "dpo_email",
    "privacy_policy_url",
    "consent_centre_url",
    "complaint_url",
    "time_zone",
)


def entry_label(entry: dict[str, Any]) -> str:
    """How people recognise an entry: its cookie names."""
    return ", ".join(name["name"] for name in entry["names"]) or f"#{entry['id']}"


@dataclass(frozen=True)
class FieldChange:
    """A value compared as a whole."""

    field: str
    before: Any
    after: Any

    @property
    def label(self) -> str:
        return field_label(self.field)


@dataclass(frozen=True)
class TextChange:
    """A text that changed in one language, with its word-level difference."""

    field: str
    language: str
    before: str
    after: str
    segments: tuple[Segment, ...]
    # What people call the text when its field is a key of ours: a section's name.
    name: str = ""

    @property
    def label(self) -> str:
        return self.name or field_label(self.field)


@dataclass(frozen=True)
class Item:
    """An entry, category or provider: ``key`` is its id (or slug), ``data`` its content."""

    key: int | str
    label: str
    data: dict[str, Any]


@dataclass(frozen=True)
class ItemChange:
    item: Item
    fields: tuple[FieldChange, ...]
    texts: tuple[TextChange, ...]

    @property
    def field_names(self) -> list[str]:
        """Every field that changed, texts included, once each, in order."""
        names = [change.field for change in self.fields]
        return names + list(dict.fromkeys(change.field for change in self.texts))


@dataclass
class PolicyDiff:
    """``old`` (None before the first publication) turned into ``new``."""

    initial: bool
    # The language of the categories' names and the headings of the sections an operator added.
    source_language: str = ""
    entries_added: list[Item] = field(default_factory=list)
    entries_removed: list[Item] = field(default_factory=list)
    entries_changed: list[ItemChange] = field(default_factory=list)
    categories_added: list[Item] = field(default_factory=list)
    categories_removed: list[Item] = field(default_factory=list)
    categories_changed: list[ItemChange] = field(default_factory=list)
    providers_changed: list[ItemChange] = field(default_factory=list)
    # The page's sections by key: a section's text, and the heading of one an operator added.
    sections_added: list[Item] = field(default_factory=list)
    sections_removed: list[Item] = field(default_factory=list)
    texts_changed: list[TextChange] = field(default_factory=list)
    # The sections' names in page order, before and after, when the sections both contents
    # have changed order or side of the cookie tables; None stands for the tables.
    section_order: tuple[list[str | None], list[str | None]] | None = None
    # The headings of the sections an operator added, by key, for the change log's names.
    section_titles: dict[str, dict[str, str]] = field(default_factory=dict)
    portal_changed: list[FieldChange] = field(default_factory=list)
    # The day the page says the inventory was last reviewed (ISO dates).
    reviewed: FieldChange | None = None

    @property
    def sections_new_or_gone(self) -> set[str]:
        return {str(item.key) for item in [*self.sections_added, *self.sections_removed]}

    @property
    def size(self) -> int:
        """How many things changed: each entry, category, provider, section or setting once,
        and the sections' order."""
        return (
            len(self.entries_added)
            + len(self.entries_removed)
            + len(self.entries_changed)
            + len(self.categories_added)
            + len(self.categories_removed)
            + len(self.categories_changed)
            + len(self.providers_changed)
            + len(self.sections_added)
            + len(self.sections_removed)
            + len({change.field for change in self.texts_changed} - self.sections_new_or_gone)
            + (self.section_order is not None)
            + len(self.portal_changed)
            + (self.reviewed is not None)
        )

    @property
    def is_empty(self) -> bool:
        return self.size == 0

    def summary(self) -> dict[str, Any]:
        """The change in a language-neutral, JSON-able form, kept with the version for the
        history and the public change log. Texts name the languages they changed in."""

        def changed(change: ItemChange, ref: dict[str, Any]) -> dict[str, Any]:
            fields = [item.field for item in change.fields]
            return ref | {"fields": fields, "texts": _languages_by_field(change.texts)}

        return {
            "initial": self.initial,
            "size": self.size,
            "entries": {
                "added": [_entry_ref(item) for item in self.entries_added],
                "removed": [_entry_ref(item) for item in self.entries_removed],
                "changed": [
                    changed(change, _entry_ref(change.item)) for change in self.entries_changed
                ],
            },
            "categories": {
                "added": [_category_ref(item) for item in self.categories_added],
                "removed": [_category_ref(item) for item in self.categories_removed],
                "changed": [
                    changed(change, _category_ref(change.item))
                    for change in self.categories_changed
                ],
            },
            "providers": {
                "changed": [
                    changed(change, {"id": change.item.key, "name": change.item.label})
                    for change in self.providers_changed
                ]
            },
            "texts": _languages_by_field(self.texts_changed),
            "sections": {
                "added": [item.key for item in self.sections_added],
                "removed": [item.key for item in self.sections_removed],
                "reordered": self.section_order is not None,
                # Only the headings the change log names.
                "titles": {
                    key: title
                    for key, title in self.section_titles.items()
                    if key in self.sections_new_or_gone
                    or any(change.field == key for change in self.texts_changed)
                },
            },
            "portal": [change.field for change in self.portal_changed],
            "reviewed_on": self.reviewed.after if self.reviewed else None,
        }


def _languages_by_field(changes: Iterable[TextChange]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for change in changes:
        languages = found.setdefault(change.field, [])
        if change.language not in languages:
            languages.append(change.language)
    return found


def _entry_ref(item: Item) -> dict[str, Any]:
    return {"id": item.key, "names": item.data["names"]}


def _category_ref(item: Item) -> dict[str, Any]:
    return {"slug": item.key, "name": item.data["name"]}


def _languages_of(*contents: dict[str, Any] | None) -> list[str]:
    """Every language of the contents, in order of appearance."""
    found: dict[str, None] = {}
    for content in contents:
        if content is not None:
            found.update(dict.fromkeys(content["portal"]["languages"]))
    return list(found)


def _text_changes(
    name: str,
    before: dict[str, str],
    after: dict[str, str],
    languages: list[str],
    label: str = "",
) -> list[TextChange]:
    changes = []
    for language in languages:
        old, new = before.get(language, ""), after.get(language, "")
        if old != new:
            segments = tuple(word_diff(old, new))
            changes.append(TextChange(name, language, old, new, segments, label))
    return changes


def _changes(
    old: dict[str, Any],
    new: dict[str, Any],
    fields: tuple[str, ...],
    texts: tuple[str, ...],
    languages: list[str],
) -> tuple[tuple[FieldChange, ...], tuple[TextChange, ...]]:
    field_changes = tuple(
        FieldChange(name, old.get(name), new.get(name))
        for name in fields
        if old.get(name) != new.get(name)
    )
    text_changes = tuple(
        change
        for name in texts
        for change in _text_changes(name, old.get(name, {}), new.get(name, {}), languages)
    )
    return field_changes, text_changes


def _flat_entry(entry: dict[str, Any], category: str) -> dict[str, Any]:
    """An entry as compared: its category's slug, its names and provider as plain values."""
    return entry | {
        "category": category,
        "names": [name["name"] for name in entry["names"]],
        "provider": entry["provider"]["name"],
    }


def _flat_label(entry: dict[str, Any]) -> str:
    return ", ".join(entry["names"]) or f"#{entry['id']}"


def _providers(content: dict[str, Any] | None) -> dict[int, dict[str, Any]]:
    if content is None:
        return {}
    return {entry["provider"]["id"]: entry["provider"] for entry, _ in entries_of(content).values()}


def _categories(
    content: dict[str, Any] | None, other: dict[str, Any] | None
) -> dict[str, dict[str, Any]]:
    """A content's categories by slug, each with its position among the categories both
    contents have: adding or removing one does not move the others."""
    if content is None:
        return {}
    shared = {category["slug"] for category in other["categories"]} if other else set()
    ranked = [category["slug"] for category in content["categories"] if category["slug"] in shared]
    return {
        category["slug"]: category
        | {"position": ranked.index(category["slug"]) if category["slug"] in shared else None}
        for category in content["categories"]
    }


def _compare_items(
    old: dict[Any, dict[str, Any]],
    new: dict[Any, dict[str, Any]],
    label: Callable[[dict[str, Any]], str],
    fields: tuple[str, ...],
    texts: tuple[str, ...],
    languages: list[str],
) -> tuple[list[Item], list[Item], list[ItemChange]]:
    """(added, removed, changed) between two sets of items by key."""
    added = [Item(key, label(data), data) for key, data in new.items() if key not in old]
    removed = [Item(key, label(data), data) for key, data in old.items() if key not in new]
    changed = []
    for key, data in new.items():
        if key in old:
            field_changes, text_changes = _changes(old[key], data, fields, texts, languages)
            if field_changes or text_changes:
                changed.append(
                    ItemChange(Item(key, label(data), data), field_changes, text_changes)
                )
    return added, removed, changed


def _source_name(category: dict[str, Any], portal: dict[str, Any]) -> str:
    return category["name"].get(portal["source_language"]) or category["slug"]


def _page_order(sections: list[dict[str, Any]], names: dict[str, str]) -> list[str | None]:
    """The sections' names as the page shows them, None where the cookie tables stand; the
    title heads the page wherever it is listed."""
    shown = [section for section in sections if section["key"] != PAGE_TITLE]
    return [
        *(names[section["key"]] for section in shown if not section["after_tables"]),
        None,
        *(names[section["key"]] for section in shown if section["after_tables"]),
    ]


def _compare_sections(
    diff: PolicyDiff, old: dict[str, Any], new: dict[str, Any], languages: list[str]
) -> None:
    """Sections added and removed, their texts and headings, and their order."""
    source = new["portal"]["source_language"]
    old_sections, new_sections = sections_of(old), sections_of(new)
    before = {section["key"]: section for section in old_sections}
    after = {section["key"]: section for section in new_sections}
    both = before | after
    names = {
        key: section_label(key, section["title"], source, source) for key, section in both.items()
    }
    diff.section_titles = {
        key: section["title"] for key, section in both.items() if section["title"]
    }
    diff.sections_added = [
        Item(key, names[key], data) for key, data in after.items() if key not in before
    ]
    diff.sections_removed = [
        Item(key, names[key], data) for key, data in before.items() if key not in after
    ]
    for key in dict.fromkeys([*old["texts"], *new["texts"]]):
        name = names.get(key) or section_label(key, None, source, source)
        diff.texts_changed += _text_changes(
            key,
            before.get(key, {}).get("title") or {},
            after.get(key, {}).get("title") or {},
            languages,
            _("%(section)s (heading)", section=name),
        )
        diff.texts_changed += _text_changes(
            key, old["texts"].get(key, {}), new["texts"].get(key, {}), languages, name
        )

    def places(sections: list[dict[str, Any]]) -> list[tuple[str, bool]]:
        """Where the sections both contents have stand: their order and side of the tables."""
        return [
            (s["key"], s["after_tables"])
            for s in sections
            if s["key"] in before and s["key"] in after
        ]

    if places(old_sections) != places(new_sections):
        diff.section_order = (_page_order(old_sections, names), _page_order(new_sections, names))


def compare(old: dict[str, Any] | None, new: dict[str, Any]) -> PolicyDiff:
    """What changed from ``old`` (None before the first publication) to ``new``."""
    languages = _languages_of(old, new)
    diff = PolicyDiff(initial=old is None, source_language=new["portal"]["source_language"])
    old_entries = {
        key: _flat_entry(entry, category)
        for key, (entry, category) in (entries_of(old) if old else {}).items()
    }
    new_entries = {
        key: _flat_entry(entry, category) for key, (entry, category) in entries_of(new).items()
    }
    diff.entries_added, diff.entries_removed, diff.entries_changed = _compare_items(
        old_entries, new_entries, _flat_label, ENTRY_FIELDS, ENTRY_TEXTS, languages
    )
    diff.categories_added, diff.categories_removed, diff.categories_changed = _compare_items(
        _categories(old, new),
        _categories(new, old),
        lambda category: _source_name(category, new["portal"]),
        CATEGORY_FIELDS,
        CATEGORY_TEXTS,
        languages,
    )
    if old is None:
        return diff
    _added, _removed, diff.providers_changed = _compare_items(
        _providers(old),
        _providers(new),
        lambda provider: provider["name"],
        PROVIDER_FIELDS,
        PROVIDER_TEXTS,
        languages,
    )
    _compare_sections(diff, old, new, languages)
    diff.portal_changed = [
        FieldChange(name, old["portal"].get(name), new["portal"].get(name))
        for name in PORTAL_FIELDS
        if old["portal"].get(name) != new["portal"].get(name)
    ]
    if old.get("reviewed_on") != new.get("reviewed_on"):
        diff.reviewed = FieldChange("reviewed_on", old.get("reviewed_on"), new.get("reviewed_on"))
    return diff


def needs_renewed_consent(old: dict[str, Any] | None, new: dict[str, Any]) -> list[str]:
    """Why visitors must be asked for their consent again (DESIGN.md §2), in the interface
    language; empty when they need not. Before the first publication nobody has consented
    to anything, so nothing is "renewed"."""
    if old is None:
        return []
    reasons = []
    old_entries, new_entries = entries_of(old), entries_of(new)
    for key, (entry, _category) in new_entries.items():
        if entry["consent_basis"] != ConsentBasis.CONSENT:
            continue
        if key not in old_entries:
            reasons.append(_("“%(names)s” is new and needs consent.", names=entry_label(entry)))
        elif old_entries[key][0]["consent_basis"] != ConsentBasis.CONSENT:
            reasons.append(_("“%(names)s” now needs consent.", names=entry_label(entry)))

    def third_parties(entries: dict[int, tuple[dict[str, Any], str]]) -> dict[int, str]:
        return {
            entry["provider"]["id"]: entry["provider"]["name"]
            for entry, _category in entries.values()
            if entry["party"] == Party.THIRD
        }

    known = third_parties(old_entries)
    for provider_id, name in third_parties(new_entries).items():
        if provider_id not in known:
            reasons.append(_("%(provider)s is a new third party.", provider=name))
    return reasons
