"""Where each text unit belongs: the entry, category, provider or policy section it is part of.

The queue, the editor's context card, the PO export and the check engine all need to know
which units the policy shows and what each one is; this is the one place that knows.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

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


# The columns that may hold a unit of each kind: a section's heading or text are both
# policy texts.
_OWNER_COLUMNS = {
    TextKind.POLICY_TEXT: (PolicyText, (PolicyText.unit_id, PolicyText.title_unit_id)),
    TextKind.CATEGORY_NAME: (Category, (Category.name_unit_id,)),
    TextKind.CATEGORY_EXPLANATION: (Category, (Category.explanation_unit_id,)),
    TextKind.PROVIDER_SAFEGUARD: (Provider, (Provider.safeguard_unit_id,)),
    TextKind.ENTRY_FUNCTION: (CookieEntry, (CookieEntry.function_unit_id,)),
    TextKind.ENTRY_PURPOSE: (CookieEntry, (CookieEntry.purpose_unit_id,)),
}


def context_of(unit: TextUnit) -> TextContext | None:
    """What a unit belongs to; None for a unit the policy does not show (archived entry)."""
    model, columns = _OWNER_COLUMNS[unit.kind]
    owner = db.session.scalar(
        sa.select(model).where(sa.or_(*(column == unit.id for column in columns)))
    )
    if owner is None or (isinstance(owner, CookieEntry) and owner.archived):
        return None
    return TextContext(unit, owner)
