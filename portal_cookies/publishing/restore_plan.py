"""What making the draft equal to a published version's content again would do: the plan a
rollback's confirmation shows, and ``restore.restore_draft`` carries out.

``plan_restore(version)`` reads the draft against the version's content, matching each of its
entries, categories, providers and sections with the draft's, without changing anything.

What a content cannot bring back as it was, and what is done instead:

- an entry deleted since: an entry that declares the same names on the same domain (an
  archived one, say) stands in for it; else it is created again, under a new number;
- a provider deleted since is found by its name, a category by its slug; else each is
  created again;
- a category the version did not have is deleted when no entry uses it any more; one that
  archived entries still use stays, and the page shows it without cookies;
- a section an operator added since is removed, with its texts and their history (the audit
  trail keeps its last words, the versions that published it keep it whole); one removed since
  is created again under its own key, so comparing versions sees the same section;
- what a version does not hold stays as it is: internal notes, review dates, entries the
  page did not show, translations into languages the version did not have.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..contexts import section_name
from ..extensions import db
from ..models import (
    Category,
    CookieEntry,
    CurrentText,
    PolicyText,
    PolicyVersion,
    Provider,
    TextState,
    TextUnit,
    text_hash,
)
from ..portal import PortalValues, get_settings, portal_values
from .changes import PolicyDiff, compare, entry_label
from .content import build_content, entries_of, section_label, sections_of

# The settings a content holds that a person can set again; the source language never moves
# once texts exist, so a content's is the portal's own.
RESTORED_SETTINGS = tuple(
    name for name in PortalValues.__dataclass_fields__ if name != "source_language"
)
_CURRENT_TEXTS = selectinload(TextUnit.current).joinedload(CurrentText.version)


@dataclass
class EntryRestore:
    """An entry of the version, and the draft's entry that becomes it (None: created again)."""

    data: dict[str, Any]
    category: str
    entry: CookieEntry | None

    @property
    def label(self) -> str:
        return entry_label(self.data)


@dataclass
class RestorePlan:
    """What restoring a version's content does to the draft, object by object."""

    # The version restored: its number and content.
    number: int
    content: dict[str, Any]
    # What changes on the page, from the draft to the version (settings included).
    diff: PolicyDiff
    # Content's provider id -> the draft's provider (None: created again).
    providers: dict[int, Provider | None] = field(default_factory=dict)
    # The version's categories in their order, each with the draft's (None: created again).
    categories: list[tuple[dict[str, Any], Category | None]] = field(default_factory=list)
    entries: list[EntryRestore] = field(default_factory=list)
    # On the page now, not in the version: archived, kept in the inventory.
    archived: list[CookieEntry] = field(default_factory=list)
    removed_categories: list[Category] = field(default_factory=list)
    # Not in the version, but archived entries use them: they stay, without cookies.
    kept_categories: list[Category] = field(default_factory=list)
    sections: list[tuple[dict[str, Any], PolicyText | None]] = field(default_factory=list)
    removed_sections: list[PolicyText] = field(default_factory=list)
    # Built-in sections the version did not have yet: they stay.
    kept_sections: list[PolicyText] = field(default_factory=list)
    # The settings the version shows, where the draft's differ (``update_portal`` keywords).
    settings: dict[str, Any] = field(default_factory=dict)
    # How many texts (a unit in a language) get a new version.
    texts: int = 0

    @property
    def source(self) -> str:
        return self.content["portal"]["source_language"]

    @property
    def languages(self) -> list[str]:
        return list(self.content["portal"]["languages"])

    @property
    def unarchived(self) -> list[CookieEntry]:
        return [item.entry for item in self.entries if item.entry and item.entry.archived]

    @property
    def shown_again(self) -> list[CookieEntry]:
        return [
            item.entry
            for item in self.entries
            if item.entry and not item.entry.archived and not item.entry.visible
        ]

    @property
    def recreated_entries(self) -> list[str]:
        return [item.label for item in self.entries if item.entry is None]

    @property
    def recreated_categories(self) -> list[str]:
        return [data["slug"] for data, category in self.categories if category is None]

    @property
    def recreated_providers(self) -> list[str]:
        names = {}
        for item in self.entries:
            provider = item.data["provider"]
            if self.providers.get(provider["id"]) is None:
                names[provider["id"]] = provider["name"]
        return list(names.values())

    @property
    def recreated_sections(self) -> list[str]:
        return [
            section_label(data["key"], data["title"], self.source, self.source)
            for data, section in self.sections
            if section is None
        ]

    @property
    def removed_section_names(self) -> list[str]:
        return [section_name(section) for section in self.removed_sections]

    @property
    def kept_section_names(self) -> list[str]:
        return [section_name(section) for section in self.kept_sections]

    def summary(self) -> dict[str, Any]:
        """What the audit trail keeps of a restoration, by names (never ids); what it did
        only."""
        done = {
            "archived": [entry.label for entry in self.archived],
            "unarchived": [entry.label for entry in self.unarchived],
            "shown_again": [entry.label for entry in self.shown_again],
            "recreated": self.recreated_entries,
            "categories_removed": [category.slug for category in self.removed_categories],
            "categories_kept": [category.slug for category in self.kept_categories],
            "sections_removed": [section.key for section in self.removed_sections],
            "sections_recreated": [data["key"] for data, section in self.sections if not section],
            "texts_restored": self.texts,
            "settings": list(self.settings),
        }
        return {key: value for key, value in done.items() if value}


