"""The translation workspace's verbs: the queue, saving, confirming, approving, reverting.

A translation is saved as a new version; ``texts.save_text`` refuses it when someone saved
since the editor opened the text, so nobody's work is silently overwritten.
"""

import enum
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import selectinload

from .. import checks
from ..audit import record_event
from ..contexts import (
    SHOWN_ORDER,
    SHOWN_RANKS,
    TextContext,
    context_of,
    contexts_of,
    section_name,
    shown_units,
)
from ..extensions import db
from ..lookup import paginate
from ..models import (
    Category,
    CookieEntry,
    CookieName,
    CurrentText,
    PolicyText,
    PortalSettings,
    Provider,
    TextCheckResult,
    TextKind,
    TextOrigin,
    TextState,
    TextUnit,
    TextVersion,
    User,
)
from ..portal import get_settings
from ..service_errors import ServiceError
from ..texts import TextStatus, save_text, status_of
from ..values import clean_text
from ..word_diff import Segment, similarity, word_diff

# The PO exchange with outside translators lives in ``exchange``; the command line calls it here.
from .exchange import export_filename as export_filename
from .exchange import export_po as export_po
from .exchange import import_po as import_po

SUGGESTION_THRESHOLD = 0.6
MAX_SUGGESTIONS = 5
MAX_TRANSLATION_LENGTH = 10_000

# The queue shows what needs a person most first.
_PRIORITY = {
    TextStatus.OUTDATED: 0,
    TextStatus.MISSING: 1,
    TextStatus.DRAFT: 2,
    TextStatus.TRANSLATED: 3,
    TextStatus.APPROVED: 4,
}


class QueueFilter(enum.StrEnum):
    ALL = "all"
    MISSING = "missing"
    OUTDATED = "outdated"
    NEEDS_REVIEW = "review"
    FAILING = "failing"


@dataclass(frozen=True)
class QueueParams:
    language: str
    filter: QueueFilter = QueueFilter.ALL
    category: str | None = None
    provider: int | None = None
    kind: TextKind | None = None
    q: str = ""


@dataclass(frozen=True)
class QueueItem:
    context: TextContext
    language: str
    status: TextStatus
    # The text's errors and its warnings not dismissed.
    errors: int = 0
    warnings: int = 0

    @property
    def unit(self) -> TextUnit:
        return self.context.unit

    @property
    def source_text(self) -> str:
        return self.unit.source_text

    @property
    def text(self) -> str:
        return self.unit.text(self.language)

    @property
    def open_problem_count(self) -> int:
        return self.errors + self.warnings


@dataclass(frozen=True)
class LanguageProgress:
    language: str
    total: int
    counts: dict[TextStatus, int]

    def count(self, status: TextStatus) -> int:
        return self.counts.get(status, 0)

    def percent(self, *statuses: TextStatus) -> int:
        if not self.total:
            return 100
        return round(100 * sum(self.count(status) for status in statuses) / self.total)


def target_languages(settings: PortalSettings | None = None) -> list[str]:
    """The enabled languages texts are translated into: all but the source."""
    settings = settings or get_settings()
    return [lang for lang in settings.enabled_languages if lang != settings.source_language]


def needs_review(status: TextStatus, review_required: bool) -> bool:
    return status == TextStatus.DRAFT or (review_required and status == TextStatus.TRANSLATED)


def _mentions(term: str, shown: sa.Subquery) -> sa.ColumnElement[bool]:
    """A shown unit whose texts (in any language) or owner's name hold ``term``: an entry's
    cookie names, a category's slug, a provider's name, a section's name."""
    result = TextCheckResult

    def holds(column: sa.ColumnElement[str]) -> sa.ColumnElement[bool]:
        return sa.func.lower(column).contains(term, autoescape=True)

    sections = [
        section.id
        for section in db.session.scalars(
            sa.select(PolicyText).options(
                selectinload(PolicyText.title_unit).selectinload(TextUnit.current)
            )
        )
        if term in section_name(section).casefold()
    ]
    owner = shown.c.owner_id
    return sa.or_(
        sa.exists(
            sa.select(CurrentText.unit_id)
            .join(TextVersion, TextVersion.id == CurrentText.version_id)
            .where(CurrentText.unit_id == result.unit_id, holds(TextVersion.text))
        ),
        sa.and_(
            shown.c.rank == SHOWN_RANKS[CookieEntry],
            sa.exists(
                sa.select(CookieName.id).where(CookieName.entry_id == owner, holds(CookieName.name))
            ),
        ),
        sa.and_(
            shown.c.rank == SHOWN_RANKS[Category],
            sa.exists(sa.select(Category.id).where(Category.id == owner, holds(Category.slug))),
        ),
        sa.and_(
            shown.c.rank == SHOWN_RANKS[Provider],
            sa.exists(sa.select(Provider.id).where(Provider.id == owner, holds(Provider.name))),
        ),
        sa.and_(shown.c.rank == SHOWN_RANKS[PolicyText], owner.in_(sections)),
    )


