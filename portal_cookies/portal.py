"""The portal's settings (one row per installation) and the policy page's own texts."""

from flask_babel import gettext as _

from .audit import record_event
from .extensions import db
from .i18n import is_known_language
from .models import PolicyText, PortalSettings, TextKind, User
from .service_errors import ServiceError
from .texts import create_unit
from .values import clean_url, normalize_email

DEFAULT_LANGUAGES = ["fr", "en"]


def get_settings() -> PortalSettings:
    """The saved settings, or unsaved defaults before the portal is set up."""
    settings = db.session.scalar(db.select(PortalSettings).order_by(PortalSettings.id).limit(1))
    if settings is None:
        settings = PortalSettings(
            name="", base_url="", source_language="fr", enabled_languages=list(DEFAULT_LANGUAGES)
        )
    return settings


# The section whose text heads the page, instead of standing among the others.
PAGE_TITLE = "title"
# The built-in sections the page shows above the cookie tables; the others come after them.
SECTIONS_BEFORE_TABLES = (PAGE_TITLE, "introduction", "what_is_a_cookie")


def create_policy_text(key: str, text: str, *, position: int, actor: User | None) -> PolicyText:
    """Add a built-in section of the policy page, its text in the portal's source language, in
    its place around the cookie tables."""
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
    db.session.commit()
    return policy_text


def update_portal(
    *,
    actor: User | None,
    name: str | None = None,
    base_url: str | None = None,
    languages: list[str] | None = None,
    contact_email: str | None = None,
    consent_centre_url: str | None = None,
) -> PortalSettings:
    """Change the settings given (None leaves one as it is); the first call creates them.

    Enabling a language is all it takes to translate into it: every text shows as missing
    there until someone translates it. The source language stays enabled and first.
    """
    settings = get_settings()
    before = _settings_values(settings)
    # Every value is checked before any is set: a refusal leaves the settings as they were.
    changes: dict[str, object] = {}
    if name is not None:
        if not name.strip() or len(name) > 200:
            raise ServiceError(_("Give the portal a name of at most 200 characters."), "name")
        changes["name"] = name.strip()
    if base_url is not None:
        changes["base_url"] = clean_url(base_url, "base_url") or ""
    if languages is not None:
        changes["enabled_languages"] = _clean_languages(languages, settings.source_language)
    if contact_email is not None:
        changes["contact_email"] = normalize_email(contact_email) if contact_email.strip() else None
    if consent_centre_url is not None:
        changes["consent_centre_url"] = clean_url(consent_centre_url, "consent_centre_url")
    for key, value in changes.items():
        setattr(settings, key, value)
    db.session.add(settings)
    db.session.flush()
    record_event(
        actor,
        "update",
        settings,
        label=settings.name,
        before=before,
        after=_settings_values(settings),
    )
    db.session.commit()
    return settings


def _clean_languages(codes: list[str], source: str) -> list[str]:
    cleaned = list(
        dict.fromkeys(code.strip().lower().replace("-", "_") for code in codes if code.strip())
    )
    unknown = [code for code in cleaned if not is_known_language(code)]
    if unknown:
        raise ServiceError(
            _(
                "Unknown language code: %(codes)s. Use ISO codes such as fr, en, de, co.",
                codes=", ".join(unknown),
            ),
            "languages",
        )
    return [source] + [code for code in cleaned if code != source]


def _settings_values(settings: PortalSettings) -> dict[str, object]:
    return {
        "name": settings.name,
        "base_url": settings.base_url,
        "languages": list(settings.enabled_languages or []),
        "contact_email": settings.contact_email,
        "consent_centre_url": settings.consent_centre_url,
    }
