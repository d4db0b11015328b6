"""The domain of DESIGN.md §2: portal, people, inventory, texts, published versions, audit."""

from __future__ import annotations

import enum
import hashlib
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import Base, db

if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model

# scrypt is memory-hard; these are Werkzeug's defaults, spelled out so an upgrade cannot
# silently weaken them.
PASSWORD_METHOD = "scrypt:32768:8:1"

# Where a visitor in France complains about cookies: the CNIL's complaint page.
DEFAULT_COMPLAINT_URL = "https://www.cnil.fr/fr/plaintes"
DEFAULT_TIME_ZONE = "Europe/Paris"


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """An aware UTC datetime on every database (SQLite forgets the time zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given; use an aware UTC datetime")
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def enum_type(enum_class: type[enum.Enum]) -> sa.Enum:
    """Store an enum's values as plain strings, checked by the database."""
    return sa.Enum(
        enum_class,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
        name=enum_class.__name__.lower(),
    )


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Role(enum.StrEnum):
    ADMIN = "admin"
    OPERATOR = "operator"
    TRANSLATOR = "translator"
    # Who may change the inventory, publish and roll back (values: members are not defined yet).
    EDITORS = enum.nonmember(frozenset({"admin", "operator"}))


class StorageKind(enum.StrEnum):
    HTTP_COOKIE = "http_cookie"
    LOCAL_STORAGE = "local_storage"
    SESSION_STORAGE = "session_storage"
    INDEXED_DB = "indexed_db"
    PIXEL = "pixel"


class Party(enum.StrEnum):
    FIRST = "first"
    THIRD = "third"


class Location(enum.StrEnum):
    FRONT_OFFICE = "front_office"
    BACK_OFFICE = "back_office"
    API = "api"


class DurationKind(enum.StrEnum):
    SESSION = "session"
    FIXED = "fixed"
    UNTIL_DELETED = "until_deleted"


class DurationUnit(enum.StrEnum):
    HOURS = "hours"
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"
    YEARS = "years"


class ConsentBasis(enum.StrEnum):
    CONSENT = "consent"
    EXEMPT = "exempt"


class ExemptionGround(enum.StrEnum):
    AUTHENTICATION = "authentication"
    SECURITY = "security"
    INTERFACE_LANGUAGE = "interface_language"
    CONSENT_STORAGE = "consent_storage"
    LOAD_BALANCING = "load_balancing"
    AUDIENCE_MEASUREMENT = "audience_measurement"


class TextKind(enum.StrEnum):
    ENTRY_FUNCTION = "entry_function"
    ENTRY_PURPOSE = "entry_purpose"
    CATEGORY_NAME = "category_name"
    CATEGORY_EXPLANATION = "category_explanation"
    PROVIDER_SAFEGUARD = "provider_safeguard"
    POLICY_TEXT = "policy_text"


class TextState(enum.StrEnum):
    DRAFT = "draft"
    TRANSLATED = "translated"
    APPROVED = "approved"


class TextOrigin(enum.StrEnum):
    PERSON = "person"
    MEMORY = "memory"
    IMPORT = "import"


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
        return f"{self.id}:{self.session_generation}"

    @property
    def is_editor(self) -> bool:
        return self.role in Role.EDITORS


