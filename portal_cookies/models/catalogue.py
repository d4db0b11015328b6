"""Known cookies from an outside catalogue (the Open Cookie Database), used only to suggest
what an inventory entry could say; nothing in the inventory refers to them."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model, enum_type
from .enums import DurationKind, DurationUnit


class KnownCookie(Model):
    """One row of the catalogue, as its publisher wrote it, plus its retention parsed."""

    __tablename__ = "known_cookies"
    __table_args__ = (
        sa.CheckConstraint(
            "(duration_kind = 'fixed')"
            " = (duration_value IS NOT NULL AND duration_unit IS NOT NULL)",
            name="duration_complete",
        ),
        sa.CheckConstraint(
            "duration_value IS NULL OR duration_value > 0", name="duration_positive"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The catalogue's own identifier of the row: a newer catalogue is matched on it.
    source_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    platform: Mapped[str] = mapped_column(sa.String(200))
    category: Mapped[str] = mapped_column(sa.String(100))
    name: Mapped[str] = mapped_column(sa.String(255))
    # The name (or, for a wildcard, the prefix) in lower case: what suggestions look up.
    name_key: Mapped[str] = mapped_column(sa.String(255), index=True)
    # As written: empty, one domain, or several ("a.com (3rd party) or b.com").
    domain: Mapped[str] = mapped_column(sa.String(500), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    retention: Mapped[str] = mapped_column(sa.String(500), default="")
    data_controller: Mapped[str] = mapped_column(sa.String(200), default="")
    privacy_url: Mapped[str] = mapped_column(sa.String(1000), default="")
    # The name is a prefix: every name that starts with it matches.
    wildcard: Mapped[bool] = mapped_column(default=False)
    # The retention read as a duration; all None when the text says none clearly.
    duration_kind: Mapped[DurationKind | None] = mapped_column(enum_type(DurationKind))
    duration_value: Mapped[int | None]
    duration_unit: Mapped[DurationUnit | None] = mapped_column(enum_type(DurationUnit))

    def __repr__(self) -> str:
        star = "*" if self.wildcard else ""
        return f"<KnownCookie {self.name}{star} of {self.platform}>"
