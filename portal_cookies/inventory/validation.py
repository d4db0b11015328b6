"""Validating what people type for the inventory: every refusal at once, on its field.

``examine_*`` return the cleaned values with every refusal; the writes in ``services`` refuse
the first, and the forms call ``validate_*`` to show them all on one page.
"""

import enum
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, TypeVar

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..cookie_names import domain_key, overlapping
from ..extensions import db
from ..models import (
    Category,
    ConsentBasis,
    CookieEntry,
    CookieName,
    DurationKind,
    DurationUnit,
    ExemptionGround,
    Location,
    Party,
    Provider,
    StorageKind,
    utcnow,
)
from ..service_errors import Link, ServiceError
from ..values import clean_country, clean_domain, clean_text, clean_url, validate_cookie_name

E = TypeVar("E", bound=enum.Enum)
T = TypeVar("T")

MAX_FUNCTION_LENGTH = 200
MAX_PURPOSE_LENGTH = 2000
MAX_NOTES_LENGTH = 10_000
MAX_DURATION_VALUE = 1000
MAX_PROVIDER_NAME_LENGTH = 200
MAX_CATEGORY_NAME_LENGTH = 200
MAX_LONG_TEXT_LENGTH = 2000
# How many entries a refusal names before it says "and N more".
NAMED_ENTRIES = 5
SLUG = re.compile(r"[a-z0-9-]{1,64}")


class _Refusals:
    """Collects every refused value instead of stopping at the first."""

    def __init__(self) -> None:
        self.found: list[ServiceError] = []

    def clean(self, clean: Callable[..., T], *args: Any) -> T | None:
        try:
            return clean(*args)
        except ServiceError as error:
            self.found.append(error)
            return None

    def add(self, message: str, field: str) -> None:
        self.found.append(ServiceError(message, field))


def _member(enum_class: type[E], value: Any, field: str) -> E:
    try:
        return enum_class(value)
    except ValueError:
        raise ServiceError(_("Choose one of the options."), field) from None


def _optional_member(enum_class: type[E], value: Any, field: str) -> E | None:
    return None if value in (None, "") else _member(enum_class, value, field)


def _names(names: Iterable[str]) -> list[str]:
    cleaned = [name.strip() for name in names if name and name.strip()]
    if not cleaned:
        raise ServiceError(_("Give at least one cookie name."), "names")
    seen: set[str] = set()
    for name in cleaned:
        validate_cookie_name(name)
        if name in seen:
            raise ServiceError(_("“%(name)s” is listed twice.", name=name), "names")
        seen.add(name)
    overlaps = overlapping(cleaned, cleaned)
    if overlaps:
        pattern, covered = overlaps[0]
        raise ServiceError(
            _(
                "“%(pattern)s” already stands for “%(covered)s”: list only one of them.",
                covered=covered,
                pattern=pattern,
            ),
            "names",
        )
    return cleaned


def _latest_allowed_date() -> date:
    # Somewhere on Earth it is already tomorrow: allow the date of the earliest time zone.
    return (utcnow() + timedelta(hours=14)).date()


def _review_date(value: date | None) -> date | None:
    if value is not None and value > _latest_allowed_date():
        raise ServiceError(_("A review date cannot be in the future."), "last_reviewed_on")
    return value


# --- Categories ---------------------------------------------------------------------------


def examine_category(
    slug: str, name: str, explanation: str, category: Category | None
) -> tuple[dict[str, str], list[ServiceError]]:
    refusals = _Refusals()
    slug = (slug or "").strip().lower()
    if not SLUG.fullmatch(slug):
        refusals.add(
            _("Use 1 to 64 lower-case letters, digits and hyphens, e.g. “statistics”."), "slug"
        )
    else:
        taken = db.session.scalar(db.select(Category.id).where(Category.slug == slug))
        if taken is not None and (category is None or taken != category.id):
            refusals.add(_("Another category already uses “%(slug)s”.", slug=slug), "slug")
    values = {
        "slug": slug,
        "name": refusals.clean(
            clean_text, name, "name", MAX_CATEGORY_NAME_LENGTH, _("Give the category a name."), True
        ),
        "explanation": refusals.clean(clean_text, explanation, "explanation", MAX_LONG_TEXT_LENGTH),
    }
    return values, refusals.found


