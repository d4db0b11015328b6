"""The latest drift report (issue 11): what a browser was seen to store, compared with the
inventory. Only the latest is kept; the dashboard lists its findings until the next one."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model, UTCDateTime, enum_type, utcnow
from .enums import DriftKind, Party, StorageKind

if TYPE_CHECKING:
    from .inventory import CookieEntry
    from .people import User


class DriftCheck(Model):
    """One comparison of observed cookies with the inventory: when, by whom, from what."""

    __tablename__ = "drift_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    checked_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    # The file's name (or the scanned address): what the findings were read from.
    source: Mapped[str] = mapped_column(sa.String(255), default="")
    # The portal's host the report judged first and third party against.
    portal_host: Mapped[str] = mapped_column(sa.String(253), default="")
    # How many times a cookie was seen, and how many distinct cookies that made.
    observation_count: Mapped[int] = mapped_column(default=0)
    cookie_count: Mapped[int] = mapped_column(default=0)

    checked_by: Mapped[User | None] = relationship()
    findings: Mapped[list[DriftFinding]] = relationship(
        back_populates="check", cascade="all, delete-orphan", order_by="DriftFinding.id"
    )

    def __repr__(self) -> str:
        return f"<DriftCheck {self.id} {self.source!r} {self.checked_at:%Y-%m-%d}>"


class DriftFinding(Model):
    """One finding of the latest report: an undeclared cookie (no entry), an entry never
    observed (no cookie name), or a cookie kept longer than its entry declares (both)."""

    __tablename__ = "drift_findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(
        sa.ForeignKey("drift_checks.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[DriftKind] = mapped_column(enum_type(DriftKind))
    # The observed cookie's name and domain; for an entry never observed, its names and domain.
    name: Mapped[str] = mapped_column(sa.String(255), default="")
    domain: Mapped[str] = mapped_column(sa.String(253), default="")
    storage_kind: Mapped[StorageKind] = mapped_column(enum_type(StorageKind))
    party: Mapped[Party] = mapped_column(enum_type(Party))
    # Where it was first seen: the page, how (Observation.seen_in) and the header's text, its
    # values hidden.
    page: Mapped[str] = mapped_column(sa.Text, default="")
    seen_in: Mapped[str | None] = mapped_column(sa.String(32))
    header: Mapped[str | None] = mapped_column(sa.Text)
    # The longest lifetime observed, in seconds; None for a session cookie or when unknown.
    lifetime_seconds: Mapped[int | None] = mapped_column(sa.BigInteger)
    seen_count: Mapped[int] = mapped_column(default=0)
    entry_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("cookie_entries.id", ondelete="CASCADE"), index=True
    )

    check: Mapped[DriftCheck] = relationship(back_populates="findings")
    entry: Mapped[CookieEntry | None] = relationship(back_populates="drift_findings")

    def __repr__(self) -> str:
        return f"<DriftFinding {self.kind.value} {self.name!r} {self.domain!r}>"