# --- Reading the draft against the content ------------------------------------------------


def _draft_entries() -> list[CookieEntry]:
    return list(
        db.session.scalars(
            sa.select(CookieEntry)
            .options(
                selectinload(CookieEntry.names),
                selectinload(CookieEntry.provider),
                selectinload(CookieEntry.category),
                selectinload(CookieEntry.function_unit).options(_CURRENT_TEXTS),
                selectinload(CookieEntry.purpose_unit).options(_CURRENT_TEXTS),
            )
            .order_by(CookieEntry.id)
        )
    )


def _declares(entry: CookieEntry, data: dict[str, Any]) -> bool:
    """Whether ``entry`` declares the same names on the same domain as the content's entry."""
    names = sorted(name["name"] for name in data["names"])
    return sorted(entry.name_list) == names and (
        entry.domain.lstrip(".") == data["domain"].lstrip(".")
    )


def _match_entries(plan: RestorePlan, drafts: list[CookieEntry], published_at: datetime) -> None:
    # An entry made after the version was published is not the version's, whatever its id:
    # SQLite gives a deleted row's id to the next one.
    by_id = {entry.id: entry for entry in drafts if entry.created_at <= published_at}
    wanted = entries_of(plan.content)
    matched: set[int] = set(by_id) & set(wanted)
    for key, (data, category) in wanted.items():
        entry = by_id.get(key)
        if entry is None:
            entry = next(
                (
                    other
                    for other in drafts
                    if other.id not in matched and other.id not in wanted and _declares(other, data)
                ),
                None,
            )
            if entry is not None:
                matched.add(entry.id)
        plan.entries.append(EntryRestore(data, category, entry))
    plan.archived = [
        entry
        for entry in drafts
        if entry.id not in matched and entry.visible and not entry.archived
    ]


def _match_providers(plan: RestorePlan) -> None:
    providers = list(
        db.session.scalars(
            sa.select(Provider).options(
                selectinload(Provider.safeguard_unit).options(_CURRENT_TEXTS)
            )
        )
    )
    by_id = {provider.id: provider for provider in providers}
    by_name = {provider.name.casefold(): provider for provider in providers}
    # By name first: a name is unique, while SQLite may give a deleted provider's id to a new
    # one; by id then, for a provider renamed since.
    for item in plan.entries:
        data = item.data["provider"]
        if data["id"] not in plan.providers:
            plan.providers[data["id"]] = by_name.get(data["name"].casefold()) or by_id.get(
                data["id"]
            )


