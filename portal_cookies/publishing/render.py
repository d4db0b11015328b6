"""Policy content turned into what visitors get: the page, its JSON, the change log.

Everything is rendered once, at publication, and stored with the version; the public
blueprint serves the stored text as it is, and ``flask policy export`` writes the same bytes.
So the output depends on its arguments only: never on the request being served, the person
logged in or their interface language. Each document is rendered with the interface's words
(column headers, "Last updated") in the document's own language, whatever the current
request's locale; a language the interface has no catalog for gets the English words.
Templates are rendered straight from the Jinja environment, without Flask's context
processors, so no request, session or user can leak into a page.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel import Locale
from flask_babel import gettext as _
from markupsafe import Markup

from ..contexts import POLICY_TEXT_LABELS
from ..i18n import (
    date_text,
    duration_text,
    in_language,
    is_known_language,
    language_name,
    text_direction,
    time_zones,
)
from ..labels import label_of
from ..markdown import render_inline_markdown, render_markdown
from ..models import DEFAULT_TIME_ZONE, ConsentBasis, Party, StorageKind
from ..portal import PAGE_TITLE
from ..visitor_pages import FAVICON, STYLESHEET, render_standalone
from .content import sections_of

PAGE_TEMPLATE = "public/policy.html"
CHANGES_TEMPLATE = "public/changes.html"
SUPERSEDED_TEMPLATE = "public/_superseded.html"
# The public JSON's own format (docs/policy-json.md): bumped on any incompatible change.
JSON_FORMAT = 1

# The title heads the page; the introduction follows it without a heading of its own.
UNTITLED_SECTIONS = (PAGE_TITLE, "introduction")
# The sections that carry the portal's settings (the consent centre, the controller and how
# to reach them): shown even without a text of their own.
CONSENT_SECTION = "managing_consent"
CONTACT_SECTION = "contact"


# --- Addresses (the public blueprint serves these, the export writes them) ---------------


def page_path(language: str, number: int | None = None) -> str:
    """The page of the current version, or of version ``number``."""
    return f"/{language}/cookies" if number is None else f"/{language}/cookies/v/{number}"


def json_path(language: str, number: int | None = None) -> str:
    return f"{page_path(language, number)}.json"


def changes_path(language: str) -> str:
    return f"/{language}/cookies/changes"


@dataclass(frozen=True)
class Preview:
    """A draft shown to the team before it is published: its links to the other languages and
    to the change log stay in the preview, and its banner leads back to ``back``."""

    page: Callable[[str], str]
    changes: Callable[[str], str]
    back: str

    @property
    def key(self) -> str:
        """What tells one preview's addresses from another's: all of them hang off the same
        root as the way back."""
        return self.back


# --- Helpers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Localized:
    """A text in the page's language; ``lang`` is set when it had to fall back to the
    source language (a draft seen in preview), so the page can say so."""

    text: str
    lang: str | None = None

    @property
    def html(self) -> Markup:
        return render_markdown(self.text)

    @property
    def inline_html(self) -> Markup:
        return render_inline_markdown(self.text)

    def __str__(self) -> str:
        return self.text


def _pick(texts: dict[str, str], language: str, source: str) -> Localized:
    text = texts.get(language, "")
    if text.strip() or language == source:
        return Localized(text)
    return Localized(texts.get(source, ""), source)


def _time_zone(portal: dict[str, Any]) -> ZoneInfo:
    """The portal's time zone as frozen in the content; the default for versions published
    before the setting existed."""
    name = portal.get("time_zone")
    return ZoneInfo(name if name in time_zones() else DEFAULT_TIME_ZONE)


def _date(moment: datetime | None, portal: dict[str, Any]) -> str:
    """The day of ``moment`` in the version's time zone, whatever the request's, in the
    document's language (``i18n.in_language``)."""
    if moment is None:
        return ""
    return date_text(moment, zone=_time_zone(portal))


def _day(iso_date: str | None) -> str:
    """A day frozen as an ISO date, in the page's words: no time, so no time zone."""
    return date_text(date.fromisoformat(iso_date)) if iso_date else ""


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _country(code: str | None, language: str) -> str:
    if not code:
        return ""
    if is_known_language(language):
        return Locale.parse(language).territories.get(code.upper(), code)
    return code


def _language_links(
    portal: dict[str, Any], language: str, path: Callable[[str], str]
) -> list[dict[str, Any]]:
    """The language switcher and the ``hreflang`` alternates: each language named in itself."""
    return [
        {
            "code": code,
            "name": language_name(code, code if is_known_language(code) else language),
            "href": path(code),
            "current": code == language,
        }
        for code in portal["languages"]
    ]


def _title(content: dict[str, Any], language: str) -> str:
    source = content["portal"]["source_language"]
    title = _pick(content["texts"].get(PAGE_TITLE, {}), language, source)
    return title.text.strip() or _("Cookie policy")