def _queue(params: QueueParams) -> tuple[sa.Select, tuple[sa.ColumnElement, ...]]:
    """The queue in SQL over the kept check results: the units that pass the filters, and
    the columns that order them (neediest first, then in page order), selected too."""
    review_required = get_settings().review_required
    result = TextCheckResult
    shown = shown_units()
    priority = sa.case(
        {status.value: rank for status, rank in _PRIORITY.items()},
        value=result.status,
        else_=len(_PRIORITY),
    )
    order = (priority, *(shown.c[key] for key in SHOWN_ORDER), result.unit_id)
    query = (
        sa.select(TextUnit, *order)
        .join(shown, shown.c.unit_id == TextUnit.id)
        .join(result, sa.and_(result.unit_id == TextUnit.id, result.language == params.language))
        .where(result.status != TextStatus.NOT_NEEDED.value)
    )
    if params.category:
        category = sa.select(Category.id).where(Category.slug == params.category)
        query = query.where(shown.c.category_id == category.scalar_subquery())
    if params.provider:
        query = query.where(shown.c.provider_id == params.provider)
    if params.kind:
        query = query.where(TextUnit.kind == params.kind)
    for term in params.q.casefold().split():
        query = query.where(_mentions(term, shown))
    match params.filter:
        case QueueFilter.MISSING:
            query = query.where(result.status == TextStatus.MISSING.value)
        case QueueFilter.OUTDATED:
            query = query.where(result.status == TextStatus.OUTDATED.value)
        case QueueFilter.NEEDS_REVIEW:
            reviewed = [TextStatus.DRAFT.value]
            if review_required:
                reviewed.append(TextStatus.TRANSLATED.value)
            query = query.where(result.status.in_(reviewed))
        case QueueFilter.FAILING:
            query = query.where(result.errors + result.warnings > 0)
    return query, order


def _items(units: Sequence[TextUnit], language: str) -> list[QueueItem]:
    """Queue items for units in the queue's order: their owners and kept results loaded."""
    contexts = contexts_of(units)
    results = {
        row.unit_id: row
        for row in db.session.scalars(
            sa.select(TextCheckResult).where(
                TextCheckResult.language == language,
                TextCheckResult.unit_id.in_([unit.id for unit in units]),
            )
        )
    }
    return [
        QueueItem(
            contexts[unit.id],
            language,
            TextStatus(results[unit.id].status),
            results[unit.id].errors,
            results[unit.id].warnings,
        )
        for unit in units
        if unit.id in contexts and unit.id in results
    ]


_UNIT_TEXTS = selectinload(TextUnit.current)


def queue_page(params: QueueParams, number: int, per_page: int) -> Pagination:
    """Page ``number`` of the queue: the units to translate into ``params.language`` that
    pass the filters, neediest first; filtered, counted and sliced in SQL."""
    checks.refresh_results([params.language])
    query, order = _queue(params)
    page = paginate(query.options(_UNIT_TEXTS).order_by(*order), number, per_page)
    page.items = _items(page.items, params.language)
    return page


def build_queue(params: QueueParams) -> list[QueueItem]:
    """The whole queue, for a caller that needs every item (a test, a script)."""
    checks.refresh_results([params.language])
    query, order = _queue(params)
    units = db.session.scalars(query.options(_UNIT_TEXTS).order_by(*order)).all()
    return _items(units, params.language)


