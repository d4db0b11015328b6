"""The engine's entry points: the problems of a text, an entry, a category or the whole draft.

Each reads model objects as loaded and the dismissals in one query, so a list of any length
costs a fixed number of queries. ``dismiss`` finds the warning a person sets aside and records
why.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from .. import texts
from ..contexts import TextContext, text_contexts
from ..cookie_names import domain_key
from ..extensions import db
from ..models import (
    Category,
    CheckDismissal,
    CookieEntry,
    CookieName,
    Provider,
    TextKind,
    TextUnit,
    User,
)
from ..portal import get_settings
from .dismissals import dismiss_warning, with_dismissals
from .entry_checks import Declaration, Declarations, entry_problems
from .portal_checks import portal_problems
from .problems import Problem, Severity
from .text_checks import translation_problems

ENTRY_TEXT_KINDS = (TextKind.ENTRY_FUNCTION, TextKind.ENTRY_PURPOSE)


def _languages_or_enabled(languages: Iterable[str] | None) -> list[str]:
    return list(languages) if languages is not None else list(get_settings().enabled_languages)


def _entries_owning(units: Iterable[TextUnit]) -> dict[int, CookieEntry]:
    """The entry each of an entry's text units belongs to, by unit id, in one query."""
    ids = [unit.id for unit in units if unit.kind in ENTRY_TEXT_KINDS]
    if not ids:
        return {}
    entries = db.session.scalars(
        sa.select(CookieEntry)
        .where(sa.or_(CookieEntry.function_unit_id.in_(ids), CookieEntry.purpose_unit_id.in_(ids)))
        .options(selectinload(CookieEntry.names))
    )
    return {
        unit_id: entry
        for entry in entries
        for unit_id in (entry.function_unit_id, entry.purpose_unit_id)
    }


def _declarations() -> Declarations:
    """Every name the active entries declare, by domain, for the overlap check: one query."""
    rows = db.session.execute(
        sa.select(CookieEntry.id, CookieEntry.domain, Provider.name, CookieName.name)
        .join(CookieName, CookieName.entry_id == CookieEntry.id)
        .join(Provider, Provider.id == CookieEntry.provider_id)
        .where(~CookieEntry.archived)
        .order_by(CookieEntry.id, CookieName.position, CookieName.id)
    ).all()
    names: dict[int, list[str]] = defaultdict(list)
    for entry_id, _domain, _provider, name in rows:
        names[entry_id].append(name)
    declared: dict[str, list[Declaration]] = defaultdict(list)
    for entry_id, domain, provider, name in rows:
        label = ", ".join(names[entry_id])
        declared[domain_key(domain)].append(Declaration(entry_id, label, provider, name))
    return declared


def check_translation(unit: TextUnit, language: str, text: str | None = None) -> list[Problem]:
    """The problems of a unit's text in one language: the current one, or ``text`` as if it
    were saved now (so not outdated). The source language has only the source's checks."""
    entry = _entries_owning([unit]).get(unit.id)
    return with_dismissals(translation_problems(unit, language, entry, text))


def problems_by_unit(units: Sequence[TextUnit], language: str) -> dict[int, list[Problem]]:
    """Each unit's problems in ``language``, for a list: a fixed number of queries."""
    entries = _entries_owning(units)
    found = []
    for unit in units:
        found += translation_problems(unit, language, entries.get(unit.id))
    grouped: dict[int, list[Problem]] = {unit.id: [] for unit in units}
    for problem in with_dismissals(found):
        grouped[problem.unit_id].append(problem)
    return grouped


def check_entries(
    entries: Sequence[CookieEntry], languages: Iterable[str] | None = None
) -> dict[int, list[Problem]]:
    """Each entry's problems: its own values, its names against the other active entries',
    then its function and purpose in every enabled language. Reads the entries as loaded
    (names, provider, texts), the active entries' names in one query and the dismissals in
    another, so a page of entries costs the same whatever its length."""
    languages = _languages_or_enabled(languages)
    declared = _declarations()
    found = []
    for entry in entries:
        found += entry_problems(entry, languages, declared)
    grouped: dict[int, list[Problem]] = {entry.id: [] for entry in entries}
    for problem in with_dismissals(found):
        grouped[problem.entry_id].append(problem)
    return grouped


