"""The inventory's verbs: categories, providers and cookie entries, and the list's search.

A change checks everything first, records one audit event and commits once. A refused change
raises ServiceError naming the form field at fault, and leaves the database as it was. The
``check_*`` functions return every problem at once, so forms show them all on one page.
"""

import enum
import re
import string
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit

import sqlalchemy as sa
from babel import Locale
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import selectinload

from .. import texts
from ..audit import record_event
from ..extensions import db
from ..models import (
    AuditEvent,
    Category,
    ConsentBasis,
    CookieEntry,
    CookieName,
    CurrentText,
    DurationKind,
    DurationUnit,
    ExemptionGround,
    Location,
    Party,
    Provider,
    StorageKind,
    TextKind,
    TextUnit,
    TextVersion,
    User,
    utcnow,
)
from ..portal import get_settings
from ..service_errors import ServiceError

E = TypeVar("E", bound=enum.Enum)
T = TypeVar("T")

MAX_COOKIE_NAME_LENGTH = 255
MAX_FUNCTION_LENGTH = 200
MAX_PURPOSE_LENGTH = 2000
MAX_NOTES_LENGTH = 10_000
MAX_DURATION_VALUE = 1000
MAX_URL_LENGTH = 500
MAX_PROVIDER_NAME_LENGTH = 200
MAX_CATEGORY_NAME_LENGTH = 200
MAX_LONG_TEXT_LENGTH = 2000
MAX_SEARCH_TERMS = 8
HISTORY_LENGTH = 20
# How many entries a "still in use" message names before it says "and N more".
NAMED_ENTRIES = 5

# RFC 6265 §4.1.1: a cookie name is an RFC 2616 token, visible ASCII but for the separators.
TOKEN_CHARS = frozenset("!#$%&'*+-.^_`|~" + string.ascii_letters + string.digits)
PREFIX_PATTERN_END = ".*"
SLUG = re.compile(r"[a-z0-9-]{1,64}")
HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# CLDR territories that are not ISO 3166-1 country codes (regions, unions, test codes...).
NOT_COUNTRIES = frozenset("AC CP CQ DG EA EU EZ IC QO TA UN XA XB XK ZZ".split())
COUNTRY_CODES = frozenset(
    code
    for code in Locale("en").territories
    if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
)


# --- Checking values --------------------------------------------------------------------


class _Problems:
    """Collects every refused value instead of stopping at the first."""

    def __init__(self) -> None:
        self.found: list[ServiceError] = []

    def check(self, clean: Callable[..., T], *args: Any) -> T | None:
        try:
            return clean(*args)
        except ServiceError as error:
            self.found.append(error)
            return None

    def add(self, message: str, field: str) -> None:
        self.found.append(ServiceError(message, field))


def clean_text(
    value: str | None,
    field: str,
    max_length: int,
    required_message: str | None = None,
    single_line: bool = False,
) -> str:
    """``value`` stripped; refused when empty (if required), too long or with control codes."""
    text = (value or "").strip()
    if not text and required_message:
        raise ServiceError(required_message, field)
    if len(text) > max_length:
        raise ServiceError(
            _(
                "Keep it to %(count)s characters at most (it has %(length)s).",
                count=max_length,
                length=len(text),
            ),
            field,
        )
    if CONTROL_CHARACTERS.search(text) or (single_line and ("\n" in text or "\r" in text)):
        raise ServiceError(_("Remove the control characters or line breaks."), field)
    return text


def _member(enum_class: type[E], value: Any, field: str) -> E:
    try:
        return enum_class(value)
    except ValueError:
        raise ServiceError(_("Choose one of the options."), field) from None


def _optional_member(enum_class: type[E], value: Any, field: str) -> E | None:
    return None if value in (None, "") else _member(enum_class, value, field)


def _quoted(char: str) -> str:
    if char == " ":
        return _("a space")
    if CONTROL_CHARACTERS.search(char) or char in "\t\r\n":
        return _("a control character")
    return f"“{char}”"


