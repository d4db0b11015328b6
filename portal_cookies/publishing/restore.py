"""A rollback's first half: making the draft equal to a published version's content again,
as ``restore_plan`` planned it.

``restore_draft(plan)`` goes through the areas' own services, so every change is validated and
audited as a person's would be, inside the caller's transaction: nothing is committed here.
Every text that changes gets a new version, so its history stays complete.
"""

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ..audit import record_event
from ..contexts import TextContext
from ..extensions import db
from ..inventory import services as inventory
from ..models import TextState, TextUnit, TextVersion, User
from ..policy_texts import services as policy_texts
from ..portal import create_policy_text, update_portal
from ..service_errors import ServiceError
from ..texts import save_text
from .restore_plan import EntryRestore, RestorePlan, providers_of, stale_languages


def _restore_translations(
    unit: TextUnit, wanted: dict[str, str], plan: RestorePlan, owner: Any, actor: User | None
) -> None:
    """Bring back the content's translations of ``unit``, each as a new version that says so,
    stamped with the source text just restored."""
    note = f"rollback to version {plan.number}"
    for language in stale_languages(unit, wanted, plan.languages):
        if language == unit.source_language:
            continue
        current = unit.current_version(language)
        text = wanted.get(language, "")
        version = save_text(
            unit,
            language,
            text,
            actor,
            base_version_id=current.id if current else None,
            state=_state_of(unit, language, text),
            note=note,
        )
        label = TextContext(unit, owner).label
        record_event(
            actor,
            "revert",
            unit,
            label=f"{label} [{language}]",
            before=None if current is None else {"language": language, "text": current.text},
            after={"language": language, "text": version.text, "state": version.state.value},
        )


def _state_of(unit: TextUnit, language: str, text: str) -> TextState:
    """The state the text last had when someone saved it (translated or approved); a text
    nobody saved as it is, or only as a draft, is translated: the operator restores it."""
    state = db.session.scalar(
        sa.select(TextVersion.state)
        .where(
            TextVersion.unit_id == unit.id,
            TextVersion.language == language,
            TextVersion.text == text,
            TextVersion.state != TextState.DRAFT,
        )
        .order_by(TextVersion.id.desc())
        .limit(1)
    )
    return state or TextState.TRANSLATED


def _restore_providers(plan: RestorePlan, actor: User | None) -> None:
    source = plan.source
    for data, provider in providers_of(plan):
        values = {
            "name": data["name"],
            "website": data["website"],
            "privacy_policy_url": data["privacy_policy_url"],
            "country": data["country"],
            "safeguard": data["safeguard"].get(source, ""),
            "actor": actor,
        }
        if provider is None:
            provider = inventory.create_provider(**values)
            plan.providers[data["id"]] = provider
        else:
            inventory.update_provider(provider, **values)
        _restore_translations(provider.safeguard_unit, data["safeguard"], plan, provider, actor)


def _restore_categories(plan: RestorePlan, actor: User | None) -> None:
    restored = []
    for index, (data, category) in enumerate(plan.categories):
        values = {
            "slug": data["slug"],
            "name": data["name"].get(plan.source, ""),
            "explanation": data["explanation"].get(plan.source, ""),
            "consent_required_default": data["consent_required_default"],
            "actor": actor,
        }
        if category is None:
            category = inventory.create_category(**values)
            plan.categories[index] = (data, category)
        else:
            inventory.update_category(category, **values)
        for name in ("name", "explanation"):
            _restore_translations(category.text_units[name], data[name], plan, category, actor)
        restored.append(category)
    inventory.arrange_categories(restored, actor=actor)


def _entry_values(item: EntryRestore, plan: RestorePlan) -> inventory.EntryData:
    data, entry = item.data, item.entry
    categories = {values["slug"]: category for values, category in plan.categories}
    duration = data["duration"]
    return inventory.EntryData(
        provider=plan.providers[data["provider"]["id"]],
        category=categories[item.category],
        names=[name["name"] for name in data["names"]],
        storage_kind=data["storage_kind"],
        party=data["party"],
        domain=data["domain"],
        locations=list(data["locations"]),
        function=data["function"].get(plan.source, ""),
        purpose=data["purpose"].get(plan.source, ""),
        duration_kind=duration["kind"],
        duration_value=duration["value"],
        duration_unit=duration["unit"],
        consent_basis=data["consent_basis"],
        exemption_ground=data["exemption_ground"],
        visible=True,
        notes=entry.notes if entry else "",
        last_reviewed_on=entry.last_reviewed_on if entry else None,
    )


def _restore_entries(plan: RestorePlan, actor: User | None) -> None:
    for entry in plan.archived:
        inventory.archive_entry(entry, actor=actor)
    for item in plan.entries:
        values = _entry_values(item, plan)
        try:
            if item.entry is None:
                item.entry = inventory.create_entry(values, actor=actor)
            else:
                if item.entry.archived:
                    inventory.restore_entry(item.entry, actor=actor)
                inventory.update_entry(item.entry, values, actor=actor)
        except ServiceError as refusal:
            raise ServiceError(
                _(
                    "The entry “%(entry)s” cannot be restored: %(reason)s",
                    entry=item.label,
                    reason=refusal.message,
                )
            ) from refusal
        for name in ("function", "purpose"):
            _restore_translations(
                item.entry.text_units[name], item.data[name], plan, item.entry, actor
            )
    for category in plan.removed_categories:
        inventory.delete_category(category, actor=actor)


def _restore_sections(plan: RestorePlan, actor: User | None) -> None:
    for section in plan.removed_sections:
        policy_texts.delete_section(section, actor=actor)
    placements = []
    for index, (data, section) in enumerate(plan.sections):
        key, texts = data["key"], plan.content["texts"].get(data["key"], {})
        text, title = texts.get(plan.source, ""), (data["title"] or {}).get(plan.source)
        if section is None and data["title"]:
            section = policy_texts.create_section(
                key=key, title=title, text=text, after_tables=data["after_tables"], actor=actor
            )
        elif section is None:
            section = create_policy_text(key, text, position=index, actor=actor)
        else:
            policy_texts.update_section(section, text=text, title=title, actor=actor)
        plan.sections[index] = (data, section)
        _restore_translations(section.unit, texts, plan, section, actor)
        if data["title"]:
            _restore_translations(section.title_unit, data["title"], plan, section, actor)
        placements.append((section, data["after_tables"]))
    policy_texts.arrange_sections(placements, actor=actor)


def restore_draft(plan: RestorePlan, *, actor: User | None) -> None:
    """Make the draft what ``plan`` says, within the caller's transaction: the settings (so the
    version's languages are the portal's), the providers, categories and entries, the page's
    sections, then every text. Nothing is committed; a refusal raises ``ServiceError``."""
    if plan.settings:
        update_portal(actor=actor, confirm_disabling=True, **plan.settings)
    _restore_providers(plan, actor)
    _restore_categories(plan, actor)
    _restore_entries(plan, actor)
    _restore_sections(plan, actor)
    db.session.flush()
    # What the services changed behind the loaded objects' backs (current texts, positions)
    # is read again when the content is built.
    db.session.expire_all()