def validate_category(
    *, slug: str, name: str, explanation: str, category: Category | None = None
) -> list[ServiceError]:
    """Every refusal of these values, for a form to show them all."""
    return examine_category(slug, name, explanation, category)[1]


# --- Providers ----------------------------------------------------------------------------


def examine_provider(
    name: str,
    website: str | None,
    privacy_policy_url: str | None,
    country: str | None,
    safeguard: str,
    provider: Provider | None,
) -> tuple[dict[str, Any], list[ServiceError]]:
    refusals = _Refusals()
    name = refusals.clean(
        clean_text, name, "name", MAX_PROVIDER_NAME_LENGTH, _("Give the provider's name."), True
    )
    if name:
        # Few providers: comparing in Python folds case in every alphabet, on every database.
        for ident, other in db.session.execute(db.select(Provider.id, Provider.name)):
            if other.casefold() == name.casefold() and (provider is None or ident != provider.id):
                refusals.add(_("A provider named “%(name)s” already exists.", name=other), "name")
    values = {
        "name": name,
        "website": refusals.clean(clean_url, website, "website"),
        "privacy_policy_url": refusals.clean(clean_url, privacy_policy_url, "privacy_policy_url"),
        "country": refusals.clean(clean_country, country),
        "safeguard": refusals.clean(clean_text, safeguard, "safeguard", MAX_LONG_TEXT_LENGTH),
    }
    return values, refusals.found


def validate_provider(
    *,
    name: str,
    website: str | None,
    privacy_policy_url: str | None,
    country: str | None,
    safeguard: str,
    provider: Provider | None = None,
) -> list[ServiceError]:
    """Every refusal of these values, for a form to show them all."""
    return examine_provider(name, website, privacy_policy_url, country, safeguard, provider)[1]


# --- Cookie entries -----------------------------------------------------------------------


@dataclass
class EntryData:
    """What an entry says, with its texts in the source language."""

    provider: Provider
    category: Category
    names: list[str]
    storage_kind: StorageKind
    party: Party
    domain: str
    locations: list[Location]
    function: str
    purpose: str
    duration_kind: DurationKind | None
    duration_value: int | None
    duration_unit: DurationUnit | None
    consent_basis: ConsentBasis
    exemption_ground: ExemptionGround | None
    visible: bool = True
    notes: str = ""
    last_reviewed_on: date | None = None


def _declared_on_domain(domain: str, entry: CookieEntry | None) -> list[tuple[str, CookieEntry]]:
    """(name, other entry) for each name other entries declare on the same domain."""
    host = domain_key(domain)
    domains = [host, f".{host}"] if host else [""]
    query = (
        db.select(CookieName.name, CookieEntry)
        .join(CookieName.entry)
        .where(CookieEntry.domain.in_(domains))
        .options(selectinload(CookieEntry.names), selectinload(CookieEntry.provider))
        .order_by(CookieName.id)
    )
    if entry is not None and entry.id is not None:
        query = query.where(CookieEntry.id != entry.id)
    return [(name, other) for name, other in db.session.execute(query)]


def _open_entry(entry: CookieEntry) -> Link:
    return Link(
        _("Open the entry “%(entry)s”", entry=entry.label),
        "inventory.update",
        {"entry_id": entry.id},
    )


def _declared_elsewhere(
    names: list[str], domain: str, entry: CookieEntry | None
) -> list[ServiceError]:
    """A refusal for each name another entry declares on the same domain, archived or not
    (restoring it must not make a duplicate), and for each name that a pattern of another
    active entry covers or that covers one of its names: one cookie would be declared twice."""
    found = []
    for name, other in _declared_on_domain(domain, entry):
        mapping = {"name": name, "entry": other.label, "provider": other.provider.name}
        if name in names:
            message = (
                _(
                    "“%(name)s” on this domain is already declared by the archived entry "
                    "“%(entry)s” (%(provider)s).",
                    **mapping,
                )
                if other.archived
                else _(
                    "“%(name)s” on this domain is already declared by the entry "
                    "“%(entry)s” (%(provider)s).",
                    **mapping,
                )
            )
            found.append(ServiceError(message, "names", _open_entry(other)))
            continue
        if other.archived:
            continue
        for pattern, covered in overlapping(names, [name]):
            if pattern == name:
                message = _(
                    "“%(covered)s” on this domain is already covered by “%(pattern)s” of the "
                    "entry “%(entry)s” (%(provider)s).",
                    covered=covered,
                    pattern=pattern,
                    **mapping,
                )
            else:
                message = _(
                    "“%(pattern)s” on this domain covers “%(covered)s”, already declared by the "
                    "entry “%(entry)s” (%(provider)s).",
                    covered=covered,
                    pattern=pattern,
                    **mapping,
                )
            found.append(ServiceError(message, "names", _open_entry(other)))
    return found[:NAMED_ENTRIES]


