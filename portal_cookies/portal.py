"""The portal's settings (one row per installation) and the policy page's own texts."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from .audit import record_event
from .extensions import db
from .i18n import is_known_language, language_name, time_zones
from .models import (
    DEFAULT_COMPLAINT_URL,
    DEFAULT_TIME_ZONE,
    PolicyPage,
    PolicyText,
    PolicyVersion,
    PortalSettings,
    TextKind,
    TextUnit,
    User,
)
from .service_errors import ServiceError, one_change
from .texts import create_unit
from .values import clean_text, clean_url, normalize_email

DEFAULT_LANGUAGES = ["fr", "en"]
MAX_NAME_LENGTH = 200
MAX_POSTAL_ADDRESS_LENGTH = 1000
MAX_LANGUAGE_CODE_LENGTH = 16


def get_settings() -> PortalSettings:
    """The saved settings, or unsaved defaults before the portal is set up."""
    settings = db.session.scalar(db.select(PortalSettings).order_by(PortalSettings.id).limit(1))
    if settings is None:
        settings = PortalSettings(
            name="",
            base_url="",
            source_language="fr",
            enabled_languages=list(DEFAULT_LANGUAGES),
            complaint_url=DEFAULT_COMPLAINT_URL,
            time_zone=DEFAULT_TIME_ZONE,
            review_required=False,
        )
    return settings


# The section whose text heads the page, instead of standing among the others.
PAGE_TITLE = "title"
# The built-in sections the page shows above the cookie tables; the others come after them.
SECTIONS_BEFORE_TABLES = (PAGE_TITLE, "introduction", "what_is_a_cookie")


def create_policy_text(key: str, text: str, *, position: int, actor: User | None) -> PolicyText:
    """Add a built-in section of the policy page, its text in the portal's source language, in
    its place around the cookie tables."""
    with one_change():
        unit = create_unit(TextKind.POLICY_TEXT, get_settings().source_language, text, actor)
        after_tables = key not in SECTIONS_BEFORE_TABLES
        policy_text = PolicyText(key=key, position=position, unit=unit, after_tables=after_tables)
        db.session.add(policy_text)
        db.session.flush()
        record_event(
            actor,
            "create",
            policy_text,
            label=key,
            after={"key": key, "text": text, "after_tables": after_tables},
        )
    return policy_text


@dataclass(frozen=True)
class PortalValues:
    """Settings as people give them; None leaves a setting as it is.

    The names are the ones the audit trail, the draft policy and the forms use: ``languages``
    is ``PortalSettings.enabled_languages``.
    """

    name: str | None = None
    base_url: str | None = None
    source_language: str | None = None
    languages: list[str] | None = None
    controller_name: str | None = None
    controller_address: str | None = None
    contact_email: str | None = None
    dpo_email: str | None = None
    privacy_policy_url: str | None = None
    consent_centre_url: str | None = None
    complaint_url: str | None = None
    time_zone: str | None = None
    review_required: bool | None = None


def portal_values(settings: PortalSettings) -> dict[str, Any]:
    """Every setting by its name in ``PortalValues``, as saved."""
    return {
        "name": settings.name,
        "base_url": settings.base_url,
        "source_language": settings.source_language,
        "languages": list(settings.enabled_languages or []),
        "controller_name": settings.controller_name,
        "controller_address": settings.controller_address,
        "contact_email": settings.contact_email,
        "dpo_email": settings.dpo_email,
        "privacy_policy_url": settings.privacy_policy_url,
        "consent_centre_url": settings.consent_centre_url,
        "complaint_url": settings.complaint_url,
        "time_zone": settings.time_zone,
        "review_required": settings.review_required,
    }


def source_language_is_fixed() -> bool:
    """Whether texts exist: each one keeps the source language it was written in, and its
    translations were made from that text, so the portal's source language no longer moves."""
    return db.session.scalar(sa.select(TextUnit.id).limit(1)) is not None


