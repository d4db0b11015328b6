"""The catalogue of known cookies: importing it, and what it suggests for a cookie's name.

Suggestions only propose: nothing here changes the inventory. Each says where it comes from
and how sure the match is:
- ``name_and_domain``: the same name, and the cookie's domain is the catalogue's (or one of
  its subdomains);
- ``prefix``: the catalogue's name is a prefix (its "Wildcard match") the name starts with;
- ``name_only``: the same name, nothing to confirm it is the same cookie.
A suggestion is ``doubtful`` when the name is one many unrelated sites use (``GENERIC_NAMES``,
or two characters or fewer) and only the name matched, when a prefix is that short, or when
the catalogue places the cookie on another domain than the one given.
"""

import enum
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..i18n import format_duration
from ..models import Category, KnownCookie, Provider
from .importing import ImportCounts, import_catalogue
from .retention import Duration, parse_retention

__all__ = [
    "GENERIC_NAMES",
    "MAX_NAME_LENGTH",
    "SHIPPED_CATALOGUE",
    "SOURCE",
    "Duration",
    "ImportCounts",
    "MatchQuality",
    "PortalMatch",
    "Suggestion",
    "catalogue_size",
    "import_catalogue",
    "import_shipped_catalogue_if_empty",
    "match_in_portal",
    "parse_retention",
    "suggest",
    "suggestion_data",
    "suggestions_for_names",
]

SOURCE = "Open Cookie Database"
# The snapshot shipped with the application (Apache-2.0, its LICENSE beside it).
SHIPPED_CATALOGUE = (
    Path(__file__).resolve().parent.parent
    / "data"
    / "open-cookie-database"
    / "open-cookie-database.csv"
)
# A cookie name is at most this long in the inventory; longer ones are not looked up.
MAX_NAME_LENGTH = 255
MAX_SUGGESTIONS = 10
# Names that many unrelated sites and frameworks set for their own purposes: the catalogue's
# row for one of them describes some site's cookie, not necessarily this one.
GENERIC_NAMES = frozenset(
    {
        "_csrf",
        "consent",
        "country",
        "csrf_token",
        "csrftoken",
        "currency",
        "id",
        "lang",
        "language",
        "locale",
        "session",
        "session_id",
        "sessionid",
        "sid",
        "test",
        "timezone",
        "token",
        "uid",
        "user_id",
        "xsrf-token",
    }
)
SHORT_NAME = 2


class MatchQuality(enum.StrEnum):
    NAME_AND_DOMAIN = "name_and_domain"
    PREFIX = "prefix"
    NAME_ONLY = "name_only"


QUALITY_LABELS = {
    MatchQuality.NAME_AND_DOMAIN: _l("same name and domain"),
    MatchQuality.PREFIX: _l("name starts with a known prefix"),
    MatchQuality.NAME_ONLY: _l("same name only"),
}
# Names looked up at once for a form: more is a list pasted, not a cookie being declared.
MAX_NAMES = 5


class _DomainFit(enum.IntEnum):
    """How the domain given agrees with the catalogue's, best first."""

    SAME = 0
    UNKNOWN = 1
    OTHER = 2


@dataclass(frozen=True)
class Suggestion:
    """What the catalogue says of a cookie, and how sure the match is."""

    name: str
    wildcard: bool
    # The company to declare as the provider: the catalogue's data controller, else its
    # platform.
    provider: str
    platform: str
    category: str
    description: str
    # The retention read as a duration, or None: then ``retention`` is to be confirmed.
    duration: Duration | None
    retention: str
    privacy_url: str
    domain: str
    quality: MatchQuality
    doubtful: bool
    source_id: str
    source: str = SOURCE


@dataclass(frozen=True)
class PortalMatch:
    """The portal's own provider and category a suggestion names, when they exist."""

    provider: Provider | None
    category: Category | None


# The portal's usual category for each of the catalogue's (the demo's slugs, DESIGN.md §2).
CATEGORY_SLUGS = {
    "analytics": "statistics",
    "marketing": "marketing",
    "functional": "preferences",
    "personalization": "preferences",
    "necessary": "necessary",
    "security": "necessary",
}


def suggest(name: str, domain: str | None = None) -> list[Suggestion]:
    """What the catalogue knows of the cookie ``name`` (set by ``domain``, when given), the
    surest first and the doubtful last. A pattern ``prefix.*`` is looked up as its prefix."""
    key = name.strip().rstrip("*").lower()
    # Control characters are in no cookie name, and PostgreSQL refuses a NUL in a query.
    if not key or len(key) > MAX_NAME_LENGTH or not key.isprintable():
        return []
    # Every prefix of the name, the name included: one indexed query finds both the rows of
    # that name and the wildcard rows the name starts with.
    prefixes = {key[:end] for end in range(1, len(key) + 1)}
    rows = db.session.scalars(sa.select(KnownCookie).where(KnownCookie.name_key.in_(prefixes)))
    wanted = _clean_domain(domain or "")
    found = []
    for known in rows:
        if known.name_key != key and not known.wildcard:
            continue
        fit = _domain_fit(wanted, known.domain)
        found.append((_suggestion(known, key, fit), fit))
    # Doubtful matches last; then the surest, the domain agreeing, the longest name.
    found.sort(
        key=lambda item: (
            item[0].doubtful,
            list(MatchQuality).index(item[0].quality),
            item[1],
            -len(item[0].name),
            item[0].platform.lower(),
            item[0].source_id,
        )
    )
    return [suggestion for suggestion, _fit in found[:MAX_SUGGESTIONS]]


