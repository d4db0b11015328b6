"""The portal's settings (one row per installation) and the policy page's own texts."""

from .audit import record_event
from .extensions import db
from .models import PolicyText, PortalSettings, TextKind, User
from .texts import create_unit

DEFAULT_LANGUAGES = ["fr", "en"]


def get_settings() -> PortalSettings:
    """The saved settings, or unsaved defaults before the portal is set up."""
    settings = db.session.scalar(db.select(PortalSettings).order_by(PortalSettings.id).limit(1))
    if settings is None:
        settings = PortalSettings(
            name="", base_url="", source_language="fr", enabled_languages=list(DEFAULT_LANGUAGES)
        )
    return settings


def create_policy_text(key: str, text: str, *, position: int, actor: User | None) -> PolicyText:
    """Add a section of the policy page, its text in the portal's source language."""
    unit = create_unit(TextKind.POLICY_TEXT, get_settings().source_language, text, actor)
    policy_text = PolicyText(key=key, position=position, unit=unit)
    db.session.add(policy_text)
    db.session.flush()
    record_event(actor, "create", policy_text, label=key, after={"key": key, "text": text})
    db.session.commit()
    return policy_text
