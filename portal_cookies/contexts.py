"""Where each text unit belongs: the entry, category, provider or policy section it is part of.

The queue, the editor's context card, the PO export and the check engine all need to know
which units the policy shows and what each one is; this is the one place that knows.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from .extensions import db
from .labels import label_of
from .models import Category, CookieEntry, CurrentText, PolicyText, Provider, TextKind, TextUnit

POLICY_TEXT_LABELS = {
    "title": _l("Title"),
    "introduction": _l("Introduction"),
    "what_is_a_cookie": _l("What is a cookie?"),
    "managing_consent": _l("Managing and withdrawing consent"),
    "contact": _l("Contact"),
}
# What a section an operator added has besides its text: a heading of its own.
HEADING_LABEL = _l("Policy page heading")


def section_name(section: PolicyText) -> str:
    """How people recognise a section: a built-in one by its name, one an operator added by
    its heading in the source language."""
    if section.title_unit is not None:
        return section.title_unit.source_text.strip() or section.key
    return str(POLICY_TEXT_LABELS.get(section.key, section.key))


def section_name_language(section: PolicyText) -> str | None:
    """The language ``section_name`` is written in when it is a heading; None when it is a
    built-in name (in the interface language) or a key."""
    if section.title_unit is not None and section.title_unit.source_text.strip():
        return section.title_unit.source_language
    return None


@dataclass(frozen=True)
class TextContext:
    """A unit the policy shows, with what it belongs to."""

    unit: TextUnit
    owner: CookieEntry | Category | Provider | PolicyText

    @property
    def kind(self) -> TextKind:
        return self.unit.kind

    @property
    def kind_label(self) -> str:
        if isinstance(self.owner, PolicyText) and self.owner.title_unit_id == self.unit.id:
            return str(HEADING_LABEL)
        return label_of(self.unit.kind)

    @property
    def entry(self) -> CookieEntry | None:
        return self.owner if isinstance(self.owner, CookieEntry) else None

    @property
    def category(self) -> Category | None:
        if isinstance(self.owner, Category):
            return self.owner
        return self.owner.category if isinstance(self.owner, CookieEntry) else None

    @property
    def provider(self) -> Provider | None:
        if isinstance(self.owner, Provider):
            return self.owner
        return self.owner.provider if isinstance(self.owner, CookieEntry) else None

    @property
    def owner_label(self) -> str:
        """How a person recognises the owner: an entry's names, a slug, a name, a section."""
        owner = self.owner
        if isinstance(owner, CookieEntry):
            return owner.label
        if isinstance(owner, Category):
            return owner.slug
        if isinstance(owner, Provider):
            return owner.name
        return section_name(owner)

    @property
    def owner_language(self) -> str | None:
        """The language of ``owner_label`` when it is a text of the policy (a heading an
        operator wrote); None when it reads the same in any language (names, slugs)."""
        return section_name_language(self.owner) if isinstance(self.owner, PolicyText) else None

    @property
    def label(self) -> str:
        return f"{self.owner_label} · {self.kind_label}"

    @property
    def edit_endpoint(self) -> tuple[str, dict[str, int]]:
        """Where the source text is edited, for a link from the translation view."""
        owner = self.owner
        if isinstance(owner, CookieEntry):
            return "inventory.update", {"entry_id": owner.id}
        if isinstance(owner, Category):
            return "inventory.update_category", {"category_id": owner.id}
        if isinstance(owner, Provider):
            return "inventory.update_provider", {"provider_id": owner.id}
        return "policy_texts.update", {"text_id": owner.id}


# The page's order: the sections before the cookie tables, then those after them.
SECTION_ORDER = (PolicyText.after_tables, PolicyText.position, PolicyText.id)

_UNITS_LOADED = selectinload(TextUnit.current).joinedload(CurrentText.version)


def text_contexts() -> list[TextContext]:
    """Every unit the policy shows, in page order: policy texts (a section's heading before its
    text), categories, providers, entries.

    Archived entries are left out: their texts are not on the policy, so nobody needs to
    translate them. A fixed number of queries, whatever the inventory's size.
    """
    policy_texts = db.session.scalars(
        sa.select(PolicyText)
        .options(
            selectinload(PolicyText.unit).options(_UNITS_LOADED),
            selectinload(PolicyText.title_unit).options(_UNITS_LOADED),
        )
        .order_by(*SECTION_ORDER)
    ).all()
    categories = db.session.scalars(
        sa.select(Category)
        .options(
            selectinload(Category.name_unit).options(_UNITS_LOADED),
            selectinload(Category.explanation_unit).options(_UNITS_LOADED),
        )
        .order_by(Category.position, Category.id)
    ).all()
    providers = db.session.scalars(
        sa.select(Provider)
        .options(selectinload(Provider.safeguard_unit).options(_UNITS_LOADED))
        .order_by(Provider.name)
    ).all()
    entries = db.session.scalars(
        sa.select(CookieEntry)
        .where(~CookieEntry.archived)
        .options(
            selectinload(CookieEntry.names),
            selectinload(CookieEntry.provider),
            selectinload(CookieEntry.category),
            selectinload(CookieEntry.function_unit).options(_UNITS_LOADED),
            selectinload(CookieEntry.purpose_unit).options(_UNITS_LOADED),
        )
        .order_by(CookieEntry.category_id, CookieEntry.id)
    ).all()
    contexts = [
        TextContext(unit, text)
        for text in policy_texts
        for unit in (text.title_unit, text.unit)
        if unit is not None
    ]
    for category in categories:
        contexts += [TextContext(unit, category) for unit in category.text_units.values()]
    for provider in providers:
        contexts += [TextContext(unit, provider) for unit in provider.text_units.values()]
    for entry in entries:
        contexts += [TextContext(unit, entry) for unit in entry.text_units.values()]
    return contexts