def _document(
    content: dict[str, Any],
    language: str,
    path: Callable[[str], str],
    preview: Preview | None,
) -> dict[str, Any]:
    """What both public documents show around their body: title, portal, languages.

    ``path`` tells where this document is in each language: public, or in the ``preview``.
    """
    portal = content["portal"]
    return {
        "language": language,
        "direction": text_direction(language),
        "portal": portal,
        "title": _title(content, language),
        "languages": _language_links(portal, language, path),
        "default_href": path(portal["source_language"]),
        "stylesheet": STYLESHEET,
        "favicon": FAVICON,
        "policy_href": _the_page(preview)(language),
        "changes_href": _the_changes(preview)(language),
        "preview": preview,
    }


def _the_page(preview: Preview | None) -> Callable[[str], str]:
    return preview.page if preview else page_path


def _the_changes(preview: Preview | None) -> Callable[[str], str]:
    return preview.changes if preview else changes_path


# --- The page -----------------------------------------------------------------------------


def _heading(section: dict[str, Any], language: str, source: str) -> Localized | None:
    """A section's own heading (one an operator added), else the interface's name for it."""
    if section["title"]:
        return _pick(section["title"], language, source)
    if section["key"] in UNTITLED_SECTIONS:
        return None
    return Localized(str(POLICY_TEXT_LABELS.get(section["key"], section["key"])))


def _sections(content: dict[str, Any], language: str) -> tuple[list[dict], list[dict]]:
    """The sections the page shows, in page order: those before the cookie tables, those after.

    A section shows when it has a text, and the consent and contact sections always do, for
    the settings they carry; a content without a contact section gets one at the end, since
    every page names the controller and how to reach them.
    """
    source = content["portal"]["source_language"]
    before, after = [], []
    sections = sections_of(content)
    if not any(section["key"] == CONTACT_SECTION for section in sections):
        sections = [*sections, {"key": CONTACT_SECTION, "title": None, "after_tables": True}]
    for section in sections:
        key = section["key"]
        if key == PAGE_TITLE:
            continue
        text = _pick(content["texts"].get(key, {}), language, source)
        if not text.text.strip() and key not in (CONSENT_SECTION, CONTACT_SECTION):
            continue
        shown = {"key": key, "heading": _heading(section, language, source), "text": text}
        (after if section["after_tables"] else before).append(shown)
    return before, after


def _host(portal: dict[str, Any]) -> str:
    """The portal's own host name, from its public address; empty when it has none."""
    try:
        return urlsplit(portal.get("base_url") or "").hostname or ""
    except ValueError:
        return ""


def _on_host(domain: str, host: str) -> bool:
    """Whether a cookie set for ``domain`` stays with the portal's ``host``: the host itself
    or one of its subdomains. A parent domain (".example.org" for "data.example.org") is
    shared with other hosts, so it does not count."""
    name = domain.lstrip(".")
    return bool(host) and (name == host or name.endswith(f".{host}"))


def _row(entry: dict[str, Any], language: str, source: str, host: str) -> dict[str, Any]:
    """An entry as its row shows it. ``host`` is the portal's: an entry without a domain is
    set for it.

    Whether a third party can read its cookie is derived, not asked of the operator: a
    cookie goes to the domain it is set for, so the third party reads it when that domain is
    not the portal's own, and otherwise only through the portal's pages (its script there).
    """
    provider = entry["provider"]
    storage = entry["storage_kind"]
    consent_required = entry["consent_basis"] == ConsentBasis.CONSENT
    domain = entry["domain"] or host
    third_party = entry["party"] == Party.THIRD
    return {
        "id": entry["id"],
        "names": entry["names"],
        "storage": label_of(storage) if storage != StorageKind.HTTP_COOKIE else "",
        "domain": domain.lstrip("."),
        "party": label_of(entry["party"]),
        "read_by_third_party": (not _on_host(domain, host)) if third_party else None,
        "provider": {
            "name": provider["name"],
            "website": provider["website"],
            "privacy_policy_url": provider["privacy_policy_url"],
            "country": _country(provider["country"], language),
            "safeguard": _pick(provider["safeguard"], language, source),
        },
        "function": _pick(entry["function"], language, source),
        "locations": [label_of(location) for location in entry["locations"]],
        "purpose": _pick(entry["purpose"], language, source),
        "duration": duration_text(entry["duration"], language),
        "consent_required": consent_required,
        "consent": label_of(entry["consent_basis"]),
        "exemption": "" if consent_required else label_of(entry["exemption_ground"]),
    }


def _categories(content: dict[str, Any], language: str) -> list[dict[str, Any]]:
    source = content["portal"]["source_language"]
    host = _host(content["portal"])
    return [
        {
            "slug": category["slug"],
            "name": _pick(category["name"], language, source),
            "explanation": _pick(category["explanation"], language, source),
            "consent_required_default": category["consent_required_default"],
            "rows": [_row(entry, language, source, host) for entry in category["entries"]],
        }
        for category in content["categories"]
    ]


