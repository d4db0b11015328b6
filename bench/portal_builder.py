"""A portal of any size, built quickly through the app's own services, for the benchmark.

    with app.app_context():
        portal = build_portal(5000)        # on an empty, migrated database
        add_history(portal)                # versions 1 and 2 published, a draft change pending

Every entry has two names and two texts (its function and purpose), in French (the source)
and English; the categories' and providers' texts and the policy page's sections are
translated too, so the publishing gate passes. Entries go through
``inventory.services.create_entry`` (validation, audit trail, text units) and translations
through ``texts.save_text``, the verb ``translation.services.save_translation`` uses minus its
commit per text; everything is committed once per ``batch`` entries, which is what makes
5,000 entries take seconds rather than minutes.

Each entry is declared by a third party on a domain of its own: the entry form compares a
new entry's names with those of every entry on the same domain, so one shared domain would
make building quadratic (as it would make typing in a real portal of that size slow).
"""

import time
from dataclasses import dataclass, field
from datetime import date

from portal_cookies.demo import POLICY_TEXTS, PORTAL_SETTINGS
from portal_cookies.extensions import db
from portal_cookies.inventory import services as inventory
from portal_cookies.models import (
    Category,
    ConsentBasis,
    CookieEntry,
    DurationKind,
    DurationUnit,
    ExemptionGround,
    Location,
    Party,
    Provider,
    Role,
    StorageKind,
    TextOrigin,
    TextState,
    TextUnit,
    User,
)
from portal_cookies.portal import create_policy_text, update_portal
from portal_cookies.publishing import services as publishing
from portal_cookies.service_errors import one_change
from portal_cookies.texts import save_text
from portal_cookies.users import services as users

SOURCE = "fr"
TARGET = "en"
ADMIN_EMAIL = "bench-admin@example.org"
# The administrator of a throwaway benchmark database.
ADMIN_PASSWORD = "bench-password-1"  # nosec B105
CATEGORY_SLUGS = ("necessary", "statistics", "preferences", "marketing")


@dataclass
class BuiltPortal:
    """What ``build_portal`` made, and how long it took."""

    entries: int
    providers: int
    categories: int
    text_units: int
    seconds: float
    admin_email: str
    admin_password: str
    entry_ids: list[int] = field(default_factory=list)


def _translate(unit: TextUnit, english: str) -> None:
    save_text(
        unit,
        TARGET,
        english,
        None,
        base_version_id=None,
        state=TextState.TRANSLATED,
        origin=TextOrigin.IMPORT,
    )


def _portal() -> None:
    with one_change():
        update_portal(
            actor=None,
            name="Benchmark portal",
            base_url="https://bench.example.org",
            source_language=SOURCE,
            languages=[SOURCE, TARGET],
            **PORTAL_SETTINGS,
        )
        for position, (key, (french, english)) in enumerate(POLICY_TEXTS):
            _translate(create_policy_text(key, french, position=position, actor=None).unit, english)


def _categories() -> list[int]:
    ids = []
    with one_change():
        for number, slug in enumerate(CATEGORY_SLUGS):
            category = inventory.create_category(
                slug=slug,
                name=f"Catégorie {number} ({slug})",
                explanation=f"Les cookies « {slug} », et pourquoi le portail les dépose.",
                consent_required_default=slug != "necessary",
                actor=None,
            )
            _translate(category.name_unit, f"Category {number} ({slug})")
            _translate(
                category.explanation_unit, f"The {slug} cookies, and why the portal sets them."
            )
            ids.append(category.id)
    return ids


def _providers(count: int) -> list[int]:
    ids = []
    with one_change():
        for number in range(count):
            provider = inventory.create_provider(
                name=f"Provider {number}",
                website=f"https://provider{number}.example.com",
                privacy_policy_url=f"https://provider{number}.example.com/privacy",
                country="FR",
                safeguard="",
                actor=None,
            )
            ids.append(provider.id)
    return ids