# ``shown_units``' rank of each kind of owner, in page order, and its columns that order it.
SHOWN_RANKS = {PolicyText: 0, Category: 1, Provider: 2, CookieEntry: 3}
SHOWN_ORDER = ("rank", "k1", "k2", "k3", "k4", "k5")


def shown_units() -> sa.Subquery:
    """``text_contexts()`` in SQL: a row per unit the policy shows, with its owner's category
    and provider (for filters) and the page's order (``rank`` then ``k1`` to ``k5``), so a
    list can filter, sort and page in the database.
    """

    def row(unit_id, owner, owner_id, category_id, provider_id, keys, *, part=0):
        k1, k2, k3, k4 = keys
        return sa.select(
            unit_id.label("unit_id"),
            sa.literal(SHOWN_RANKS[owner], sa.Integer).label("rank"),
            owner_id.label("owner_id"),
            sa.cast(category_id, sa.Integer).label("category_id"),
            sa.cast(provider_id, sa.Integer).label("provider_id"),
            sa.cast(k1, sa.Integer).label("k1"),
            sa.cast(k2, sa.String).label("k2"),
            sa.cast(k3, sa.Integer).label("k3"),
            sa.cast(k4, sa.Integer).label("k4"),
            sa.literal(part, sa.Integer).label("k5"),
        )

    none, blank = sa.null(), sa.literal("")
    section_keys = (PolicyText.after_tables, blank, PolicyText.position, PolicyText.id)
    category_keys = (Category.position, blank, Category.id, 0)
    entry_keys = (CookieEntry.category_id, blank, CookieEntry.id, 0)
    return sa.union_all(
        row(PolicyText.title_unit_id, PolicyText, PolicyText.id, none, none, section_keys).where(
            PolicyText.title_unit_id.is_not(None)
        ),
        row(PolicyText.unit_id, PolicyText, PolicyText.id, none, none, section_keys, part=1),
        row(Category.name_unit_id, Category, Category.id, Category.id, none, category_keys),
        row(
            Category.explanation_unit_id,
            Category,
            Category.id,
            Category.id,
            none,
            category_keys,
            part=1,
        ),
        row(
            Provider.safeguard_unit_id,
            Provider,
            Provider.id,
            none,
            Provider.id,
            (0, Provider.name, Provider.id, 0),
        ),
        row(
            CookieEntry.function_unit_id,
            CookieEntry,
            CookieEntry.id,
            CookieEntry.category_id,
            CookieEntry.provider_id,
            entry_keys,
        ).where(~CookieEntry.archived),
        row(
            CookieEntry.purpose_unit_id,
            CookieEntry,
            CookieEntry.id,
            CookieEntry.category_id,
            CookieEntry.provider_id,
            entry_keys,
            part=1,
        ).where(~CookieEntry.archived),
    ).subquery("shown_units")


def contexts_of(units: Sequence[TextUnit]) -> dict[int, TextContext]:
    """What each of ``units`` belongs to, by unit id, in a query per kind of owner; a unit the
    policy does not show (an archived entry's) is left out."""
    ids = [unit.id for unit in units]
    kinds = {unit.kind for unit in units}
    owners: dict[int, CookieEntry | Category | Provider | PolicyText] = {}
    if TextKind.POLICY_TEXT in kinds:
        for section in db.session.scalars(
            sa.select(PolicyText)
            .where(sa.or_(PolicyText.unit_id.in_(ids), PolicyText.title_unit_id.in_(ids)))
            .options(selectinload(PolicyText.title_unit).options(_UNITS_LOADED))
        ):
            owners |= {unit_id: section for unit_id in (section.unit_id, section.title_unit_id)}
    if kinds & {TextKind.CATEGORY_NAME, TextKind.CATEGORY_EXPLANATION}:
        for category in db.session.scalars(
            sa.select(Category).where(
                sa.or_(Category.name_unit_id.in_(ids), Category.explanation_unit_id.in_(ids))
            )
        ):
            owners |= {category.name_unit_id: category, category.explanation_unit_id: category}
    if TextKind.PROVIDER_SAFEGUARD in kinds:
        for provider in db.session.scalars(
            sa.select(Provider).where(Provider.safeguard_unit_id.in_(ids))
        ):
            owners[provider.safeguard_unit_id] = provider
    if kinds & {TextKind.ENTRY_FUNCTION, TextKind.ENTRY_PURPOSE}:
        for entry in db.session.scalars(
            sa.select(CookieEntry)
            .where(
                ~CookieEntry.archived,
                sa.or_(CookieEntry.function_unit_id.in_(ids), CookieEntry.purpose_unit_id.in_(ids)),
            )
            .options(
                selectinload(CookieEntry.names),
                joinedload(CookieEntry.provider),
                joinedload(CookieEntry.category),
            )
        ):
            owners |= {entry.function_unit_id: entry, entry.purpose_unit_id: entry}
    return {unit.id: TextContext(unit, owners[unit.id]) for unit in units if unit.id in owners}


def context_of(unit: TextUnit) -> TextContext | None:
    """What a unit belongs to; None for a unit the policy does not show (archived entry)."""
    return contexts_of([unit]).get(unit.id)
