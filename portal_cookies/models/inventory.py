"""The cookie inventory: categories, providers, entries and their names, and the warnings
people dismissed about them."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..cookie_names import is_pattern
from .base import Model, UTCDateTime, enum_type, utcnow
from .enums import ConsentBasis, DurationKind, DurationUnit, ExemptionGround, Party, StorageKind

if TYPE_CHECKING:
    from .drift import DriftFinding
    from .people import User
    from .texts import TextUnit


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
    # What the latest drift report found about it; they go with it when it is deleted.
    drift_findings: Mapped[list[DriftFinding]] = relationship(
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
    # An entry's names in order: its form, its label and the inventory's sort by first name.
    __table_args__ = (sa.Index("ix_cookie_names_entry_id_position", "entry_id", "position", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("cookie_entries.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(255), index=True)
    position: Mapped[int] = mapped_column(default=0)

    entry: Mapped[CookieEntry] = relationship(back_populates="names")

    def __repr__(self) -> str:
        return f"<CookieName {self.name}>"

    @property
    def is_prefix(self) -> bool:
        return is_pattern(self.name)


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


class PendingImport(Model):
    """An inventory file uploaded and previewed, kept until its uploader confirms or drops it.

    The confirmation names it by a random token, of which only the hash is kept, and must
    come from the same person: the file never travels back through the browser, and any app
    instance can apply it.
    """

    __tablename__ = "pending_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(255), default="")
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<PendingImport {self.id} by {self.user_id}>"