def _suggestion(known: KnownCookie, key: str, fit: _DomainFit) -> Suggestion:
    if known.name_key != key:
        quality = MatchQuality.PREFIX
        doubtful = len(known.name_key) <= SHORT_NAME
    elif fit == _DomainFit.SAME:
        quality, doubtful = MatchQuality.NAME_AND_DOMAIN, False
    else:
        quality = MatchQuality.NAME_ONLY
        doubtful = key in GENERIC_NAMES or len(key) <= SHORT_NAME
    duration = None
    if known.duration_kind is not None:
        duration = Duration(known.duration_kind, known.duration_value, known.duration_unit)
    return Suggestion(
        name=known.name,
        wildcard=known.wildcard,
        provider=known.data_controller or known.platform,
        platform=known.platform,
        category=known.category,
        description=known.description,
        duration=duration,
        retention=known.retention,
        privacy_url=known.privacy_url,
        domain=known.domain,
        quality=quality,
        doubtful=doubtful or fit == _DomainFit.OTHER,
        source_id=known.source_id,
    )


def _clean_domain(text: str) -> str:
    """A host name from a catalogue's or a person's writing: lower case, no dots around."""
    return text.strip().strip(".").lower()


def _catalogue_domains(text: str) -> list[str]:
    """The domains a catalogue's Domain column names: "a.com (3rd party) or .b.com"."""
    domains = []
    for part in text.lower().split(" or "):
        host = _clean_domain(part.replace("(3rd party)", ""))
        if host and " " not in host:
            domains.append(host)
    return domains


def _domain_fit(wanted: str, catalogue_domain: str) -> _DomainFit:
    known = _catalogue_domains(catalogue_domain)
    if not wanted or not known:
        return _DomainFit.UNKNOWN
    if any(wanted == host or wanted.endswith("." + host) for host in known):
        return _DomainFit.SAME
    return _DomainFit.OTHER


def match_in_portal(suggestions: list[Suggestion]) -> list[PortalMatch]:
    """For each suggestion, the portal's provider named like its data controller or platform,
    and the portal's category for the catalogue's, when the portal has them (two queries)."""
    names = {name.lower() for s in suggestions for name in (s.provider, s.platform) if name}
    slugs = {slug for s in suggestions for slug in _category_slugs(s.category)}
    providers = {
        provider.name.lower(): provider
        for provider in db.session.scalars(
            sa.select(Provider).where(sa.func.lower(Provider.name).in_(names))
        )
    }
    categories = {
        category.slug: category
        for category in db.session.scalars(sa.select(Category).where(Category.slug.in_(slugs)))
    }
    return [
        PortalMatch(
            provider=providers.get(s.provider.lower()) or providers.get(s.platform.lower()),
            category=next(
                (categories[slug] for slug in _category_slugs(s.category) if slug in categories),
                None,
            ),
        )
        for s in suggestions
    ]


def _category_slugs(category: str) -> list[str]:
    """The portal's slugs that may stand for a catalogue's category, the likeliest first."""
    key = category.strip().lower()
    return [slug for slug in (CATEGORY_SLUGS.get(key), key) if slug]


def suggestions_for_names(
    names: list[str], domain: str | None = None
) -> list[tuple[str, list[dict[str, Any]]]]:
    """Each name (the first few) with its suggestions, as ``suggestion_data`` gives them."""
    return [(name, suggestion_data(suggest(name, domain))) for name in names[:MAX_NAMES]]


def suggestion_data(suggestions: list[Suggestion]) -> list[dict[str, Any]]:
    """Suggestions as plain data for a page or JSON, in the interface language: with the
    portal's provider and category ids when it has them (``None``: to create)."""
    data = []
    for suggestion, match in zip(suggestions, match_in_portal(suggestions), strict=True):
        duration = suggestion.duration
        data.append(
            {
                "name": suggestion.name,
                "wildcard": suggestion.wildcard,
                "provider": suggestion.provider,
                "provider_id": match.provider.id if match.provider else None,
                "platform": suggestion.platform,
                "category": suggestion.category,
                "category_id": match.category.id if match.category else None,
                "description": suggestion.description,
                "duration": None
                if duration is None
                else {
                    "kind": duration.kind.value,
                    "value": duration.value,
                    "unit": duration.unit.value if duration.unit else None,
                    "text": format_duration(duration.kind, duration.value, duration.unit),
                },
                "retention": suggestion.retention,
                "privacy_url": suggestion.privacy_url or None,
                "domain": suggestion.domain,
                "quality": suggestion.quality.value,
                "quality_text": str(QUALITY_LABELS[suggestion.quality]),
                "doubtful": suggestion.doubtful,
                "source": suggestion.source,
                "source_id": suggestion.source_id,
            }
        )
    return data


def catalogue_size() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(KnownCookie)) or 0


def import_shipped_catalogue_if_empty() -> ImportCounts | None:
    """Give a new portal its suggestions: the shipped snapshot, unless a catalogue is there."""
    if catalogue_size() or not SHIPPED_CATALOGUE.is_file():
        return None
    return import_catalogue(SHIPPED_CATALOGUE.read_bytes())