def check_cookie_name(name: str) -> str:
    """An exact name or a prefix pattern ``prefix.*``, valid per RFC 6265; else ServiceError."""
    if len(name) > MAX_COOKIE_NAME_LENGTH:
        raise ServiceError(
            _("A cookie name may have at most %(count)s characters.", count=MAX_COOKIE_NAME_LENGTH),
            "names",
        )
    stem = name.removesuffix(PREFIX_PATTERN_END)
    if not stem:
        raise ServiceError(_("“.*” needs a prefix before it, as in “_pk_id.*”."), "names")
    if "*" in stem:
        raise ServiceError(
            _("“%(name)s”: only a final “.*” may stand for the rest of a name.", name=name),
            "names",
        )
    for char in stem:
        if char not in TOKEN_CHARS:
            raise ServiceError(
                _(
                    "“%(name)s” is not a valid cookie name: it contains %(character)s. Cookie "
                    "names are ASCII letters, digits and !#$%%&'*+-.^_`|~ only.",
                    name=name,
                    character=_quoted(char),
                ),
                "names",
            )
    return name


def _names(names: Iterable[str]) -> list[str]:
    cleaned = [name.strip() for name in names if name and name.strip()]
    if not cleaned:
        raise ServiceError(_("Give at least one cookie name."), "names")
    seen: set[str] = set()
    for name in cleaned:
        check_cookie_name(name)
        if name in seen:
            raise ServiceError(_("“%(name)s” is listed twice.", name=name), "names")
        seen.add(name)
    return cleaned


def clean_domain(domain: str | None) -> str:
    """A lower-case host name, with its leading dot if given; empty means the portal's host."""
    domain = (domain or "").strip().lower()
    if not domain:
        return ""
    dot = "." if domain.startswith(".") else ""
    try:
        host = domain[len(dot) :].encode("idna").decode("ascii")
    except UnicodeError:
        host = ""
    labels = host.split(".")
    if not host or len(host) > 253 or not all(HOST_LABEL.fullmatch(label) for label in labels):
        raise ServiceError(
            _("Give a host name such as “.example.org”, without “https://” or a path."),
            "domain",
        )
    return dot + host


def clean_url(url: str | None, field: str) -> str | None:
    """An http(s) address with a host, or None for an empty one."""
    url = (url or "").strip()
    if not url:
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        host = None
    if (
        parts.scheme.lower() not in ("http", "https")
        or not host
        or len(url) > MAX_URL_LENGTH
        or any(char.isspace() or CONTROL_CHARACTERS.match(char) for char in url)
    ):
        raise ServiceError(_("Give a full web address starting with https:// (or http://)."), field)
    return url


def clean_country(country: str | None) -> str | None:
    """An ISO 3166-1 alpha-2 code in upper case, or None."""
    code = (country or "").strip().upper()
    if not code:
        return None
    if code not in COUNTRY_CODES:
        raise ServiceError(
            _("Choose a country from the list (an ISO 3166 code such as “FR”)."), "country"
        )
    return code


def _latest_allowed_date() -> date:
    # Somewhere on Earth it is already tomorrow: allow the date of the earliest time zone.
    return (utcnow() + timedelta(hours=14)).date()


def _review_date(value: date | None) -> date | None:
    if value is not None and value > _latest_allowed_date():
        raise ServiceError(_("A review date cannot be in the future."), "last_reviewed_on")
    return value


# --- Saving -------------------------------------------------------------------------------


@contextmanager
def _change() -> Iterator[None]:
    """Commit what the block changes, or, if anything is refused, none of it."""
    try:
        yield
        db.session.commit()
    except ServiceError:
        db.session.rollback()
        raise
    except texts.TextConflict as error:
        db.session.rollback()
        raise ServiceError(
            _("Someone changed this text meanwhile; nothing was saved. Reload and try again.")
        ) from error
    except sa.exc.IntegrityError as error:
        db.session.rollback()
        raise ServiceError(
            _("Someone saved a conflicting change meanwhile; nothing was saved. Try again.")
        ) from error


def _valid(values: T, problems: list[ServiceError]) -> T:
    if problems:
        raise problems[0]
    return values


def _record_change(
    actor: User | None,
    action: str,
    obj: Any,
    label: str,
    before: dict[str, Any],
    after: dict[str, Any],
) -> bool:
    """Record the values that changed, if any; tell whether there were."""
    changed = [key for key in after if before.get(key) != after[key]]
    if changed:
        record_event(
            actor,
            action,
            obj,
            label=label,
            before={key: before.get(key) for key in changed},
            after={key: after[key] for key in changed},
        )
    return bool(changed)


def _add(obj: Category | Provider | CookieEntry, actor: User | None, label: str) -> None:
    """Add a new object and record its creation with its values."""
    db.session.add(obj)
    db.session.flush()
    record_event(actor, "create", obj, label=label, after=_values(obj))