class TextUnit(Model):
    """One translatable text: a source language and, per language, a history of versions."""

    __tablename__ = "text_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[TextKind] = mapped_column(enum_type(TextKind))
    source_language: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    versions: Mapped[list[TextVersion]] = relationship(
        back_populates="unit",
        cascade="all, delete-orphan",
        order_by="TextVersion.id",
        foreign_keys="TextVersion.unit_id",
    )
    current: Mapped[list[CurrentText]] = relationship(
        back_populates="unit", cascade="all, delete-orphan"
    )
    # Deleted with the unit by the ORM too: SQLite does not enforce the foreign key's cascade.
    check_dismissals: Mapped[list[CheckDismissal]] = relationship(
        back_populates="unit", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<TextUnit {self.id} {self.kind} source={self.source_language}>"

    @property
    def key(self) -> str:
        """Stable identifier used when texts leave the application (PO files)."""
        return f"unit-{self.id}"

    def current_version(self, language: str) -> TextVersion | None:
        for head in self.current:
            if head.language == language:
                return head.version
        return None

    def text(self, language: str) -> str:
        version = self.current_version(language)
        return version.text if version else ""

    @property
    def source_text(self) -> str:
        return self.text(self.source_language)


class TextVersion(Model):
    """One saved text in one language; never changed once written."""

    __tablename__ = "text_versions"
    __table_args__ = (sa.Index("ix_text_versions_unit_language", "unit_id", "language", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("text_units.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(sa.String(16))
    text: Mapped[str] = mapped_column(sa.Text)
    # Hash of ``text``: lets the database itself find outdated translations.
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    state: Mapped[TextState] = mapped_column(enum_type(TextState))
    origin: Mapped[TextOrigin] = mapped_column(enum_type(TextOrigin))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The version this one was edited from: the conflict check and the history's diffs use it.
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("text_versions.id", ondelete="SET NULL")
    )
    # For a translation: the source text it was made from, and its hash. "Outdated" is
    # derived by comparing this hash with the current source's.
    source_hash: Mapped[str | None] = mapped_column(sa.String(64))
    source_text: Mapped[str | None] = mapped_column(sa.Text)
    # Why this version exists when it is not a plain edit ("minor source edit", "revert to 4").
    note: Mapped[str | None] = mapped_column(sa.String(500))

    unit: Mapped[TextUnit] = relationship(back_populates="versions", foreign_keys=[unit_id])
    author: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<TextVersion {self.id} unit={self.unit_id} {self.language} {self.state}>"


class CurrentText(Model):
    """Which version of a unit is current in a language.

    A separate row makes "save only if nobody saved since I started" a single conditional
    UPDATE, which holds on every database without locking.
    """

    __tablename__ = "current_texts"

    unit_id: Mapped[int] = mapped_column(
        sa.ForeignKey("text_units.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("text_versions.id"))

    unit: Mapped[TextUnit] = relationship(back_populates="current")
    version: Mapped[TextVersion] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<CurrentText unit={self.unit_id} {self.language} -> {self.version_id}>"


class Category(Model):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    consent_required_default: Mapped[bool] = mapped_column(default=True)
    name_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("text_units.id"))
    explanation_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("text_units.id"))

    name_unit: Mapped[TextUnit] = relationship(foreign_keys=[name_unit_id])
    explanation_unit: Mapped[TextUnit] = relationship(foreign_keys=[explanation_unit_id])
    entries: Mapped[list[CookieEntry]] = relationship(back_populates="category")

    def __repr__(self) -> str:
        return f"<Category {self.slug} @{self.position}>"

    @property
    def text_units(self) -> dict[str, TextUnit]:
        return {"name": self.name_unit, "explanation": self.explanation_unit}


class Provider(Model):
    __tablename__ = "providers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    website: Mapped[str | None] = mapped_column(sa.String(500))
    privacy_policy_url: Mapped[str | None] = mapped_column(sa.String(500))
    # ISO 3166-1 alpha-2, upper case.
    country: Mapped[str | None] = mapped_column(sa.String(2))
    # Where data leaves the EU: the legal safeguard (adequacy decision, standard clauses...).
    safeguard_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("text_units.id"))

    safeguard_unit: Mapped[TextUnit] = relationship(foreign_keys=[safeguard_unit_id])
    entries: Mapped[list[CookieEntry]] = relationship(back_populates="provider")

    def __repr__(self) -> str:
        return f"<Provider {self.name}>"

    @property
    def text_units(self) -> dict[str, TextUnit]:
        return {"safeguard": self.safeguard_unit}


class CookieEntry(Model):
    """One row of the public table: one use of one or more names by one provider."""

    __tablename__ = "cookie_entries"
    __table_args__ = (
        sa.CheckConstraint(
            "(duration_kind = 'fixed')"
            " = (duration_value IS NOT NULL AND duration_unit IS NOT NULL)",
            name="duration_complete",
        ),
        sa.CheckConstraint(
            "duration_value IS NULL OR duration_value > 0", name="duration_positive"
        ),
        sa.CheckConstraint(
            "(consent_basis = 'exempt') = (exemption_ground IS NOT NULL)", name="exemption_ground"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("providers.id"))
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("categories.id"))
    storage_kind: Mapped[StorageKind] = mapped_column(enum_type(StorageKind))
    party: Mapped[Party] = mapped_column(enum_type(Party))
    # The domain that sets it; empty means the portal's own host.
    domain: Mapped[str] = mapped_column(sa.String(253), default="")
    locations: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    function_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("text_units.id"))
    purpose_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("text_units.id"))
    # No duration at all is allowed in the data (an import may lack it); the checks block
    # publishing until one is given.
    duration_kind: Mapped[DurationKind | None] = mapped_column(enum_type(DurationKind))
    duration_value: Mapped[int | None]
    duration_unit: Mapped[DurationUnit | None] = mapped_column(enum_type(DurationUnit))
    consent_basis: Mapped[ConsentBasis] = mapped_column(enum_type(ConsentBasis))
    exemption_ground: Mapped[ExemptionGround | None] = mapped_column(enum_type(ExemptionGround))
    visible: Mapped[bool] = mapped_column(default=True)
    archived: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    last_reviewed_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    provider: Mapped[Provider] = relationship(back_populates="entries")
    category: Mapped[Category] = relationship(back_populates="entries")
    names: Mapped[list[CookieName]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", order_by="CookieName.position"
    )
    function_unit: Mapped[TextUnit] = relationship(foreign_keys=[function_unit_id])
    purpose_unit: Mapped[TextUnit] = relationship(foreign_keys=[purpose_unit_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    check_dismissals: Mapped[list[CheckDismissal]] = relationship(
        back_populates="entry", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<CookieEntry {self.id} {self.name_list} by {self.provider_id}>"

    @property
    def name_list(self) -> list[str]:
        return [cookie_name.name for cookie_name in self.names]

    @property
    def label(self) -> str:
        """How people refer to an entry in messages: its names."""
        return ", ".join(self.name_list) or f"#{self.id}"

    @property
    def text_units(self) -> dict[str, TextUnit]:
        return {"function": self.function_unit, "purpose": self.purpose_unit}


class CookieName(Model):
    """An exact cookie name, or a prefix pattern written ``prefix.*``."""

    __tablename__ = "cookie_names"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("cookie_entries.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(255), index=True)
    position: Mapped[int] = mapped_column(default=0)

    entry: Mapped[CookieEntry] = relationship(back_populates="names")

    def __repr__(self) -> str:
        return f"<CookieName {self.name}>"

    @property
    def is_prefix(self) -> bool:
        return self.name.endswith(".*")


class PolicyText(Model):
    """A section of the policy page: title, introduction, what a cookie is, consent, contact,
    or one an operator added (which has a heading of its own to translate)."""

    __tablename__ = "policy_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("text_units.id"))
    # Only sections an operator added have one; the built-in ones are headed by the
    # interface's own words.
    title_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("text_units.id"))
    # Whether the page shows the section after the cookie tables rather than before them.
    after_tables: Mapped[bool] = mapped_column(default=True)

    unit: Mapped[TextUnit] = relationship(foreign_keys=[unit_id])
    title_unit: Mapped[TextUnit | None] = relationship(foreign_keys=[title_unit_id])

    def __repr__(self) -> str:
        return f"<PolicyText {self.key}>"

    @property
    def is_custom(self) -> bool:
        """Added by an operator: it may be removed; the built-in sections may not."""
        return self.title_unit_id is not None

    @property
    def text_units(self) -> dict[str, TextUnit]:
        units = {"text": self.unit}
        if self.title_unit is not None:
            units["title"] = self.title_unit
        return units


class PolicyVersion(Model):
    """A published policy, frozen: never edited; a rollback publishes old content anew."""

    __tablename__ = "policy_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    note: Mapped[str] = mapped_column(sa.Text, default="")
    # The structured policy (entries, categories, texts in every language) as published.
    content: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    requires_renewed_consent: Mapped[bool] = mapped_column(default=False)
    # Set when the operator overrode the computed renewal flag.
    renewal_override_reason: Mapped[str | None] = mapped_column(sa.Text)
    rolled_back_from_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("policy_versions.id", ondelete="SET NULL")
    )
    # What changed since the previous version, language-neutral (entries added, removed,
    # fields and texts changed), computed once at publication for the history and change log.
    change_summary: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    # How many things changed (entries and texts): the history's "size of the change".
    change_size: Mapped[int] = mapped_column(default=0)

    published_by: Mapped[User | None] = relationship()
    pages: Mapped[list[PolicyPage]] = relationship(
        back_populates="version", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<PolicyVersion {self.number}>"


class PolicyPage(Model):
    """A published version rendered for one language, stored as the bytes visitors get."""

    __tablename__ = "policy_pages"

    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("policy_versions.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    html: Mapped[str] = mapped_column(sa.Text)
    json: Mapped[str] = mapped_column(sa.Text)
    # The public change log as it stood when this version was published.
    changes_html: Mapped[str] = mapped_column(sa.Text, default="")

    version: Mapped[PolicyVersion] = relationship(back_populates="pages")

    def __repr__(self) -> str:
        return f"<PolicyPage v{self.version_id} {self.language}>"


class CheckDismissal(Model):
    """A person's reason why a check's warning does not apply, to what was checked then.

    It holds only while ``fingerprint`` (a hash of the values the check read) matches: once
    the text or the entry's value changes, the warning shows again.
    """

    __tablename__ = "check_dismissals"
    __table_args__ = (
        sa.CheckConstraint("unit_id IS NOT NULL OR entry_id IS NOT NULL", name="dismissal_subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The check's stable id, e.g. "text.identical" (portal_cookies.checks.Check).
    check: Mapped[str] = mapped_column(sa.String(64))
    # A text check names a unit and a language; an entry check names an entry.
    unit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("text_units.id", ondelete="CASCADE"), index=True
    )
    language: Mapped[str | None] = mapped_column(sa.String(16))
    entry_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("cookie_entries.id", ondelete="CASCADE"), index=True
    )
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    reason: Mapped[str] = mapped_column(sa.Text)
    dismissed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[TextUnit | None] = relationship(back_populates="check_dismissals")
    entry: Mapped[CookieEntry | None] = relationship(back_populates="check_dismissals")
    dismissed_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        where = f"unit={self.unit_id} {self.language}" if self.unit_id else f"entry={self.entry_id}"
        return f"<CheckDismissal {self.check} {where}>"


class AuditEvent(Model):
    """Who did what to which object, with the values before and after."""

    __tablename__ = "audit_events"
    __table_args__ = (sa.Index("ix_audit_events_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(sa.String(64))
    object_type: Mapped[str] = mapped_column(sa.String(64))
    object_id: Mapped[int | None]
    # Kept so the event still reads well once the object is deleted.
    object_label: Mapped[str] = mapped_column(sa.String(500), default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)

    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<AuditEvent {self.action} {self.object_type}:{self.object_id}>"