def validate_portal(values: PortalValues, *, confirm_disabling: bool = False) -> list[ServiceError]:
    """Every refusal of ``values`` at once, each naming its field, for a form to show."""
    return _examine(get_settings(), values, confirm_disabling)[1]


def update_portal(
    *, actor: User | None, confirm_disabling: bool = False, **values: Any
) -> PortalSettings:
    """Change the settings given as ``PortalValues`` keywords; the first call creates them.

    Every value is checked before any is set: a refusal leaves the settings as they were.
    Enabling a language is all it takes to translate into it: every text shows as missing
    there until someone translates it. The source language stays enabled and first.
    Disabling a language the published policy has pages in is refused unless
    ``confirm_disabling``: the refusal says what happens to those pages.
    """
    with one_change():
        settings = get_settings()
        changes, refusals = _examine(settings, PortalValues(**values), confirm_disabling)
        if refusals:
            raise refusals[0]
        before = portal_values(settings)
        for key, value in changes.items():
            setattr(settings, "enabled_languages" if key == "languages" else key, value)
        after = portal_values(settings)
        changed = [key for key in after if after[key] != before[key]]
        if settings.id is not None and not changed:
            return settings
        action = "update" if settings.id is not None else "create"
        db.session.add(settings)
        db.session.flush()
        record_event(
            actor,
            action,
            settings,
            label=settings.name,
            before={key: before[key] for key in changed},
            after={key: after[key] for key in changed},
        )
    return settings


# --- Checking each value ------------------------------------------------------------------


def _examine(
    settings: PortalSettings, values: PortalValues, confirm_disabling: bool
) -> tuple[dict[str, Any], list[ServiceError]]:
    """The cleaned values to set, and every refusal."""
    refusals: list[ServiceError] = []
    changes: dict[str, Any] = {}

    def take(field: str, clean: Callable[[Any], Any]) -> None:
        value = getattr(values, field)
        if value is None:
            return
        try:
            changes[field] = clean(value)
        except ServiceError as refusal:
            refusals.append(refusal)

    take("name", _clean_name)
    take("base_url", lambda url: clean_url(url, "base_url") or "")
    take("source_language", lambda code: _clean_source_language(code, settings))
    take("controller_name", _clean_controller_name)
    take("controller_address", _clean_postal_address)
    take("contact_email", lambda email: _clean_email(email, "contact_email"))
    take("dpo_email", lambda email: _clean_email(email, "dpo_email"))
    for field in ("privacy_policy_url", "consent_centre_url"):
        take(field, lambda url, field=field: clean_url(url, field))
    take("complaint_url", _clean_complaint_url)
    take("time_zone", _clean_time_zone)
    take("review_required", bool)
    if any(refusal.field == "source_language" for refusal in refusals):
        return changes, refusals
    source = changes.get("source_language", settings.source_language)
    if values.languages is not None or source != settings.source_language:
        languages = settings.enabled_languages if values.languages is None else values.languages
        try:
            changes["languages"] = _clean_languages(languages, source)
        except ServiceError as refusal:
            refusals.append(refusal)
            return changes, refusals
        disabled = [code for code in settings.enabled_languages if code not in changes["languages"]]
        refusal = None if confirm_disabling else _published_languages_refusal(disabled)
        if refusal is not None:
            refusals.append(refusal)
    return changes, refusals


def _clean_name(name: str) -> str:
    return clean_text(
        name,
        "name",
        MAX_NAME_LENGTH,
        _("Give the portal a name of at most %(count)s characters.", count=MAX_NAME_LENGTH),
        single_line=True,
    )


def _clean_controller_name(name: str) -> str | None:
    return clean_text(name, "controller_name", MAX_NAME_LENGTH, single_line=True) or None


def _clean_postal_address(text: str) -> str | None:
    # Browsers send a textarea's line breaks as CRLF: stored once, as the page shows them.
    lines = clean_text(text, "controller_address", MAX_POSTAL_ADDRESS_LENGTH).splitlines()
    return "\n".join(line.strip() for line in lines if line.strip()) or None


def _clean_email(email: str, field: str) -> str | None:
    if not email.strip():
        return None
    try:
        return normalize_email(email)
    except ServiceError as refusal:
        raise ServiceError(refusal.message, field) from None


