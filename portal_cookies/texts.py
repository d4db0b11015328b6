"""Text units: create them, save a text in a language, and tell each language's state.

The translation view (later) and the inventory both go through these functions, so
"outdated" and "conflict" mean the same thing everywhere.
"""

import enum
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .audit import record_event
from .extensions import db
from .models import (
    CurrentText,
    TextKind,
    TextOrigin,
    TextState,
    TextUnit,
    TextVersion,
    User,
    text_hash,
)


class TextStatus(enum.StrEnum):
    """A text's state in one language, as people see it; never stored."""

    SOURCE = "source"
    NOT_NEEDED = "not_needed"
    MISSING = "missing"
    DRAFT = "draft"
    TRANSLATED = "translated"
    APPROVED = "approved"
    OUTDATED = "outdated"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])

    @property
    def is_problem(self) -> bool:
        return self in (TextStatus.MISSING, TextStatus.OUTDATED)


STATUS_LABELS = {
    TextStatus.SOURCE: _l("source"),
    TextStatus.NOT_NEEDED: _l("nothing to translate"),
    TextStatus.MISSING: _l("missing"),
    TextStatus.DRAFT: _l("draft"),
    TextStatus.TRANSLATED: _l("translated"),
    TextStatus.APPROVED: _l("approved"),
    TextStatus.OUTDATED: _l("outdated"),
}


class TextConflict(Exception):
    """Someone saved this text after the editor started from ``expected_version_id``."""

    def __init__(self, current: TextVersion | None, attempted_text: str):
        super().__init__("the text changed since it was opened")
        self.current = current
        self.attempted_text = attempted_text


def create_unit(
    kind: TextKind,
    source_language: str,
    source_text: str,
    author: User | None,
    origin: TextOrigin = TextOrigin.PERSON,
) -> TextUnit:
    unit = TextUnit(kind=kind, source_language=source_language)
    db.session.add(unit)
    db.session.flush()
    save_text(unit, source_language, source_text, author, base_version_id=None, origin=origin)
    return unit


