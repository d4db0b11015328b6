"""What every template may use, and the HTTP headers every response carries."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask import Flask, request
from flask_babel import get_locale
from flask_wtf import FlaskForm
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from .audit import changes_of
from .config import INTERFACE_LANGUAGES
from .forms import QueryForm
from .i18n import date_text, format_duration, interface_time_zone, language_name, moment_text
from .labels import action_label, describe_value, field_label, label_of
from .models import TextUnit
from .portal import get_settings
from .visitors import is_public_request

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# A year. Subdomains are left out: other services of the portal's domain may not all be on
# HTTPS yet, and this app cannot know.
HSTS = "max-age=31536000"


def security_headers(config: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The headers every response carries, the public pages' fast path included."""
    headers = [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
    ]
    if config["SESSION_COOKIE_SECURE"]:
        # Served over HTTPS: browsers never try this host over plain HTTP again, where
        # the cookies would not go and a network attacker could answer instead.
        headers.append(("Strict-Transport-Security", HSTS))
    return headers


def register_template_helpers(app: Flask) -> None:
    @app.context_processor
    def interface_context() -> dict[str, object]:
        return {
            "interface_languages": INTERFACE_LANGUAGES,
            "current_locale": str(get_locale()),
            "language_name": language_name,
            "format_duration": format_duration,
            "label_of": label_of,
            "role_label": label_of,
            "field_label": field_label,
            "describe_value": describe_value,
            "action_label": action_label,
            "changes_of": lambda event: changes_of(event, get_settings().source_language),
        }

    @app.template_global()
    def in_language(text: str, language: str | None) -> str:
        """``text``, marked for screen readers as written in ``language`` when that is not the
        page's (None: it reads the same in any language)."""
        if not text or language is None or language == str(get_locale()):
            return text
        return Markup('<span lang="{}">{}</span>').format(language, text)

    @app.template_global()
    def text_in(unit: TextUnit | None) -> str:
        """A unit's text in the interface language when it has one, else in its source
        language, marked as such."""
        if unit is None:
            return ""
        return in_language(*unit.text_or_source(str(get_locale())))

    # Every date and time people read, written one way per language, in the portal's zone.
    app.add_template_filter(date_text)
    app.add_template_filter(moment_text)

    @app.template_filter()
    def machine_time(moment: datetime) -> str:
        """A moment for a ``<time datetime>`` attribute, in the portal's time zone like the
        words it holds, with its offset, to the second."""
        return moment.astimezone(interface_time_zone()).isoformat(timespec="seconds")

    @app.template_global()
    @pass_context
    def form_refused(context: Context) -> bool:
        """Whether the page shows a submitted form refused: its title then says so first.

        A filter form's misread address is not a refusal: it is shown, then ignored."""
        return any(
            isinstance(value, FlaskForm) and not isinstance(value, QueryForm) and value.errors
            for value in context.get_all().values()
        )

    @app.template_global()
    def current_path() -> str:
        """This page's path and query, to come back to after a POST elsewhere."""
        return request.full_path.rstrip("?")

    @app.after_request
    def add_security_headers(response):
        for name, value in security_headers(app.config):
            response.headers.setdefault(name, value)
        if request.endpoint != "static" and not is_public_request():
            # The administration's pages and downloads are for the person logged in: no
            # browser history, proxy or shared cache keeps a copy. The public pages keep
            # their own caching (public.views).
            response.headers["Cache-Control"] = "no-store"
        return response