def _clean_complaint_url(url: str) -> str:
    cleaned = clean_url(url, "complaint_url")
    if cleaned is None:
        raise ServiceError(
            _(
                "Give the address where visitors complain to the supervisory authority (the "
                "CNIL's is %(url)s).",
                url=DEFAULT_COMPLAINT_URL,
            ),
            "complaint_url",
        )
    return cleaned


def _clean_time_zone(name: str) -> str:
    name = name.strip()
    if name not in time_zones():
        raise ServiceError(
            _("Choose a time zone from the list, by its IANA name such as “Europe/Paris”."),
            "time_zone",
        )
    return name


def _language_code(code: str) -> str:
    return code.strip().lower().replace("-", "_")


def _unknown_codes(codes: list[str]) -> list[str]:
    return [
        code
        for code in codes
        if len(code) > MAX_LANGUAGE_CODE_LENGTH or not is_known_language(code)
    ]


def _unknown_language(codes: list[str], field: str) -> ServiceError:
    return ServiceError(
        _(
            "Unknown language code: %(codes)s. Use ISO codes such as fr, en, de, co.",
            codes=", ".join(code[:MAX_LANGUAGE_CODE_LENGTH] for code in codes),
        ),
        field,
    )


def _clean_source_language(code: str, settings: PortalSettings) -> str:
    code = _language_code(code)
    if not code:
        raise ServiceError(_("Give the source language's ISO code, such as fr."), "source_language")
    if _unknown_codes([code]):
        raise _unknown_language([code], "source_language")
    if code != settings.source_language and source_language_is_fixed():
        raise ServiceError(
            _(
                "The source language cannot change once texts exist: each text was written "
                "in %(language)s and its translations were made from it.",
                language=language_name(settings.source_language),
            ),
            "source_language",
        )
    return code


def _clean_languages(codes: list[str], source: str) -> list[str]:
    cleaned = list(dict.fromkeys(_language_code(code) for code in codes if code.strip()))
    unknown = _unknown_codes(cleaned)
    if unknown:
        raise _unknown_language(unknown, "languages")
    return [source] + [code for code in cleaned if code != source]


def _published_languages_refusal(disabled: list[str]) -> ServiceError | None:
    """Why disabling ``disabled`` needs a confirmation, if the current version has pages in
    any of them.

    Visitors read the current version's stored pages (``public``), so those addresses keep
    answering until another version is published; that version has no page in a disabled
    language (``publishing`` renders the enabled ones), and the older versions keep theirs.
    """
    if not disabled:
        return None
    number = db.session.scalar(sa.select(sa.func.max(PolicyVersion.number)))
    published = set(
        db.session.scalars(
            sa.select(PolicyPage.language)
            .join(PolicyPage.version)
            .where(PolicyVersion.number == number, PolicyPage.language.in_(disabled))
        )
    )
    codes = [code for code in disabled if code in published]
    if not codes:
        return None
    paths = ", ".join(f"/{code}/cookies" for code in codes)
    example = f"/{codes[0]}/cookies/v/{number}"
    return ServiceError(
        ngettext(
            "%(languages)s is in the published policy. Its page %(paths)s, with its JSON and "
            "change log, keeps showing version %(number)s until the next publication. The "
            "next version is published without it: from then on those addresses answer “not "
            "found”, while each version published so far stays readable at its own address, "
            "such as %(example)s. The translations are kept: enabling the language again "
            "brings them back.",
            "%(languages)s are in the published policy. Their pages %(paths)s, with their "
            "JSON and change logs, keep showing version %(number)s until the next publication. "
            "The next version is published without them: from then on those addresses answer "
            "“not found”, while each version published so far stays readable at its own "
            "address, such as %(example)s. The translations are kept: enabling the languages "
            "again brings them back.",
            len(codes),
            languages=", ".join(language_name(code) for code in codes),
            paths=paths,
            number=number,
            example=example,
        ),
        "confirm_disabling",
    )
