"""The policy page's own sections, and the published versions with their pages."""

from __future__ import annotations

import gzip
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model, UTCDateTime, utcnow

if TYPE_CHECKING:
    from .people import User
    from .texts import TextUnit


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
    # Why this version was published, by language: the source language's always, the others'
    # where someone wrote them (readers of a language without one get the source's).
    notes: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
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

    def note_in(self, language: str, source_language: str) -> tuple[str, str | None]:
        """The note for a reader of ``language``, and the language it is written in when that
        is not ``language`` (the source's, for want of a translation)."""
        return pick_note(self.notes or {}, language, source_language)


def pick_note(notes: dict[str, str], language: str, source_language: str) -> tuple[str, str | None]:
    """A version's note in ``language``, else in the source language with that language's code
    (for a ``lang`` attribute); empty when there is none."""
    if notes.get(language):
        return notes[language], None
    text = notes.get(source_language, "")
    return text, (source_language if text and language != source_language else None)


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
    # The same three texts gzip-compressed (``compress_page``), filled whenever a page is
    # written (``_compress``): visitors whose browser accepts gzip get these bytes, and the
    # static export writes them beside the plain files.
    html_gzip: Mapped[bytes] = mapped_column(sa.LargeBinary)
    json_gzip: Mapped[bytes] = mapped_column(sa.LargeBinary)
    changes_gzip: Mapped[bytes] = mapped_column(sa.LargeBinary)

    version: Mapped[PolicyVersion] = relationship(back_populates="pages")

    def __repr__(self) -> str:
        return f"<PolicyPage v{self.version_id} {self.language}>"


def compress_page(text: str) -> bytes:
    """A page's text as UTF-8, gzip-compressed at the highest level, once per publication.

    No time in the header (``mtime=0``): the same text always gives the same bytes, so the
    export and every instance serve identical files.
    """
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


@sa.event.listens_for(PolicyPage, "before_insert")
@sa.event.listens_for(PolicyPage, "before_update")
def _compress(_mapper, _connection, page: PolicyPage) -> None:
    """Whoever writes a page (a publication, a backup restored, a test), its compressed forms
    follow its texts."""
    page.html_gzip = compress_page(page.html)
    page.json_gzip = compress_page(page.json)
    page.changes_gzip = compress_page(page.changes_html or "")


class DraftState(Model):
    """One row: a token that changes, in the same transaction, with every change to what the
    draft policy is made of (``portal_cookies.draft_revision``). Pages derived from the whole
    draft (the unpublished changes, the gate, the preview) are cached under it."""

    __tablename__ = "draft_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision: Mapped[str] = mapped_column(sa.String(32))

    def __repr__(self) -> str:
        return f"<DraftState {self.revision}>"