def examine_entry(
    data: EntryData, entry: CookieEntry | None
) -> tuple[EntryData, list[ServiceError]]:
    refusals = _Refusals()
    if data.provider is None:
        refusals.add(_("Choose a provider."), "provider")
    if data.category is None:
        refusals.add(_("Choose a category."), "category")
    names = refusals.clean(_names, data.names or [])
    party = refusals.clean(_member, Party, data.party, "party")
    domain = refusals.clean(clean_domain, data.domain)
    if party == Party.THIRD and domain == "":
        refusals.add(_("Give the domain the third party sets it from."), "domain")
    locations = refusals.clean(_locations, data.locations or [])
    duration_kind = refusals.clean(
        _optional_member, DurationKind, data.duration_kind, "duration_kind"
    )
    duration_unit = refusals.clean(
        _optional_member, DurationUnit, data.duration_unit, "duration_unit"
    )
    duration_value = data.duration_value
    if duration_kind == DurationKind.FIXED:
        if duration_value is None:
            refusals.add(
                _("Give the number of hours, days, weeks, months or years."), "duration_value"
            )
        elif not 1 <= duration_value <= MAX_DURATION_VALUE:
            refusals.add(
                _("Give a whole number from 1 to %(max)s.", max=MAX_DURATION_VALUE),
                "duration_value",
            )
        if duration_unit is None and data.duration_unit in (None, ""):
            refusals.add(_("Choose a unit."), "duration_unit")
    else:
        if duration_value is not None:
            refusals.add(_("Only a fixed time has a value."), "duration_value")
        if duration_unit is not None:
            refusals.add(_("Only a fixed time has a unit."), "duration_unit")
    consent_basis = refusals.clean(_member, ConsentBasis, data.consent_basis, "consent_basis")
    ground = refusals.clean(
        _optional_member, ExemptionGround, data.exemption_ground, "exemption_ground"
    )
    if consent_basis == ConsentBasis.EXEMPT and ground is None and not data.exemption_ground:
        refusals.add(_("Choose the ground of the exemption."), "exemption_ground")
    if consent_basis == ConsentBasis.CONSENT and ground is not None:
        refusals.add(_("An entry that needs consent has no exemption ground."), "exemption_ground")
    if names and domain is not None:
        refusals.found += _declared_elsewhere(names, domain, entry)
    cleaned = replace(
        data,
        names=names,
        storage_kind=refusals.clean(_member, StorageKind, data.storage_kind, "storage_kind"),
        party=party,
        domain=domain,
        locations=locations,
        function=refusals.clean(
            clean_text,
            data.function,
            "function",
            MAX_FUNCTION_LENGTH,
            _("Give the function, e.g. “Authentication”."),
            True,
        ),
        purpose=refusals.clean(
            clean_text,
            data.purpose,
            "purpose",
            MAX_PURPOSE_LENGTH,
            _("Say what the cookie is for, in a sentence."),
        ),
        duration_kind=duration_kind,
        duration_unit=duration_unit,
        consent_basis=consent_basis,
        exemption_ground=ground,
        visible=bool(data.visible),
        notes=refusals.clean(clean_text, data.notes, "notes", MAX_NOTES_LENGTH),
        last_reviewed_on=refusals.clean(_review_date, data.last_reviewed_on),
    )
    return cleaned, refusals.found


def _locations(locations: Iterable[Location | str]) -> list[Location]:
    chosen = {_member(Location, location, "locations") for location in locations}
    if not chosen:
        raise ServiceError(_("Choose at least one place where it is used."), "locations")
    return [location for location in Location if location in chosen]


def validate_entry(data: EntryData, *, entry: CookieEntry | None = None) -> list[ServiceError]:
    """Every refusal of this entry's values, for a form to show them all."""
    return examine_entry(data, entry)[1]