def _entry_data(number: int, provider: Provider, category: Category) -> inventory.EntryData:
    exempt = category.slug == "necessary"
    return inventory.EntryData(
        provider=provider,
        category=category,
        names=[f"bench_{number}_id", f"bench_{number}_ses"],
        storage_kind=StorageKind.HTTP_COOKIE,
        party=Party.THIRD,
        domain=f"t{number}.provider{provider.id}.example.com",
        locations=[Location.FRONT_OFFICE],
        function=f"Mesure numéro {number}",
        purpose=f"Ce cookie numéro {number} retient un identifiant du service {category.slug}.",
        duration_kind=DurationKind.FIXED,
        duration_value=1 + number % 12,
        duration_unit=DurationUnit.MONTHS,
        consent_basis=ConsentBasis.EXEMPT if exempt else ConsentBasis.CONSENT,
        exemption_ground=ExemptionGround.AUTHENTICATION if exempt else None,
        last_reviewed_on=date.today(),
    )


def _entries(count: int, provider_ids: list[int], category_ids: list[int], batch: int) -> list[int]:
    ids = []
    for start in range(0, count, batch):
        with one_change():
            providers = [db.session.get(Provider, ident) for ident in provider_ids]
            categories = [db.session.get(Category, ident) for ident in category_ids]
            for number in range(start, min(start + batch, count)):
                entry = inventory.create_entry(
                    _entry_data(
                        number,
                        providers[number % len(providers)],
                        categories[number % len(categories)],
                    ),
                    actor=None,
                )
                _translate(entry.function_unit, f"Measurement number {number}")
                _translate(
                    entry.purpose_unit,
                    f"This cookie number {number} keeps an identifier of the service "
                    f"{entry.category.slug}.",
                )
                ids.append(entry.id)
        # What a batch loaded is not needed again: keep the session (and the build) small.
        db.session.expunge_all()
    return ids


def build_portal(entries: int, *, batch: int = 500, password: str = ADMIN_PASSWORD) -> BuiltPortal:
    """Fill an empty, migrated database with a translated portal of ``entries`` entries and
    an administrator (``ADMIN_EMAIL``, ``password``). Nothing is published."""
    started = time.perf_counter()
    _portal()
    category_ids = _categories()
    provider_ids = _providers(max(1, min(50, entries // 20)))
    entry_ids = _entries(entries, provider_ids, category_ids, batch)
    users.create_user(ADMIN_EMAIL, Role.ADMIN, password)
    return BuiltPortal(
        entries=len(entry_ids),
        providers=len(provider_ids),
        categories=len(category_ids),
        text_units=db.session.scalar(db.select(db.func.count(TextUnit.id))) or 0,
        seconds=time.perf_counter() - started,
        admin_email=ADMIN_EMAIL,
        admin_password=password,
        entry_ids=entry_ids,
    )


def _change_entries(portal: BuiltPortal, offset: int, count: int, admin: User) -> None:
    """Give ``count`` entries a new purpose, and its English: a draft the gate accepts."""
    with one_change():
        for entry_id in portal.entry_ids[offset : offset + count]:
            entry = db.session.get(CookieEntry, entry_id)
            data = _entry_data(entry_id, entry.provider, entry.category)
            data.names = entry.name_list
            data.domain = entry.domain
            data.function = entry.function_unit.source_text
            data.purpose = f"{entry.purpose_unit.source_text} Revu."
            inventory.update_entry(entry, data, actor=admin)
            current = entry.purpose_unit.current_version(TARGET)
            save_text(
                entry.purpose_unit,
                TARGET,
                f"{current.text} Reviewed.",
                None,
                base_version_id=current.id,
                origin=TextOrigin.IMPORT,
            )


def add_history(portal: BuiltPortal, *, changes: int = 10) -> None:
    """Publish version 1, change ``changes`` entries, publish version 2, and change as many
    again: the compare page has two versions, the publishing page a publishable draft."""
    admin = db.session.scalar(db.select(User).where(User.email == portal.admin_email))
    publishing.publish_policy(
        note="Première version.", note_translations={TARGET: "First version."}, actor=admin
    )
    _change_entries(portal, 0, changes, admin)
    publishing.publish_policy(
        note="Deuxième version.", note_translations={TARGET: "Second version."}, actor=admin
    )
    _change_entries(portal, changes, changes, admin)