def check_entry(entry: CookieEntry, languages: Iterable[str] | None = None) -> list[Problem]:
    return check_entries([entry], languages)[entry.id]


def check_category(category: Category, languages: Iterable[str] | None = None) -> list[Problem]:
    """A category's name and explanation: empty in the source, or missing in a language."""
    found = []
    for unit in category.text_units.values():
        for language in _languages_or_enabled(languages):
            found += translation_problems(unit, language, None)
    return with_dismissals(found)


def check_policy(contexts: list[TextContext] | None = None) -> list[Problem]:
    """Every problem of the draft policy: what the portal's settings leave the page without,
    then in page order its texts, every category (an empty one included), the providers and
    entries it shows (visible, not archived).

    ``contexts`` are ``text_contexts()`` when the caller has them already.
    """
    settings = get_settings()
    languages = list(settings.enabled_languages)
    contexts = text_contexts() if contexts is None else contexts
    shown = {
        context.owner.id: context.owner
        for context in contexts
        if isinstance(context.owner, CookieEntry) and context.owner.visible
    }
    providers = {entry.provider_id for entry in shown.values()}
    found = portal_problems(settings, shown.values())
    declared = _declarations()
    for context in contexts:
        owner = context.owner
        if isinstance(owner, CookieEntry):
            if shown.pop(owner.id, None) is not None:
                found += entry_problems(owner, languages, declared)
            continue
        if isinstance(owner, Provider) and owner.id not in providers:
            continue
        for language in languages:
            found += translation_problems(context.unit, language, None)
    return with_dismissals(found, all_dismissals=True)


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.severity == Severity.ERROR]


def warnings(problems: Iterable[Problem], *, dismissed: bool = False) -> list[Problem]:
    """The warnings still open; with ``dismissed``, the dismissed ones instead."""
    return [
        problem
        for problem in problems
        if problem.severity == Severity.WARNING and problem.dismissed == dismissed
    ]


def by_severity(problems: Iterable[Problem]) -> list[Problem]:
    """Errors, then open warnings, then dismissed ones; each group in its original order."""
    return sorted(problems, key=lambda problem: (not problem.is_error, problem.dismissed))


def grouped(problems: Iterable[Problem]) -> dict[tuple[int | None, str | None], list[Problem]]:
    """Problems by what they are about, in order: (unit id, language), (None, None) for an
    entry's own values."""
    groups: dict[tuple[int | None, str | None], list[Problem]] = {}
    for problem in problems:
        groups.setdefault((problem.unit_id, problem.language), []).append(problem)
    return groups


def is_ready(unit: TextUnit, language: str, review_required: bool) -> bool:
    """A text counts as done: no error, and translated (approved, when review is required).
    A source text, or a translation with nothing to translate, is ready when error-free."""
    status = texts.status_of(unit, language)
    done = {texts.TextStatus.SOURCE, texts.TextStatus.NOT_NEEDED, texts.TextStatus.APPROVED}
    if not review_required:
        done.add(texts.TextStatus.TRANSLATED)
    return status in done and not errors(check_translation(unit, language))


def dismiss(
    check: str,
    *,
    reason: str,
    actor: User | None,
    entry: CookieEntry | None = None,
    unit: TextUnit | None = None,
    language: str | None = None,
) -> CheckDismissal | None:
    """Set aside the warning ``check`` finds now, with why: one of an entry's own values, or of
    a unit's text in ``language``. None when it no longer finds that warning."""
    if entry is not None:
        found = [problem for problem in check_entry(entry) if problem.unit_id is None]
    elif unit is not None and language is not None:
        found = check_translation(unit, language)
    else:
        raise TypeError("dismiss() needs an entry, or a unit and a language")
    problem = next((problem for problem in found if problem.check == check), None)
    if problem is None:
        return None
    return dismiss_warning(problem, reason=reason, actor=actor)