def save_text(
    unit: TextUnit,
    language: str,
    text: str,
    author: User | None,
    *,
    base_version_id: int | None,
    state: TextState = TextState.TRANSLATED,
    origin: TextOrigin = TextOrigin.PERSON,
    note: str | None = None,
    made_from: TextVersion | None = None,
) -> TextVersion:
    """Append a version and make it current, unless someone saved since ``base_version_id``.

    A translation is stamped with the current source text, or with the source ``made_from``
    was made from (a revert restores a text together with what it translated, so it is
    outdated again if the source moved on since). The switch is one conditional UPDATE (or an
    INSERT guarded by the primary key), so two concurrent saves from the same starting point
    cannot both win. Nothing is committed.
    """
    if base_version_id is not None and base_version_id != _current_version_id(unit, language):
        # Checked before the insert too: an id no version has (a typed 0, a huge number) would
        # otherwise reach ``parent_id``, which PostgreSQL refuses with a database error.
        _refuse(unit, language, text)
    is_source = language == unit.source_language
    if is_source:
        source_text = None
    elif made_from is not None and made_from.source_text is not None:
        source_text = made_from.source_text
    else:
        source_text = unit.source_text
    version = TextVersion(
        unit=unit,
        language=language,
        text=text,
        content_hash=text_hash(text),
        state=TextState.TRANSLATED if is_source else state,
        origin=origin,
        author=author,
        parent_id=base_version_id,
        source_text=source_text,
        source_hash=None if source_text is None else text_hash(source_text),
        note=note,
    )
    db.session.add(version)
    db.session.flush()
    if base_version_id is None:
        exists = db.session.get(CurrentText, (unit.id, language))
        if exists is not None:
            _refuse(unit, language, text)
        db.session.add(CurrentText(unit_id=unit.id, language=language, version_id=version.id))
        try:
            with db.session.begin_nested():
                db.session.flush()
        except sa.exc.IntegrityError:
            _refuse(unit, language, text)
    else:
        result = db.session.execute(
            sa.update(CurrentText)
            .where(
                CurrentText.unit_id == unit.id,
                CurrentText.language == language,
                CurrentText.version_id == base_version_id,
            )
            .values(version_id=version.id)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            _refuse(unit, language, text)
    # The switch bypassed the ORM: make loaded objects read the new current version.
    head = db.session.get(CurrentText, (unit.id, language))
    if head is not None:
        db.session.expire(head)
    db.session.expire(unit, ["current"])
    return version


def save_imported_text(
    unit: TextUnit,
    language: str,
    text: str,
    actor: User | None,
    *,
    current: TextVersion | None,
    label: str,
    state: TextState,
    note: str | None = None,
) -> TextVersion:
    """A text read from an imported file (a PO file, an inventory file), saved over
    ``current`` (the version the import was planned against) and recorded as an import."""
    version = save_text(
        unit,
        language,
        text,
        actor,
        base_version_id=current.id if current is not None else None,
        state=state,
        origin=TextOrigin.IMPORT,
        note=note,
    )
    record_event(
        actor,
        "import",
        unit,
        label=label,
        before=None if current is None else {"language": language, "text": current.text},
        after={
            "language": language,
            "text": version.text,
            "state": version.state.value,
            "origin": version.origin.value,
        },
    )
    return version


def _current_version_id(unit: TextUnit, language: str) -> int | None:
    return db.session.scalar(
        sa.select(CurrentText.version_id).where(
            CurrentText.unit_id == unit.id, CurrentText.language == language
        )
    )


def _refuse(unit: TextUnit, language: str, attempted_text: str) -> None:
    db.session.rollback()
    current = db.session.scalar(
        db.select(TextVersion)
        .join(CurrentText, CurrentText.version_id == TextVersion.id)
        .where(CurrentText.unit_id == unit.id, CurrentText.language == language)
    )
    raise TextConflict(current, attempted_text)


MINOR_EDIT_NOTE = "minor source edit"


def set_source_text(
    unit: TextUnit,
    text: str,
    author: User | None,
    base_version_id: int | None = None,
    *,
    minor_edit: bool = False,
) -> TextVersion | None:
    """Save a new source text if it differs; translations then show as outdated.

    A ``minor_edit`` (a typo, a comma) keeps the translations that matched the previous
    source current, each re-stamped with a version that says so.
    """
    current = unit.current_version(unit.source_language)
    if current is not None and current.text == text:
        return None
    if base_version_id is None and current is not None:
        base_version_id = current.id
    version = save_text(
        unit,
        unit.source_language,
        text,
        author,
        base_version_id=base_version_id,
        note=MINOR_EDIT_NOTE if minor_edit else None,
    )
    if minor_edit and current is not None:
        restamp_translations(unit, current, author, MINOR_EDIT_NOTE)
    return version


def restamp_translations(
    unit: TextUnit, previous_source: TextVersion, author: User | None, note: str
) -> list[TextVersion]:
    """After a minor source edit: translations that matched the previous source stay current.

    Each gets a new version, same text and state, stamped with the new source, so the
    history shows who decided the edit did not need retranslating.
    """
    stamped = []
    for head in list(unit.current):
        version = head.version
        if head.language == unit.source_language:
            continue
        if version.source_hash != previous_source.content_hash:
            continue
        stamped.append(
            save_text(
                unit,
                head.language,
                version.text,
                author,
                base_version_id=version.id,
                state=version.state,
                origin=version.origin,
                note=note,
            )
        )
    return stamped


def status_of(unit: TextUnit, language: str) -> TextStatus:
    source = unit.current_version(unit.source_language)
    if language == unit.source_language:
        return TextStatus.SOURCE
    if source is None or not source.text.strip():
        return TextStatus.NOT_NEEDED
    version = unit.current_version(language)
    if version is None or not version.text.strip():
        return TextStatus.MISSING
    if version.source_hash != source.content_hash:
        return TextStatus.OUTDATED
    return TextStatus(version.state.value)


@dataclass(frozen=True)
class LanguageStatus:
    language: str
    status: TextStatus
    text: str


def statuses(unit: TextUnit, languages: list[str]) -> list[LanguageStatus]:
    """Each language's state of a unit, the source language first."""
    ordered = [unit.source_language] + [lang for lang in languages if lang != unit.source_language]
    return [LanguageStatus(lang, status_of(unit, lang), unit.text(lang)) for lang in ordered]


def units_needing_translation(languages: list[str]) -> sa.Select[tuple[int]]:
    """Ids of units with a non-empty source that is missing or outdated in one of ``languages``.

    The same rule as ``status_of``, in SQL, so lists can filter and count on it.
    """
    source_head = sa.orm.aliased(CurrentText)
    source = sa.orm.aliased(TextVersion)
    problems = []
    for language in languages:
        head = sa.orm.aliased(CurrentText)
        translation = sa.orm.aliased(TextVersion)
        translated = (
            sa.select(translation.id)
            .join(head, head.version_id == translation.id)
            .where(
                head.unit_id == TextUnit.id,
                head.language == language,
                translation.source_hash == source.content_hash,
                sa.func.length(sa.func.trim(translation.text)) > 0,
            )
            .exists()
        )
        problems.append(sa.and_(TextUnit.source_language != language, ~translated))
    return (
        sa.select(TextUnit.id)
        .join(source_head, source_head.unit_id == TextUnit.id)
        .join(source, source.id == source_head.version_id)
        .where(
            source_head.language == TextUnit.source_language,
            sa.func.length(sa.func.trim(source.text)) > 0,
            sa.or_(*problems) if problems else sa.false(),
        )
    )