def render_page(
    content: dict[str, Any],
    language: str,
    *,
    number: int | None,
    published_at: datetime | None,
    preview: Preview | None = None,
) -> str:
    """The policy page in ``language``; a ``preview`` has the "not published" banner and keeps
    its links in the preview.

    A draft has no number nor date yet: pass None for both.
    """
    with in_language(language):
        before, after = _sections(content, language)
        return render_standalone(
            PAGE_TEMPLATE,
            **_document(content, language, _the_page(preview), preview),
            number=number,
            published_on=_date(published_at, content["portal"]),
            published_at=_iso(published_at) if published_at else "",
            reviewed_on=_day(content.get("reviewed_on")),
            reviewed_at=content.get("reviewed_on") or "",
            host=_host(content["portal"]),
            json_href=json_path(language, number) if number else "",
            sections_before=before,
            sections_after=after,
            categories=_categories(content, language),
        )


# --- A version another one replaced -------------------------------------------------------

# Where the notice goes in a stored page: above its content, that is before its title.
_PAGE_TITLE_START = re.compile(r"<h1[\s>]")


def mark_superseded_page(
    html: str, language: str, *, successor: int, replaced_at: datetime, portal: dict[str, Any]
) -> str:
    """A version's page as stored at publication, with the notice that version ``successor``
    replaced it at ``replaced_at`` and a link to the current policy, above its content.

    ``portal`` is the successor's (its time zone writes the date). The page's own bytes are
    kept as they are around the notice.
    """
    with in_language(language):
        notice = render_standalone(
            SUPERSEDED_TEMPLATE,
            number=successor,
            replaced_on=_date(replaced_at, portal),
            replaced_at=_iso(replaced_at),
            current_href=page_path(language),
        )
    title = _PAGE_TITLE_START.search(html)
    at = title.start() if title else 0
    return f"{html[:at]}{notice}\n    {html[at:]}"


def mark_superseded_json(text: str, *, successor: int) -> str:
    """A version's JSON as stored, saying which version replaced it: "superseded_by" set,
    after "version" for JSON published before the key existed."""
    data = {}
    for key, value in json.loads(text).items():
        if key != "superseded_by":
            data[key] = value
        if key == "version":
            data["superseded_by"] = successor
    data.setdefault("superseded_by", successor)
    return _json_text(data)


# --- The JSON -----------------------------------------------------------------------------


def _json_entry(entry: dict[str, Any], language: str, source: str) -> dict[str, Any]:
    provider = entry["provider"]
    duration = entry["duration"]
    return {
        "id": entry["id"],
        "names": [name["name"] for name in entry["names"]],
        "provider": {
            "name": provider["name"],
            "website": provider["website"],
            "privacy_policy_url": provider["privacy_policy_url"],
            "country": provider["country"],
            "safeguard": _pick(provider["safeguard"], language, source).text,
        },
        "function": _pick(entry["function"], language, source).text,
        "purpose": _pick(entry["purpose"], language, source).text,
        "duration": duration | {"text": duration_text(duration, language)},
        "party": entry["party"],
        "domain": entry["domain"],
        "storage": entry["storage_kind"],
        "locations": list(entry["locations"]),
        "consent": {
            "required": entry["consent_basis"] == ConsentBasis.CONSENT,
            "exemption": entry["exemption_ground"],
        },
    }


def render_json(
    content: dict[str, Any],
    language: str,
    *,
    number: int,
    published_at: datetime,
    consent_revision: int,
    requires_renewed_consent: bool = False,
) -> str:
    """The version as data for consent banners, in the shape of docs/policy-json.md.

    Keys keep a fixed order and non-ASCII stays as is, so the same version always gives
    the same bytes. "superseded_by" is null when published: ``mark_superseded_json`` gives
    it the number of the version that replaced this one.
    """
    portal = content["portal"]
    source = portal["source_language"]
    with in_language(language):
        data = {
            "format": JSON_FORMAT,
            "version": number,
            "superseded_by": None,
            "published_at": _iso(published_at),
            "reviewed_on": content.get("reviewed_on"),
            "language": language,
            "consent_revision": consent_revision,
            "requires_renewed_consent": requires_renewed_consent,
            "title": _title(content, language),
            "urls": {
                "page": page_path(language, number),
                "current": page_path(language),
                "changes": changes_path(language),
            },
            "portal": {
                "name": portal["name"],
                "base_url": portal["base_url"],
                "languages": list(portal["languages"]),
                "controller_name": portal.get("controller_name"),
                "controller_address": portal.get("controller_address"),
                "contact_email": portal.get("contact_email"),
                "dpo_email": portal.get("dpo_email"),
                "privacy_policy_url": portal.get("privacy_policy_url"),
                "consent_centre_url": portal.get("consent_centre_url"),
                "complaint_url": portal.get("complaint_url"),
                "time_zone": _time_zone(portal).key,
            },
            "categories": [
                {
                    "slug": category["slug"],
                    "name": _pick(category["name"], language, source).text,
                    "explanation": _pick(category["explanation"], language, source).text,
                    "consent_required": category["consent_required_default"],
                    "entries": [
                        _json_entry(entry, language, source) for entry in category["entries"]
                    ],
                }
                for category in content["categories"]
            ],
        }
    return _json_text(data)


def _json_text(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
