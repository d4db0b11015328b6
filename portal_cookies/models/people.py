"""The portal this installation documents, and the people who may log in."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from .base import Model, UTCDateTime, enum_type, utcnow
from .enums import Role

# scrypt is memory-hard; these are Werkzeug's defaults, spelled out so an upgrade cannot
# silently weaken them.
# (A hashing method's name, not a password: bandit reads "PASSWORD" in the name.)
PASSWORD_METHOD = "scrypt:32768:8:1"  # nosec B105

# Where a visitor in France complains about cookies: the CNIL's complaint page.
DEFAULT_COMPLAINT_URL = "https://www.cnil.fr/fr/plaintes"
DEFAULT_TIME_ZONE = "Europe/Paris"


class PortalSettings(Model):
    """The one portal this installation documents."""

    __tablename__ = "portal_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    base_url: Mapped[str] = mapped_column(sa.String(500))
    source_language: Mapped[str] = mapped_column(sa.String(16), default="fr")
    # Ordered; the source language is always among them.
    enabled_languages: Mapped[list[str]] = mapped_column(sa.JSON, default=lambda: ["fr", "en"])
    # The body responsible for the processing (Article 13 GDPR): its name and postal address.
    controller_name: Mapped[str | None] = mapped_column(sa.String(200))
    controller_address: Mapped[str | None] = mapped_column(sa.Text)
    contact_email: Mapped[str | None] = mapped_column(sa.String(320))
    dpo_email: Mapped[str | None] = mapped_column(sa.String(320))
    privacy_policy_url: Mapped[str | None] = mapped_column(sa.String(500))
    # Where a visitor changes or withdraws consent.
    consent_centre_url: Mapped[str | None] = mapped_column(sa.String(500))
    # The supervisory authority's complaint page.
    complaint_url: Mapped[str | None] = mapped_column(sa.String(500), default=DEFAULT_COMPLAINT_URL)
    # An IANA name; the dates people read are in this zone.
    time_zone: Mapped[str] = mapped_column(sa.String(64), default=DEFAULT_TIME_ZONE)
    review_required: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<PortalSettings {self.name!r} {self.enabled_languages}>"


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    role: Mapped[Role] = mapped_column(enum_type(Role))
    # Preferred interface language; None follows the browser.
    locale: Mapped[str | None] = mapped_column(sa.String(16))
    active: Mapped[bool] = mapped_column(default=True)
    # Part of the session identifier: bumping it logs the account out everywhere.
    session_generation: Mapped[int] = mapped_column(default=1)
    # Set by a one-time password (new account, reset): nothing else opens until it is changed.
    must_change_password: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Not a column: the token of the login this object was opened or loaded for
    # (portal_cookies.login_sessions). Each login of the account has its own.
    login_token = None

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=PASSWORD_METHOD)
        self.session_generation = (self.session_generation or 0) + 1

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """What the session and remember cookies carry: the account, its session generation
        and the login's token, so that ending the login or bumping the generation ends both."""
        return f"{self.id}:{self.session_generation}:{self.login_token}"

    @property
    def is_editor(self) -> bool:
        return self.role in Role.EDITORS


class LoginSession(Model):
    """One login in one browser, kept on the server so that logging out ends it for good.

    The session cookie and the "keep me logged in" cookie both carry its token
    (``User.get_id``): deleting the row refuses both, wherever they were copied to.
    """

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The SHA-256 of the token: a copy of the table opens no session.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the login was last used, to the minute: it ends after SESSION_IDLE_TIMEOUT unused.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # For "keep me logged in": the login holds until then, used or not.
    remember_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<LoginSession {self.id} of user {self.user_id}>"
