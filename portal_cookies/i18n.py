"""Interface language selection and language-aware formatting."""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any
from zoneinfo import available_timezones

import sqlalchemy as sa
from babel import Locale, UnknownLocaleError
from babel.units import format_unit
from flask import current_app, has_request_context, request, session
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from .config import INTERFACE_LANGUAGES
from .extensions import db
from .models import DEFAULT_TIME_ZONE, DurationKind, DurationUnit, PortalSettings
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
    lang = (request.view_args or {}).get("lang")
    if lang in INTERFACE_LANGUAGES:
        return lang
    if not is_public_request():
        if current_user.is_authenticated and current_user.locale in INTERFACE_LANGUAGES:
            return current_user.locale
        if session.get(SESSION_LOCALE_KEY) in INTERFACE_LANGUAGES:
            return session[SESSION_LOCALE_KEY]
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
