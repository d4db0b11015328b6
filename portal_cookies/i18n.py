"""Interface language selection and language-aware formatting."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, tzinfo
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

import sqlalchemy as sa
from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_date, format_time, get_timezone_gmt, get_timezone_location
from babel.units import format_unit
from flask import current_app, has_request_context, request, session
from flask_babel import force_locale, get_locale, get_timezone
from flask_babel import gettext as _
from flask_login import current_user

from .config import INTERFACE_LANGUAGES
from .extensions import db
from .models import DEFAULT_TIME_ZONE, DurationKind, DurationUnit, PortalSettings, utcnow
from .visitors import is_public_request

SESSION_LOCALE_KEY = "locale"


def select_locale() -> str:
    """The user's saved preference, else the session's choice, else the browser's."""
    if not has_request_context():
        # A command line (flask users ...): the messages of services are read in English.
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    # Public pages carry their language in the URL and must never touch the session (loading
    # the current user may write to it): without a language of the interface there, the
    # browser's choice.
    lang = _address_locale()
    if lang:
        return lang
    if not is_public_request():
        if current_user.is_authenticated and current_user.locale in INTERFACE_LANGUAGES:
            return current_user.locale
        if session.get(SESSION_LOCALE_KEY) in INTERFACE_LANGUAGES:
            return session[SESSION_LOCALE_KEY]
    return _browser_locale()


def request_locale() -> str:
    """The interface language the request itself asks for, its address's else the browser's:
    for a page that cannot load the user, when the database is out of reach."""
    return _address_locale() or _browser_locale()


def _address_locale() -> str | None:
    lang = (request.view_args or {}).get("lang")
    return lang if lang in INTERFACE_LANGUAGES else None