def _delete(obj: Category | Provider | CookieEntry, actor: User | None, label: str) -> None:
    """Delete an object with its texts, which nothing else uses, and record its last values."""
    record_event(actor, "delete", obj, label=label, before=_values(obj))
    units = list(obj.text_units.values())
    db.session.delete(obj)
    db.session.flush()
    for unit in units:
        db.session.delete(unit)


def _values(obj: Category | Provider | CookieEntry) -> dict[str, Any]:
    """What the audit trail keeps of an object: its meaningful values, texts in the source."""
    if isinstance(obj, Category):
        return _category_values(obj)
    if isinstance(obj, Provider):
        return _provider_values(obj)
    return _entry_values(obj)


def _entries_message(entries: Sequence[CookieEntry]) -> str:
    labels = ", ".join(f"“{entry.label}”" for entry in entries[:NAMED_ENTRIES])
    if len(entries) > NAMED_ENTRIES:
        labels = _(
            "%(entries)s and %(count)s more", entries=labels, count=len(entries) - NAMED_ENTRIES
        )
    return labels


def _entries_using(column: sa.orm.InstrumentedAttribute[int], ident: int) -> list[CookieEntry]:
    return list(
        db.session.scalars(
            db.select(CookieEntry)
            .where(column == ident)
            .options(selectinload(CookieEntry.names))
            .order_by(CookieEntry.archived, CookieEntry.id)
        )
    )


# --- Categories ---------------------------------------------------------------------------


def _examine_category(
    slug: str, name: str, explanation: str, category: Category | None
) -> tuple[dict[str, str], list[ServiceError]]:
    problems = _Problems()
    slug = (slug or "").strip().lower()
    if not SLUG.fullmatch(slug):
        problems.add(
            _("Use 1 to 64 lower-case letters, digits and hyphens, e.g. “statistics”."), "slug"
        )
    else:
        taken = db.session.scalar(db.select(Category.id).where(Category.slug == slug))
        if taken is not None and (category is None or taken != category.id):
            problems.add(_("Another category already uses “%(slug)s”.", slug=slug), "slug")
    values = {
        "slug": slug,
        "name": problems.check(
            clean_text, name, "name", MAX_CATEGORY_NAME_LENGTH, _("Give the category a name."), True
        ),
        "explanation": problems.check(clean_text, explanation, "explanation", MAX_LONG_TEXT_LENGTH),
    }
    return values, problems.found


def check_category(
    *, slug: str, name: str, explanation: str, category: Category | None = None
) -> list[ServiceError]:
    """Every problem with these values, for a form to show them all."""
    return _examine_category(slug, name, explanation, category)[1]


def _category_values(category: Category) -> dict[str, Any]:
    return {
        "slug": category.slug,
        "name": category.name_unit.source_text,
        "explanation": category.explanation_unit.source_text,
        "consent_required_default": category.consent_required_default,
    }


def create_category(
    *,
    slug: str,
    name: str,
    explanation: str,
    consent_required_default: bool,
    actor: User | None,
) -> Category:
    with _change():
        values = _valid(*_examine_category(slug, name, explanation, None))
        language = get_settings().source_language
        last = db.session.scalar(db.select(sa.func.max(Category.position)))
        category = Category(
            slug=values["slug"],
            position=0 if last is None else last + 1,
            consent_required_default=bool(consent_required_default),
            name_unit=texts.create_unit(TextKind.CATEGORY_NAME, language, values["name"], actor),
            explanation_unit=texts.create_unit(
                TextKind.CATEGORY_EXPLANATION, language, values["explanation"], actor
            ),
        )
        _add(category, actor, category.slug)
    return category


def update_category(
    category: Category,
    *,
    slug: str,
    name: str,
    explanation: str,
    consent_required_default: bool,
    actor: User | None,
    minor_edit: bool = False,
) -> Category:
    with _change():
        values = _valid(*_examine_category(slug, name, explanation, category))
        before = _category_values(category)
        category.slug = values["slug"]
        category.consent_required_default = bool(consent_required_default)
        for unit, text in (
            (category.name_unit, values["name"]),
            (category.explanation_unit, values["explanation"]),
        ):
            texts.set_source_text(unit, text, actor, minor_edit=minor_edit)
        _record_change(actor, "update", category, category.slug, before, _category_values(category))
    return category


