"""The checks of a text: a source text on its own, a translation against its source."""

import re
from collections.abc import Iterable

from flask_babel import gettext as _
from flask_babel import ngettext

from .. import texts
from ..i18n import language_name
from ..models import CookieEntry, TextKind, TextUnit
from .problems import Check, Problem, fingerprint, make_problem
from .reading import (
    DOUBLE_SPACE,
    IDENTICAL_MIN_WORDS,
    LENGTH_MIN_SOURCE,
    LENGTH_RATIOS,
    LETTER,
    excerpt,
    final_mark,
    paragraph_count,
    read,
    typography_issues,
)

LANGUAGE_SEPARATOR = re.compile(r"[-_]")


def _quoted(items: Iterable[str]) -> str:
    return ", ".join(f"“{item}”" for item in sorted(items))


def _difference(intro: str, source: frozenset[str], translation: frozenset[str]) -> str | None:
    """``intro`` with what the translation lacks and adds, or None when both hold the same."""
    if source == translation:
        return None
    parts = [intro]
    if source - translation:
        parts.append(_("Missing here: %(items)s.", items=_quoted(source - translation)))
    if translation - source:
        parts.append(_("Not in the source text: %(items)s.", items=_quoted(translation - source)))
    return " ".join(parts)


def _source_problems(unit: TextUnit, text: str | None = None) -> list[Problem]:
    """Checks of a source text: a category's text may not be empty."""
    text = unit.source_text if text is None else text
    if unit.kind in (TextKind.CATEGORY_NAME, TextKind.CATEGORY_EXPLANATION) and not text.strip():
        message = (
            _("The category has no name in the source language.")
            if unit.kind == TextKind.CATEGORY_NAME
            else _("The category has no explanation in the source language.")
        )
        return [
            make_problem(
                Check.CATEGORY_TEXT_MISSING,
                message,
                language=unit.source_language,
                unit_id=unit.id,
                fingerprint=fingerprint(text),
            )
        ]
    return []


def translation_problems(
    unit: TextUnit, language: str, entry: CookieEntry | None, text: str | None = None
) -> list[Problem]:
    """The checks of one translation; ``text`` checks a text as if saved now."""
    if language == unit.source_language:
        return _source_problems(unit, text)
    source = unit.current_version(unit.source_language)
    if source is None or not source.text.strip():
        return []
    saved = text is None
    if text is None:
        text = unit.text(language)
    found: list[Problem] = []

    def add(check: Check, message: str) -> None:
        found.append(
            make_problem(
                check,
                message,
                language=language,
                unit_id=unit.id,
                entry_id=entry.id if entry is not None else None,
                fingerprint=fingerprint(source.content_hash, text),
            )
        )

    name = language_name(language)
    if not text.strip():
        add(Check.TEXT_MISSING, _("The %(language)s translation is missing.", language=name))
        return found
    status = texts.status_of(unit, language) if saved else None
    if status == texts.TextStatus.OUTDATED:
        add(
            Check.TEXT_OUTDATED,
            _(
                "The %(language)s translation is outdated: the source text changed since.",
                language=name,
            ),
        )
    elif status == texts.TextStatus.DRAFT:
        # Taken from memory or imported, and nobody has read it yet.
        add(
            Check.TEXT_DRAFT,
            _(
                "The %(language)s translation is a draft: a person must read and save it.",
                language=name,
            ),
        )
    entry_names = entry.name_list if entry is not None else []
    original, translated = read(source.text, entry_names), read(text, entry_names)
    for check, intro, attribute in (
        (Check.NAMES_DIFFER, _("Cookie names or code differ from the source text."), "names"),
        (Check.NUMBERS_DIFFER, _("Numbers differ from the source text."), "numbers"),
        (Check.LINKS_DIFFER, _("Links differ from the source text."), "links"),
    ):
        message = _difference(intro, getattr(original, attribute), getattr(translated, attribute))
        if message:
            add(check, message)
    for check, message in _style_problems(source.text, text, language, translated.prose):
        add(check, message)
    return found


def _style_problems(source: str, text: str, language: str, prose: str) -> list[tuple[Check, str]]:
    """The warnings about how a translation reads next to its source."""
    found = []
    if (
        text.strip() == source.strip()
        and LETTER.search(text)
        and len(text.split()) >= IDENTICAL_MIN_WORDS
    ):
        found.append((Check.IDENTICAL, _("The translation is identical to the source text.")))
    length, source_length = len(text.strip()), len(source.strip())
    if source_length > LENGTH_MIN_SOURCE:
        lowest, highest = LENGTH_RATIOS
        lengths = {"length": length, "source_length": source_length}
        if length < lowest * source_length:
            message = _(
                "The translation is much shorter than the source text (%(length)s characters "
                "against %(source_length)s): check nothing is missing.",
                **lengths,
            )
            found.append((Check.LENGTH, message))
        elif length > highest * source_length:
            message = _(
                "The translation is much longer than the source text (%(length)s characters "
                "against %(source_length)s): check nothing was added.",
                **lengths,
            )
            found.append((Check.LENGTH, message))
    mark, source_mark = final_mark(text), final_mark(source)
    if mark != source_mark:
        found.append(
            (
                Check.PUNCTUATION,
                _(
                    "The translation ends with %(mark)s, the source text with %(source_mark)s.",
                    mark=_describe_mark(mark),
                    source_mark=_describe_mark(source_mark),
                ),
            )
        )
    spacing = []
    if text != text.strip() and source == source.strip():
        spacing.append(_("The translation starts or ends with a space or a line break."))
    if DOUBLE_SPACE.search(text) and not DOUBLE_SPACE.search(source):
        spacing.append(_("The translation has double spaces between words."))
    if paragraph_count(text) != paragraph_count(source):
        spacing.append(_("The translation is not split into paragraphs as the source text is."))
    if spacing:
        found.append((Check.SPACING, " ".join(spacing)))
    if LANGUAGE_SEPARATOR.split(language)[0].lower() == "fr":
        issues = typography_issues(prose)
        if issues:
            message = ngettext(
                "French typography: %(num)s place needs a no-break space, first in "
                "“%(excerpt)s”. Put a no-break space (U+00A0) before “:” and “»” and after "
                "“«”, a narrow one (U+202F) before “;”, “!” and “?”.",
                "French typography: %(num)s places need a no-break space, first in "
                "“%(excerpt)s”. Put a no-break space (U+00A0) before “:” and “»” and after "
                "“«”, a narrow one (U+202F) before “;”, “!” and “?”.",
                len(issues),
                excerpt=excerpt(text, issues[0][0]),
            )
            found.append((Check.FRENCH_TYPOGRAPHY, message))
    return found


def _describe_mark(mark: str) -> str:
    return f"“{mark}”" if mark else _("no punctuation mark")
