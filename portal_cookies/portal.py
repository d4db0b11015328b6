"""The portal's settings: one row per installation."""

from .extensions import db
from .models import PortalSettings

DEFAULT_LANGUAGES = ["fr", "en"]


def get_settings() -> PortalSettings:
    """The saved settings, or unsaved defaults before the portal is set up."""
    settings = db.session.scalar(db.select(PortalSettings).order_by(PortalSettings.id).limit(1))
    if settings is None:
        settings = PortalSettings(
            name="", base_url="", source_language="fr", enabled_languages=list(DEFAULT_LANGUAGES)
        )
    return settings