def move_category(category: Category, *, direction: str, actor: User | None) -> None:
    """Swap the category with its neighbour above ("up") or below ("down")."""
    with _change():
        if direction not in ("up", "down"):
            raise ServiceError(_("A category moves “up” or “down”."), "direction")
        ordered = list(
            db.session.scalars(db.select(Category).order_by(Category.position, Category.id))
        )
        index = ordered.index(category)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(ordered):
            message = (
                _("This category is already the first.")
                if direction == "up"
                else _("This category is already the last.")
            )
            raise ServiceError(message, "direction")
        before = category.position
        ordered[index], ordered[other] = ordered[other], ordered[index]
        # Renumbering the whole list also repairs equal positions left by older data.
        for position, item in enumerate(ordered):
            item.position = position
        record_event(
            actor,
            "move",
            category,
            label=category.slug,
            before={"position": before},
            after={"position": category.position},
        )


def delete_category(category: Category, *, actor: User | None) -> None:
    """Delete a category no entry uses, active or archived."""
    with _change():
        entries = _entries_using(CookieEntry.category_id, category.id)
        if entries:
            raise ServiceError(
                ngettext(
                    "This category is still used by the entry %(entries)s. Move it to another "
                    "category or delete it first.",
                    "This category is still used by %(num)s entries: %(entries)s. Move them to "
                    "other categories or delete them first.",
                    len(entries),
                    entries=_entries_message(entries),
                )
            )
        _delete(category, actor, category.slug)


# --- Providers ----------------------------------------------------------------------------


def _examine_provider(
    name: str,
    website: str | None,
    privacy_policy_url: str | None,
    country: str | None,
    safeguard: str,
    provider: Provider | None,
) -> tuple[dict[str, Any], list[ServiceError]]:
    problems = _Problems()
    name = problems.check(
        clean_text, name, "name", MAX_PROVIDER_NAME_LENGTH, _("Give the provider's name."), True
    )
    if name:
        # Few providers: comparing in Python folds case in every alphabet, on every database.
        for ident, other in db.session.execute(db.select(Provider.id, Provider.name)):
            if other.casefold() == name.casefold() and (provider is None or ident != provider.id):
                problems.add(_("A provider named “%(name)s” already exists.", name=other), "name")
    values = {
        "name": name,
        "website": problems.check(clean_url, website, "website"),
        "privacy_policy_url": problems.check(clean_url, privacy_policy_url, "privacy_policy_url"),
        "country": problems.check(clean_country, country),
        "safeguard": problems.check(clean_text, safeguard, "safeguard", MAX_LONG_TEXT_LENGTH),
    }
    return values, problems.found


def check_provider(
    *,
    name: str,
    website: str | None,
    privacy_policy_url: str | None,
    country: str | None,
    safeguard: str,
    provider: Provider | None = None,
) -> list[ServiceError]:
    """Every problem with these values, for a form to show them all."""
    return _examine_provider(name, website, privacy_policy_url, country, safeguard, provider)[1]


def _provider_values(provider: Provider) -> dict[str, Any]:
    return {
        "name": provider.name,
        "website": provider.website,
        "privacy_policy_url": provider.privacy_policy_url,
        "country": provider.country,
        "safeguard": provider.safeguard_unit.source_text,
    }


def create_provider(
    *,
    name: str,
    website: str | None,
    privacy_policy_url: str | None,
    country: str | None,
    safeguard: str,
    actor: User | None,
) -> Provider:
    with _change():
        values = _valid(
            *_examine_provider(name, website, privacy_policy_url, country, safeguard, None)
        )
        safeguard_unit = texts.create_unit(
            TextKind.PROVIDER_SAFEGUARD,
            get_settings().source_language,
            values.pop("safeguard"),
            actor,
        )
        provider = Provider(**values, safeguard_unit=safeguard_unit)
        _add(provider, actor, provider.name)
    return provider


def update_provider(
    provider: Provider,
    *,
    name: str,
    website: str | None,
    privacy_policy_url: str | None,
    country: str | None,
    safeguard: str,
    actor: User | None,
    minor_edit: bool = False,
) -> Provider:
    with _change():
        values = _valid(
            *_examine_provider(name, website, privacy_policy_url, country, safeguard, provider)
        )
        before = _provider_values(provider)
        texts.set_source_text(
            provider.safeguard_unit, values.pop("safeguard"), actor, minor_edit=minor_edit
        )
        for key, value in values.items():
            setattr(provider, key, value)
        _record_change(actor, "update", provider, provider.name, before, _provider_values(provider))
    return provider


