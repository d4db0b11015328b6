"""The translation workspace's verbs: the queue, saving, confirming, approving, reverting.

A translation is saved as a new version; ``texts.save_text`` refuses it when someone saved
since the editor opened the text, so nobody's work is silently overwritten.
"""

import enum
from dataclasses import dataclass, field

from flask_babel import gettext as _

from .. import checks
from ..audit import record_event
from ..contexts import TextContext, context_of, text_contexts
from ..extensions import db
from ..models import (
    PortalSettings,
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


@dataclass
class QueueItem:
    context: TextContext
    language: str
    status: TextStatus
    problems: list[checks.Problem] = field(default_factory=list)

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
    def open_problems(self) -> list[checks.Problem]:
        return [problem for problem in self.problems if not problem.dismissed]


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


def _matches(item: QueueItem, params: QueueParams, review_required: bool) -> bool:
    context = item.context
    if params.category and (context.category is None or context.category.slug != params.category):
        return False
    if params.provider and (context.provider is None or context.provider.id != params.provider):
        return False
    if params.kind and context.kind != params.kind:
        return False
    if params.q:
        haystack = " ".join(
            [context.owner_label, *(version.text for version in _current_texts(item.unit))]
        ).casefold()
        if not all(term in haystack for term in params.q.casefold().split()):
            return False
    match params.filter:
        case QueueFilter.MISSING:
            return item.status == TextStatus.MISSING
        case QueueFilter.OUTDATED:
            return item.status == TextStatus.OUTDATED
        case QueueFilter.NEEDS_REVIEW:
            return needs_review(item.status, review_required)
        case QueueFilter.FAILING:
            return bool(item.open_problems)
    return True


def _current_texts(unit: TextUnit) -> list[TextVersion]:
    return [head.version for head in unit.current]


def build_queue(params: QueueParams, contexts: list[TextContext] | None = None) -> list[QueueItem]:
    """The units to translate into ``params.language`` that pass the filters, neediest first."""
    settings = get_settings()
    contexts = text_contexts() if contexts is None else contexts
    items = []
    for context in contexts:
        status = status_of(context.unit, params.language)
        if status == TextStatus.NOT_NEEDED:
            continue
        items.append(QueueItem(context, params.language, status))
    problems = checks.problems_by_unit([item.unit for item in items], params.language)
    for item in items:
        item.problems = problems.get(item.unit.id, [])
    order = {id(item): position for position, item in enumerate(items)}
    selected = [item for item in items if _matches(item, params, settings.review_required)]
    return sorted(selected, key=lambda item: (_PRIORITY.get(item.status, 5), order[id(item)]))


def measure_progress(contexts: list[TextContext], languages: list[str]) -> list[LanguageProgress]:
    progress = []
    for language in languages:
        counts: dict[TextStatus, int] = {}
        total = 0
        for context in contexts:
            status = status_of(context.unit, language)
            if status == TextStatus.NOT_NEEDED:
                continue
            total += 1
            counts[status] = counts.get(status, 0) + 1
        progress.append(LanguageProgress(language, total, counts))
    return progress


def neighbours(items: list[QueueItem], unit_id: int) -> tuple[QueueItem | None, QueueItem | None]:
    """The items before and after a unit in a queue; the first one when it is not in it."""
    ids = [item.unit.id for item in items]
    if unit_id not in ids:
        return None, (items[0] if items else None)
    index = ids.index(unit_id)
    previous = items[index - 1] if index > 0 else None
    following = items[index + 1] if index + 1 < len(items) else None
    return previous, following


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