def _browser_locale() -> str:
    return (
        request.accept_languages.best_match(INTERFACE_LANGUAGES)
        or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


@cache
def time_zones() -> frozenset[str]:
    """The IANA time zones this system knows; "Factory" and "localtime" are files of the
    database, not places, and Flask-Babel (pytz) would not know them."""
    return frozenset(available_timezones() - {"Factory", "localtime"})


def select_time_zone() -> str:
    """The portal's time zone, in which the interface writes dates: one small query, once
    per request that formats a date (Flask-Babel keeps the answer for the request)."""
    name = db.session.scalar(
        sa.select(PortalSettings.time_zone).order_by(PortalSettings.id).limit(1)
    )
    return name if name in time_zones() else DEFAULT_TIME_ZONE


def interface_time_zone() -> ZoneInfo:
    """The zone this request writes times in: the portal's, read once per request."""
    return ZoneInfo(str(get_timezone()))


def portal_today() -> date:
    """Today's date where the portal is: in its time zone, whoever asks."""
    return utcnow().astimezone(interface_time_zone()).date()


def language_name(code: str, in_language: str | None = None) -> str:
    """``fr`` -> "français" (in French) or "French" (in English); unknown codes stay codes."""
    try:
        locale = Locale.parse(code)
        name = locale.get_display_name(in_language or str(get_locale())) or code
    except (UnknownLocaleError, ValueError):
        return code
    return name[:1].upper() + name[1:]


def is_known_language(code: str) -> bool:
    try:
        Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return False
    return True


@contextmanager
def in_language(language: str) -> Iterator[None]:
    """The interface's words and formats in ``language``, whatever the request's locale
    (English if Babel does not know the language): what visitors' pages are written in."""
    known = language if is_known_language(language) else current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(known):
        yield


def text_direction(language: str) -> str:
    """``rtl`` for a language written right to left, else ``ltr``: a page's ``dir``."""
    if is_known_language(language) and Locale.parse(language).character_order == "right-to-left":
        return "rtl"
    return "ltr"


_UNIT_KEYS = {
    DurationUnit.HOURS: "duration-hour",
    DurationUnit.DAYS: "duration-day",
    DurationUnit.WEEKS: "duration-week",
    DurationUnit.MONTHS: "duration-month",
    DurationUnit.YEARS: "duration-year",
}


def format_duration(
    kind: DurationKind | None,
    value: int | None,
    unit: DurationUnit | None,
    language: str | None = None,
) -> str:
    """A structured duration in words of ``language`` (default: the interface's)."""
    language = language or str(get_locale())
    if kind == DurationKind.SESSION:
        return _("End of the browsing session")
    if kind == DurationKind.UNTIL_DELETED:
        return _("Until deleted")
    if kind == DurationKind.FIXED and value is not None and unit is not None:
        return format_unit(value, _UNIT_KEYS[unit], length="long", locale=language)
    return _("Not given")


def duration_text(duration: dict[str, Any], language: str | None = None) -> str:
    """A content's duration in words of ``language`` (default: the interface's)."""
    return format_duration(
        DurationKind(duration["kind"]) if duration["kind"] else None,
        duration["value"],
        DurationUnit(duration["unit"]) if duration["unit"] else None,
        language if language and is_known_language(language) else None,
    )


# --- Dates and times ----------------------------------------------------------------------

# One way to write a day and a time of day per language, in CLDR's pattern syntax. A
# language not listed writes CLDR's long date and short time.
DATE_PATTERNS = {"en": "d MMMM y", "fr": "d MMMM y"}
# French writes the first day of a month as an ordinal: "1er décembre 2026".
FIRST_DAY_PATTERNS = {"fr": "d'er' MMMM y"}
CLOCK_PATTERNS = {"en": "HH:mm", "fr": "HH 'h' mm"}

# CLDR's territories of zones that belong to no place: UTC, "Etc/GMT+5".
NO_PLACE = frozenset({"ZZ", "001"})


def _locale(language: str | None) -> Locale:
    """``language`` as Babel knows it; the interface's for none, or one Babel does not know."""
    return Locale.parse(language if language and is_known_language(language) else get_locale())


def date_text(
    value: date | datetime, language: str | None = None, zone: tzinfo | None = None
) -> str:
    """A day in words of ``language`` (default: the interface's): "1 December 2026",
    "1er décembre 2026". A moment gives its day in ``zone`` (default: the portal's)."""
    if isinstance(value, datetime):
        value = value.astimezone(zone or interface_time_zone()).date()
    locale = _locale(language)
    pattern = (
        (FIRST_DAY_PATTERNS.get(locale.language) if value.day == 1 else None)
        or DATE_PATTERNS.get(locale.language)
        or locale.date_formats["long"]
    )
    return format_date(value, pattern, locale=locale)


def zone_name(moment: datetime, language: str | None = None) -> str:
    """The time zone of an aware ``moment`` in words of ``language``: the place whose clocks
    it keeps ("France Time", "heure : France"); for a zone of no place, its offset from UTC.
    CLDR's wording, so every language has one without a translator."""
    locale = _locale(language)
    key = getattr(moment.tzinfo, "key", None)
    canonical = get_global("zone_aliases").get(key, key)
    if get_global("zone_territories").get(canonical, "ZZ") in NO_PLACE:
        # UTC itself by its international name, rather than "GMT+00:00".
        if moment.utcoffset() == timedelta(0):
            return "UTC"
        return get_timezone_gmt(moment, locale=locale)
    return get_timezone_location(moment.tzinfo, locale=locale)


def moment_text(moment: datetime, language: str | None = None, zone: tzinfo | None = None) -> str:
    """A moment in words of ``language`` (default: the interface's), in ``zone`` (default: the
    portal's), which it names, since a reader may be elsewhere: "1 December 2026 at 06:58
    (France Time)", "1er décembre 2026 à 06 h 58 (heure : France)"."""
    local = moment.astimezone(zone or interface_time_zone())
    locale = _locale(language)
    clock = CLOCK_PATTERNS.get(locale.language) or locale.time_formats["short"]
    # CLDR's "at" form ("{1} 'at' {0}", "{1} 'à' {0}"): the words between a day and its time.
    joined = locale.datetime_formats_relative.get("long") or locale.datetime_formats["long"]
    at = (
        str(joined)
        .replace("'", "")
        .replace("{1}", date_text(local.date(), str(locale)))
        .replace("{0}", format_time(local.time(), clock, locale=locale))
    )
    return f"{at} ({zone_name(local, str(locale))})"