def delete_provider(provider: Provider, *, actor: User | None) -> None:
    """Delete a provider no entry uses, active or archived."""
    with _change():
        entries = _entries_using(CookieEntry.provider_id, provider.id)
        if entries:
            raise ServiceError(
                ngettext(
                    "This provider is still used by the entry %(entries)s. Give it another "
                    "provider or delete it first.",
                    "This provider is still used by %(num)s entries: %(entries)s. Give them "
                    "another provider or delete them first.",
                    len(entries),
                    entries=_entries_message(entries),
                )
            )
        _delete(provider, actor, provider.name)


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


def _declared_elsewhere(
    names: list[str], domain: str, entry: CookieEntry | None
) -> list[tuple[str, CookieEntry]]:
    """(name, other entry) for each name another entry declares on the same domain."""
    # A leading dot changes nothing for browsers: ".example.org" is "example.org".
    host = domain.lstrip(".")
    domains = [host, f".{host}"] if host else [""]
    query = (
        db.select(CookieName.name, CookieEntry)
        .join(CookieName.entry)
        .where(CookieName.name.in_(names), CookieEntry.domain.in_(domains))
        .options(selectinload(CookieEntry.names), selectinload(CookieEntry.provider))
        .order_by(CookieName.id)
    )
    if entry is not None and entry.id is not None:
        query = query.where(CookieEntry.id != entry.id)
    return [(name, other) for name, other in db.session.execute(query)]