def queue_neighbours(
    params: QueueParams, unit_id: int
) -> tuple[QueueItem | None, QueueItem | None]:
    """The items before and after a unit in the queue, each found by a query; the first one
    when the unit is not in it (any more)."""
    checks.refresh_results([params.language])
    query, order = _queue(params)
    here = db.session.execute(query.with_only_columns(*order).where(TextUnit.id == unit_id)).first()
    query = query.options(_UNIT_TEXTS).order_by(*order).limit(1)
    if here is None:
        first = db.session.scalars(query).first()
        return None, (_items([first], params.language)[0] if first else None)
    position, keys = sa.tuple_(*order), sa.tuple_(*here)
    before = query.where(position < keys).order_by(None)
    previous = db.session.scalars(before.order_by(*(column.desc() for column in order))).first()
    following = db.session.scalars(query.where(position > keys)).first()
    found = _items([unit for unit in (previous, following) if unit is not None], params.language)
    by_unit = {item.unit.id: item for item in found}
    return (
        by_unit.get(previous.id) if previous else None,
        by_unit.get(following.id) if following else None,
    )


def measure_progress(languages: list[str]) -> list[LanguageProgress]:
    """How many shown texts are in each state, per language: one aggregate query."""
    checks.refresh_results(languages)
    shown = shown_units()
    result = TextCheckResult
    rows = db.session.execute(
        sa.select(result.language, result.status, sa.func.count())
        .join(shown, shown.c.unit_id == result.unit_id)
        .where(result.language.in_(languages), result.status != TextStatus.NOT_NEEDED.value)
        .group_by(result.language, result.status)
    ).all()
    counts: dict[str, dict[TextStatus, int]] = {language: {} for language in languages}
    for language, status, count in rows:
        counts[language][TextStatus(status)] = count
    return [
        LanguageProgress(language, sum(counts[language].values()), counts[language])
        for language in languages
    ]


def translatable_context(unit: TextUnit, language: str) -> TextContext:
    """The context of a unit that may be translated into ``language``, or ServiceError."""
    if language not in target_languages():
        raise ServiceError(_("Texts are not translated into this language."), "language")
    context = context_of(unit)
    if context is None:
        raise ServiceError(_("This text is no longer shown on the policy."), "text")
    return context


def _audit(actor: User | None, action: str, unit: TextUnit, language: str, before, after):
    context = context_of(unit)
    label = f"{context.label if context else unit.key} [{language}]"
    record_event(
        actor,
        action,
        unit,
        label=label,
        before=None if before is None else {"language": language, "text": before.text},
        after={"language": language, "text": after.text, "state": after.state.value},
    )


def save_translation(
    unit: TextUnit,
    language: str,
    text: str,
    *,
    base_version_id: int | None,
    actor: User,
    from_memory: TextVersion | None = None,
) -> TextVersion:
    """Save a person's translation. Text taken unchanged from memory stays a draft."""
    translatable_context(unit, language)
    text = clean_text(text, "text", MAX_TRANSLATION_LENGTH, strip=False)
    current = unit.current_version(language)
    unchanged_from_memory = from_memory is not None and from_memory.text == text
    version = save_text(
        unit,
        language,
        text,
        actor,
        base_version_id=base_version_id,
        state=TextState.DRAFT if unchanged_from_memory else TextState.TRANSLATED,
        origin=TextOrigin.MEMORY if unchanged_from_memory else TextOrigin.PERSON,
    )
    _audit(actor, "translate", unit, language, current, version)
    db.session.commit()
    return version


def confirm_still_correct(
    unit: TextUnit, language: str, *, base_version_id: int, actor: User
) -> TextVersion:
    """The source changed but the translation still says the same: re-stamp it, unedited."""
    translatable_context(unit, language)
    current = unit.current_version(language)
    if current is None or status_of(unit, language) != TextStatus.OUTDATED:
        raise ServiceError(_("Only an outdated translation can be confirmed as still correct."))
    return _restamp(
        unit, current, base_version_id, actor, current.state, "confirm", "confirmed still correct"
    )


