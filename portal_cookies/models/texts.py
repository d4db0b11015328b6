"""Translatable texts: a unit per text, an append-only list of versions per language, and
which version is current."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model, UTCDateTime, enum_type, utcnow
from .enums import TextKind, TextOrigin, TextState

if TYPE_CHECKING:
    from .inventory import CheckDismissal
    from .people import User


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
    check_results: Mapped[list[TextCheckResult]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
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

    def text_or_source(self, language: str) -> tuple[str, str]:
        """The text in ``language``, else the source text; and the language of the one given."""
        text = self.text(language)
        return (text, language) if text else (self.source_text, self.source_language)


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


class TextCheckResult(Model):
    """A text's state and its checks' findings in one language, as last worked out.

    Lists filter, sort and count on these rows in SQL instead of checking every text per
    view. A row names the source and translation versions it was worked out from: once either
    is no longer current the row is stale and is worked out again before it is read
    (``checks.refresh_results``); what else a check reads (an entry's names, a dismissal)
    deletes the rows it affects when it changes.
    """

    __tablename__ = "text_check_results"
    __table_args__ = (sa.Index("ix_text_check_results_language_status", "language", "status"),)

    unit_id: Mapped[int] = mapped_column(
        sa.ForeignKey("text_units.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    source_version_id: Mapped[int | None] = mapped_column()
    version_id: Mapped[int | None] = mapped_column()
    # A ``texts.TextStatus`` value.
    status: Mapped[str] = mapped_column(sa.String(16))
    errors: Mapped[int] = mapped_column(default=0)
    # Warnings not dismissed.
    warnings: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<TextCheckResult unit={self.unit_id} {self.language} {self.status}>"