def _match_categories(plan: RestorePlan, drafts: list[CookieEntry]) -> None:
    categories = list(
        db.session.scalars(
            sa.select(Category)
            .options(
                selectinload(Category.name_unit).options(_CURRENT_TEXTS),
                selectinload(Category.explanation_unit).options(_CURRENT_TEXTS),
            )
            .order_by(Category.position, Category.id)
        )
    )
    by_slug = {category.slug: category for category in categories}
    plan.categories = [(data, by_slug.get(data["slug"])) for data in plan.content["categories"]]
    wanted = {data["slug"] for data in plan.content["categories"]}
    restored = {item.entry.id for item in plan.entries if item.entry is not None}
    # Entries that are not the version's keep their category: it stays while they use it.
    used = {entry.category_id for entry in drafts if entry.id not in restored}
    for category in categories:
        if category.slug not in wanted:
            (plan.kept_categories if category.id in used else plan.removed_categories).append(
                category
            )


def _match_sections(plan: RestorePlan) -> None:
    sections = list(
        db.session.scalars(
            sa.select(PolicyText).options(
                selectinload(PolicyText.unit).options(_CURRENT_TEXTS),
                selectinload(PolicyText.title_unit).options(_CURRENT_TEXTS),
            )
        )
    )
    by_key = {section.key: section for section in sections}
    wanted = sections_of(plan.content)
    plan.sections = [(data, by_key.get(data["key"])) for data in wanted]
    keys = {data["key"] for data in wanted}
    for section in sections:
        if section.key not in keys:
            (plan.removed_sections if section.is_custom else plan.kept_sections).append(section)


def _changed_settings(content: dict[str, Any]) -> dict[str, Any]:
    current = portal_values(get_settings())
    portal = content["portal"]
    return {
        name: portal[name]
        for name in RESTORED_SETTINGS
        if name in portal and portal[name] != current[name]
    }


def stale_languages(unit: TextUnit, wanted: dict[str, str], languages: list[str]) -> list[str]:
    """The languages, the source first, whose text needs a new version to read as ``wanted``: a
    different text, or a translation stamped with another source or still a draft."""
    source_text = wanted.get(unit.source_language, "")
    stale = []
    for language in [
        unit.source_language,
        *(code for code in languages if code != unit.source_language),
    ]:
        text = wanted.get(language, "")
        current = unit.current_version(language)
        if current is None:
            if text:
                stale.append(language)
        elif current.text != text:
            stale.append(language)
        elif language != unit.source_language and text.strip() and source_text.strip():
            if current.source_hash != text_hash(source_text) or current.state == TextState.DRAFT:
                stale.append(language)
    return stale


def _texts_of(plan: RestorePlan) -> list[tuple[TextUnit | None, dict[str, str]]]:
    """Every text the content holds, with the draft's unit for it (None: made again)."""
    found: list[tuple[TextUnit | None, dict[str, str]]] = []
    for data, provider in providers_of(plan):
        found.append((provider.safeguard_unit if provider else None, data["safeguard"]))
    for data, category in plan.categories:
        for name in ("name", "explanation"):
            found.append((category.text_units[name] if category else None, data[name]))
    for item in plan.entries:
        for name in ("function", "purpose"):
            found.append((item.entry.text_units[name] if item.entry else None, item.data[name]))
    for data, section in plan.sections:
        found.append(
            (section.unit if section else None, plan.content["texts"].get(data["key"], {}))
        )
        if data["title"]:
            title_unit = section.title_unit if section else None
            found.append((title_unit, data["title"]))
    return found


def providers_of(plan: RestorePlan) -> list[tuple[dict[str, Any], Provider | None]]:
    """The content's providers, once each, with the draft's."""
    seen: dict[int, dict[str, Any]] = {}
    for item in plan.entries:
        seen.setdefault(item.data["provider"]["id"], item.data["provider"])
    return [(data, plan.providers.get(key)) for key, data in seen.items()]


def plan_restore(version: PolicyVersion) -> RestorePlan:
    """What restoring ``version``'s content would do to the draft; nothing changes."""
    content = version.content
    plan = RestorePlan(version.number, content, compare(build_content(), content))
    drafts = _draft_entries()
    _match_entries(plan, drafts, version.published_at)
    _match_providers(plan)
    _match_categories(plan, drafts)
    _match_sections(plan)
    plan.settings = _changed_settings(content)
    for unit, wanted in _texts_of(plan):
        if unit is None:
            plan.texts += sum(1 for code in plan.languages if wanted.get(code, "").strip())
        else:
            plan.texts += len(stale_languages(unit, wanted, plan.languages))
    return plan