def approve_translation(
    unit: TextUnit, language: str, *, base_version_id: int, actor: User
) -> TextVersion:
    """A reviewer approves someone else's current, error-free translation."""
    translatable_context(unit, language)
    if not actor.is_editor:
        raise ServiceError(_("Only operators and administrators approve translations."))
    current = unit.current_version(language)
    if current is None or status_of(unit, language) not in (
        TextStatus.TRANSLATED,
        TextStatus.DRAFT,
    ):
        raise ServiceError(_("Only a current translation waiting for review can be approved."))
    if current.author_id == actor.id:
        raise ServiceError(_("You cannot approve your own translation; ask another reviewer."))
    if checks.errors(checks.check_translation(unit, language)):
        raise ServiceError(_("Fix the errors of this translation before approving it."))
    return _restamp(
        unit, current, base_version_id, actor, TextState.APPROVED, "approve", "approved"
    )


def _restamp(
    unit: TextUnit,
    current: TextVersion,
    base_version_id: int,
    actor: User,
    state: TextState,
    action: str,
    note: str,
) -> TextVersion:
    """The current text again, unedited, as a new version with a new state or source stamp."""
    version = save_text(
        unit,
        current.language,
        current.text,
        actor,
        base_version_id=base_version_id,
        state=state,
        origin=current.origin,
        note=note,
    )
    _audit(actor, action, unit, current.language, current, version)
    db.session.commit()
    return version


def revert_to(version: TextVersion, *, base_version_id: int, actor: User) -> TextVersion:
    """Make an old text current again, as a new version; a translation keeps its old source."""
    unit = version.unit
    is_source = version.language == unit.source_language
    if is_source and not actor.is_editor:
        raise ServiceError(_("Only operators and administrators change source texts."))
    if not is_source:
        translatable_context(unit, version.language)
    current = unit.current_version(version.language)
    if current is not None and current.id == version.id:
        raise ServiceError(_("This version is already the current one."))
    reverted = save_text(
        unit,
        version.language,
        version.text,
        actor,
        base_version_id=base_version_id,
        state=TextState.TRANSLATED,
        origin=TextOrigin.PERSON,
        note=f"revert to version {version.id}",
        made_from=version,
    )
    _audit(actor, "revert", unit, version.language, current, reverted)
    db.session.commit()
    return reverted


@dataclass(frozen=True)
class HistoryItem:
    version: TextVersion
    diff: list[Segment] | None
    is_current: bool


def text_history(unit: TextUnit, language: str) -> list[HistoryItem]:
    """Every version of a text in a language, newest first, each with its change."""
    versions = db.session.scalars(
        db.select(TextVersion)
        .where(TextVersion.unit_id == unit.id, TextVersion.language == language)
        .order_by(TextVersion.id)
    ).all()
    current = unit.current_version(language)
    items = []
    previous_text = None
    for version in versions:
        diff = None if previous_text is None else word_diff(previous_text, version.text)
        items.append(HistoryItem(version, diff, current is not None and version.id == current.id))
        previous_text = version.text
    return list(reversed(items))


@dataclass(frozen=True)
class Suggestion:
    version: TextVersion
    score: int

    @property
    def text(self) -> str:
        return self.version.text


def suggest_translations(unit: TextUnit, language: str) -> list[Suggestion]:
    """Earlier translations whose source was identical or similar to this unit's source.

    Every translation version keeps the source it was made from, so the memory is simply
    all of them: reverted, outdated and other units' translations included; but never the
    text this unit already has in ``language``, which using would leave as it is.
    """
    source = unit.source_text
    if not source.strip():
        return []
    current = unit.text(language)
    candidates = db.session.scalars(
        db.select(TextVersion)
        .join(TextUnit, TextUnit.id == TextVersion.unit_id)
        .where(
            TextVersion.language == language,
            TextVersion.source_text.is_not(None),
            TextVersion.state != TextState.DRAFT,
            TextUnit.source_language == unit.source_language,
        )
        .order_by(TextVersion.id.desc())
    ).all()
    best: dict[str, Suggestion] = {}
    for version in candidates:
        if not version.text.strip() or version.text in best or version.text == current:
            continue
        score = similarity(source, version.source_text or "")
        if score >= SUGGESTION_THRESHOLD:
            best[version.text] = Suggestion(version, round(score * 100))
    ranked = sorted(best.values(), key=lambda suggestion: -suggestion.score)
    return ranked[:MAX_SUGGESTIONS]