def _examine_entry(
    data: EntryData, entry: CookieEntry | None
) -> tuple[EntryData, list[ServiceError]]:
    problems = _Problems()
    if data.provider is None:
        problems.add(_("Choose a provider."), "provider")
    if data.category is None:
        problems.add(_("Choose a category."), "category")
    names = problems.check(_names, data.names or [])
    party = problems.check(_member, Party, data.party, "party")
    domain = problems.check(clean_domain, data.domain)
    if party == Party.THIRD and domain == "":
        problems.add(_("Give the domain the third party sets it from."), "domain")
    locations = problems.check(_locations, data.locations or [])
    duration_kind = problems.check(
        _optional_member, DurationKind, data.duration_kind, "duration_kind"
    )
    duration_unit = problems.check(
        _optional_member, DurationUnit, data.duration_unit, "duration_unit"
    )
    duration_value = data.duration_value
    if duration_kind == DurationKind.FIXED:
        if duration_value is None:
            problems.add(
                _("Give the number of hours, days, weeks, months or years."), "duration_value"
            )
        elif not 1 <= duration_value <= MAX_DURATION_VALUE:
            problems.add(
                _("Give a whole number from 1 to %(max)s.", max=MAX_DURATION_VALUE),
                "duration_value",
            )
        if duration_unit is None and data.duration_unit in (None, ""):
            problems.add(_("Choose a unit."), "duration_unit")
    else:
        if duration_value is not None:
            problems.add(_("Only a fixed time has a value."), "duration_value")
        if duration_unit is not None:
            problems.add(_("Only a fixed time has a unit."), "duration_unit")
    consent_basis = problems.check(_member, ConsentBasis, data.consent_basis, "consent_basis")
    ground = problems.check(
        _optional_member, ExemptionGround, data.exemption_ground, "exemption_ground"
    )
    if consent_basis == ConsentBasis.EXEMPT and ground is None and not data.exemption_ground:
        problems.add(_("Choose the ground of the exemption."), "exemption_ground")
    if consent_basis == ConsentBasis.CONSENT and ground is not None:
        problems.add(_("An entry that needs consent has no exemption ground."), "exemption_ground")
    if names and domain is not None:
        for name, other in _declared_elsewhere(names, domain, entry)[:NAMED_ENTRIES]:
            message = (
                _(
                    "“%(name)s” on this domain is already declared by the archived entry "
                    "“%(entry)s” (%(provider)s).",
                    name=name,
                    entry=other.label,
                    provider=other.provider.name,
                )
                if other.archived
                else _(
                    "“%(name)s” on this domain is already declared by the entry "
                    "“%(entry)s” (%(provider)s).",
                    name=name,
                    entry=other.label,
                    provider=other.provider.name,
                )
            )
            problems.add(message, "names")
    cleaned = replace(
        data,
        names=names,
        storage_kind=problems.check(_member, StorageKind, data.storage_kind, "storage_kind"),
        party=party,
        domain=domain,
        locations=locations,
        function=problems.check(
            clean_text,
            data.function,
            "function",
            MAX_FUNCTION_LENGTH,
            _("Give the function, e.g. “Authentication”."),
            True,
        ),
        purpose=problems.check(
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
        notes=problems.check(clean_text, data.notes, "notes", MAX_NOTES_LENGTH),
        last_reviewed_on=problems.check(_review_date, data.last_reviewed_on),
    )
    return cleaned, problems.found


def _locations(locations: Iterable[Location | str]) -> list[Location]:
    chosen = {_member(Location, location, "locations") for location in locations}
    if not chosen:
        raise ServiceError(_("Choose at least one place where it is used."), "locations")
    return [location for location in Location if location in chosen]


def check_entry(data: EntryData, *, entry: CookieEntry | None = None) -> list[ServiceError]:
    """Every problem with this entry's values, for a form to show them all."""
    return _examine_entry(data, entry)[1]


def _entry_values(entry: CookieEntry) -> dict[str, Any]:
    def value(member: enum.Enum | None) -> str | None:
        return None if member is None else member.value

    return {
        "names": entry.name_list,
        "provider": entry.provider.name,
        "category": entry.category.slug,
        "storage_kind": value(entry.storage_kind),
        "party": value(entry.party),
        "domain": entry.domain,
        "locations": list(entry.locations),
        "function": entry.function_unit.source_text,
        "purpose": entry.purpose_unit.source_text,
        "duration_kind": value(entry.duration_kind),
        "duration_value": entry.duration_value,
        "duration_unit": value(entry.duration_unit),
        "consent_basis": value(entry.consent_basis),
        "exemption_ground": value(entry.exemption_ground),
        "visible": entry.visible,
        "notes": entry.notes,
        "last_reviewed_on": entry.last_reviewed_on and entry.last_reviewed_on.isoformat(),
    }


def _apply(entry: CookieEntry, data: EntryData) -> None:
    entry.provider = data.provider
    entry.category = data.category
    if entry.name_list != data.names:
        entry.names = [CookieName(name=name, position=i) for i, name in enumerate(data.names)]
    entry.storage_kind = data.storage_kind
    entry.party = data.party
    entry.domain = data.domain
    entry.locations = [location.value for location in data.locations]
    entry.duration_kind = data.duration_kind
    entry.duration_value = data.duration_value
    entry.duration_unit = data.duration_unit
    entry.consent_basis = data.consent_basis
    entry.exemption_ground = data.exemption_ground
    entry.visible = data.visible
    entry.notes = data.notes
    entry.last_reviewed_on = data.last_reviewed_on


def create_entry(data: EntryData, *, actor: User | None) -> CookieEntry:
    with _change():
        data = _valid(*_examine_entry(data, None))
        language = get_settings().source_language
        entry = CookieEntry(
            function_unit=texts.create_unit(
                TextKind.ENTRY_FUNCTION, language, data.function, actor
            ),
            purpose_unit=texts.create_unit(TextKind.ENTRY_PURPOSE, language, data.purpose, actor),
            created_by=actor,
            updated_by=actor,
        )
        _apply(entry, data)
        _add(entry, actor, entry.label)
    return entry


def update_entry(
    entry: CookieEntry, data: EntryData, *, actor: User | None, minor_edit: bool = False
) -> CookieEntry:
    """Save an entry's new values; an unchanged entry records nothing.

    ``minor_edit`` (a typo fix) keeps the translations of changed texts current.
    """
    with _change():
        data = _valid(*_examine_entry(data, entry))
        before = _entry_values(entry)
        _apply(entry, data)
        texts.set_source_text(entry.function_unit, data.function, actor, minor_edit=minor_edit)
        texts.set_source_text(entry.purpose_unit, data.purpose, actor, minor_edit=minor_edit)
        if _record_change(actor, "update", entry, entry.label, before, _entry_values(entry)):
            entry.updated_at = utcnow()
            entry.updated_by = actor
    return entry


def _set_archived(entry: CookieEntry, archived: bool, actor: User | None) -> None:
    with _change():
        if entry.archived == archived:
            raise ServiceError(
                _("This entry is already archived.")
                if archived
                else _("This entry is not archived.")
            )
        entry.archived = archived
        entry.updated_at = utcnow()
        entry.updated_by = actor
        record_event(
            actor,
            "archive" if archived else "restore",
            entry,
            label=entry.label,
            before={"archived": not archived},
            after={"archived": archived},
        )


def archive_entry(entry: CookieEntry, *, actor: User | None) -> None:
    """Take an entry off the inventory (and the next published policy), keeping it."""
    _set_archived(entry, True, actor)


def restore_entry(entry: CookieEntry, *, actor: User | None) -> None:
    _set_archived(entry, False, actor)


def delete_entry(entry: CookieEntry, *, actor: User | None) -> None:
    """Delete an archived entry for good, with its texts."""
    with _change():
        if not entry.archived:
            raise ServiceError(_("Only archived entries can be deleted. Archive it first."))
        _delete(entry, actor, entry.label)


# --- Reading ------------------------------------------------------------------------------


class EntryStatus(enum.StrEnum):
    ACTIVE = "active"
    ARCHIVED = "archived"
    ALL = "all"


class EntrySort(enum.StrEnum):
    NAMES = "names"
    PROVIDER = "provider"
    CATEGORY = "category"
    UPDATED = "updated"


@dataclass(frozen=True)
class EntryFilters:
    """What the inventory list shows; every field narrows it, the defaults show all active."""

    q: str = ""
    category: Category | None = None
    provider: Provider | None = None
    party: Party | None = None
    consent_basis: ConsentBasis | None = None
    status: EntryStatus = EntryStatus.ACTIVE
    translation_problem: bool = False
    sort: EntrySort = EntrySort.NAMES
    descending: bool = False


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _matches(term: str) -> sa.ColumnElement[bool]:
    """Entries with ``term`` in a name, the provider's name, or a function or purpose text
    (the current version in any language)."""
    pattern = _like(term.lower())

    def like(column: Any) -> sa.ColumnElement[bool]:
        return sa.func.lower(column).like(pattern, escape="\\")

    return sa.or_(
        sa.exists().where(CookieName.entry_id == CookieEntry.id, like(CookieName.name)),
        CookieEntry.provider_id.in_(sa.select(Provider.id).where(like(Provider.name))),
        sa.exists().where(
            CurrentText.unit_id.in_([CookieEntry.function_unit_id, CookieEntry.purpose_unit_id]),
            TextVersion.id == CurrentText.version_id,
            like(TextVersion.text),
        ),
    )


def _conditions(filters: EntryFilters) -> list[sa.ColumnElement[bool]]:
    """Every filter but the status."""
    terms = CONTROL_CHARACTERS.sub(" ", filters.q).split()[:MAX_SEARCH_TERMS]
    conditions = [_matches(term) for term in terms]
    if filters.category is not None:
        conditions.append(CookieEntry.category_id == filters.category.id)
    if filters.provider is not None:
        conditions.append(CookieEntry.provider_id == filters.provider.id)
    if filters.party is not None:
        conditions.append(CookieEntry.party == filters.party)
    if filters.consent_basis is not None:
        conditions.append(CookieEntry.consent_basis == filters.consent_basis)
    if filters.translation_problem:
        units = texts.units_needing_translation(get_settings().enabled_languages)
        conditions.append(
            sa.or_(CookieEntry.function_unit_id.in_(units), CookieEntry.purpose_unit_id.in_(units))
        )
    return conditions


def _sort_key(sort: EntrySort) -> sa.ColumnElement[Any]:
    if sort == EntrySort.PROVIDER:
        return (
            sa.select(sa.func.lower(Provider.name))
            .where(Provider.id == CookieEntry.provider_id)
            .scalar_subquery()
        )
    if sort == EntrySort.CATEGORY:
        return (
            sa.select(Category.position)
            .where(Category.id == CookieEntry.category_id)
            .scalar_subquery()
        )
    if sort == EntrySort.UPDATED:
        return CookieEntry.updated_at
    return (
        sa.select(sa.func.lower(CookieName.name))
        .where(CookieName.entry_id == CookieEntry.id)
        .order_by(CookieName.position, CookieName.id)
        .limit(1)
        .scalar_subquery()
    )


def _text_loaded(relationship: Any) -> Any:
    return selectinload(relationship).selectinload(TextUnit.current)


ENTRY_LIST_OPTIONS = (
    selectinload(CookieEntry.names),
    selectinload(CookieEntry.provider),
    selectinload(CookieEntry.category).options(_text_loaded(Category.name_unit)),
    _text_loaded(CookieEntry.function_unit),
    _text_loaded(CookieEntry.purpose_unit),
)


def search_entries(filters: EntryFilters | None = None) -> sa.Select[tuple[CookieEntry]]:
    """The entries the inventory list shows, sorted, with what a row shows loaded."""
    filters = filters or EntryFilters()
    query = db.select(CookieEntry).where(*_conditions(filters))
    if filters.status == EntryStatus.ACTIVE:
        query = query.where(~CookieEntry.archived)
    elif filters.status == EntryStatus.ARCHIVED:
        query = query.where(CookieEntry.archived)
    key = _sort_key(filters.sort)
    order = [key.desc(), CookieEntry.id.desc()] if filters.descending else [key, CookieEntry.id]
    return query.order_by(*order).options(*ENTRY_LIST_OPTIONS)


def count_entries_by_status(filters: EntryFilters | None = None) -> dict[EntryStatus, int]:
    """How many entries each status tab holds, under the other filters."""
    filters = filters or EntryFilters()
    active, archived = db.session.execute(
        sa.select(
            sa.func.count(CookieEntry.id).filter(~CookieEntry.archived),
            sa.func.count(CookieEntry.id).filter(CookieEntry.archived),
        ).where(*_conditions(filters))
    ).one()
    return {
        EntryStatus.ACTIVE: active,
        EntryStatus.ARCHIVED: archived,
        EntryStatus.ALL: active + archived,
    }


def translation_problems(
    entries: Iterable[CookieEntry], languages: list[str] | None = None
) -> dict[int, list[tuple[str, texts.TextStatus]]]:
    """Per entry: each language where its function or purpose is missing or outdated."""
    languages = languages if languages is not None else get_settings().enabled_languages
    problems: dict[int, list[tuple[str, texts.TextStatus]]] = {}
    for entry in entries:
        found = []
        for language in languages:
            statuses = {texts.status_of(unit, language) for unit in entry.text_units.values()}
            for status in (texts.TextStatus.MISSING, texts.TextStatus.OUTDATED):
                if status in statuses:
                    found.append((language, status))
                    break
        problems[entry.id] = found
    return problems


def translation_states(obj: Any) -> dict[str, list[texts.LanguageStatus]]:
    """Each text of a category, provider or entry: its state in the other enabled languages."""
    if obj is None:
        return {}
    languages = get_settings().enabled_languages
    return {
        key: [
            state
            for state in texts.statuses(unit, languages)
            if state.status != texts.TextStatus.SOURCE
        ]
        for key, unit in obj.text_units.items()
    }


def entry_history(entry: CookieEntry, limit: int = HISTORY_LENGTH) -> list[AuditEvent]:
    """The entry's latest audit events, newest first."""
    return list(
        db.session.scalars(
            db.select(AuditEvent)
            .where(AuditEvent.object_type == CookieEntry.__name__, AuditEvent.object_id == entry.id)
            .options(selectinload(AuditEvent.actor))
            .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )


def _with_entry_counts(
    model: type[Category] | type[Provider], column: Any, *order_by: Any
) -> list[tuple[Any, int, int]]:
    rows = db.session.execute(
        sa.select(
            model,
            sa.func.count(CookieEntry.id).filter(~CookieEntry.archived),
            sa.func.count(CookieEntry.id).filter(CookieEntry.archived),
        )
        .outerjoin(CookieEntry, column == model.id)
        .group_by(model.id)
        .order_by(*order_by)
        .options(*(_text_loaded(unit) for unit in _unit_relationships(model)))
    )
    return [tuple(row) for row in rows]


def _unit_relationships(model: type[Category] | type[Provider]) -> list[Any]:
    if model is Category:
        return [Category.name_unit, Category.explanation_unit]
    return [Provider.safeguard_unit]


def categories_with_counts() -> list[tuple[Category, int, int]]:
    """(category, active entries, archived entries), in the policy's order."""
    return _with_entry_counts(Category, CookieEntry.category_id, Category.position, Category.id)


def providers_with_counts() -> list[tuple[Provider, int, int]]:
    """(provider, active entries, archived entries), by name."""
    return _with_entry_counts(
        Provider, CookieEntry.provider_id, sa.func.lower(Provider.name), Provider.id
    )


def list_categories() -> list[Category]:
    """Every category in the policy's order, with its name loaded."""
    return list(
        db.session.scalars(
            db.select(Category)
            .order_by(Category.position, Category.id)
            .options(_text_loaded(Category.name_unit))
        )
    )


def list_providers() -> list[Provider]:
    return list(
        db.session.scalars(db.select(Provider).order_by(sa.func.lower(Provider.name), Provider.id))
    )
