"""The check engine of DESIGN.md §3: one set of rules for the inventory, the translation view
and the publishing gate.

The checks read model objects as loaded and change nothing; each call loads, in one query,
the warnings people dismissed. A problem's message is in the interface language of the moment
it is made. Errors block publishing and a text's "ready"; warnings are shown, and can be
dismissed with a reason until what they looked at changes.
"""

import enum
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from . import texts
from .audit import record_event
from .extensions import db
from .i18n import format_duration, language_name
from .models import (
    Category,
    CheckDismissal,
    ConsentBasis,
    CookieEntry,
    DurationKind,
    DurationUnit,
    ExemptionGround,
    Party,
    Provider,
    TextKind,
    TextUnit,
    User,
    text_hash,
    utcnow,
)
from .portal import get_settings
from .service_errors import ServiceError

if TYPE_CHECKING:
    from .translation.contexts import TextContext

MAX_REASON_LENGTH = 1000


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def label(self) -> str:
        return str(SEVERITY_LABELS[self])


SEVERITY_LABELS = {Severity.ERROR: _l("error"), Severity.WARNING: _l("warning")}


class Check(enum.StrEnum):
    """Every check's stable id: dismissals, filters and tests refer to these."""

    TEXT_MISSING = "text.missing"
    TEXT_OUTDATED = "text.outdated"
    TEXT_DRAFT = "text.draft"
    NAMES_DIFFER = "text.names_differ"
    NUMBERS_DIFFER = "text.numbers_differ"
    LINKS_DIFFER = "text.links_differ"
    IDENTICAL = "text.identical"
    LENGTH = "text.length"
    PUNCTUATION = "text.punctuation"
    SPACING = "text.spacing"
    FRENCH_TYPOGRAPHY = "text.french_typography"
    CATEGORY_TEXT_MISSING = "category.text_missing"
    DURATION_MISSING = "entry.duration_missing"
    INVALID_NAME = "entry.invalid_name"
    AUDIENCE_OVER_13_MONTHS = "entry.audience_over_13_months"
    THIRD_PARTY_WITHOUT_PRIVACY_URL = "entry.third_party_without_privacy_url"
    NOT_REVIEWED = "entry.not_reviewed"

    @property
    def severity(self) -> Severity:
        return Severity.WARNING if self in WARNING_CHECKS else Severity.ERROR


WARNING_CHECKS = frozenset(
    {
        Check.IDENTICAL,
        Check.LENGTH,
        Check.PUNCTUATION,
        Check.SPACING,
        Check.FRENCH_TYPOGRAPHY,
        Check.AUDIENCE_OVER_13_MONTHS,
        Check.THIRD_PARTY_WITHOUT_PRIVACY_URL,
        Check.NOT_REVIEWED,
    }
)


@dataclass(frozen=True)
class Problem:
    """One finding: about a unit in a language (text checks) or about an entry.

    ``fingerprint`` hashes what the check read; a dismissal holds while it matches.
    """

    check: Check
    severity: Severity
    message: str
    language: str | None = None
    unit_id: int | None = None
    entry_id: int | None = None
    fingerprint: str = ""
    dismissal: CheckDismissal | None = None

    @property
    def dismissed(self) -> bool:
        return self.dismissal is not None

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR


def _problem(check: Check, message: str, **where: Any) -> Problem:
    return Problem(check, check.severity, message, **where)


def _fingerprint(*values: object) -> str:
    return text_hash("\x1f".join("" if value is None else str(value) for value in values))


# --- Reading a text ----------------------------------------------------------------------

LINK_TARGET = re.compile(r"\]\(\s*<?([^()\s<>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
BARE_URL = re.compile(r"\bhttps?://[^\s<>()\[\]\"«»]+", re.IGNORECASE)
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL_END_PUNCTUATION = ".,;:!?'’”"
CODE_SPAN = re.compile(r"`([^`\n]+)`")
# A word with an underscore reads as code or a cookie name (``django_language``, ``_pk_id.*``).
CODE_WORD = re.compile(r"(?<![\w.*-])[A-Za-z0-9.*-]*_[A-Za-z0-9_.*-]*(?!\w)")
NAME_BEFORE = r"(?<![A-Za-z0-9_.-])"
NAME_AFTER = r"(?![A-Za-z0-9_-])"
# Digits, with thousands grouped by a space, a no-break space, a dot or a comma, and decimals.
NUMBER = re.compile(r"\d+(?:[ \u00a0\u202f.,'’]\d{3}(?!\d))*(?:[.,]\d+)?")
DOUBLE_SPACE = re.compile(r"(?<=\S)[ \u00a0\u202f]{2,}(?=\S)")
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
FINAL_MARKS = ".!?:;…"
# What may follow a sentence's last mark: closing quotes and brackets, emphasis, spaces.
CLOSING = "»”’\"')]*_ \t\r\n\u00a0\u202f"
LETTER = re.compile(r"[^\W\d_]")

IDENTICAL_MIN_WORDS = 2
LENGTH_MIN_SOURCE = 20
LENGTH_RATIOS = (0.5, 2.0)

NO_BREAK_SPACE = "\u00a0"
NARROW_NO_BREAK_SPACE = "\u202f"
NO_BREAK_SPACES = NO_BREAK_SPACE + NARROW_NO_BREAK_SPACE
# French puts a no-break space before these (and after «).
SPACED_MARKS = ":;!?»"
EXCERPT_LENGTH = 24


def _link_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, link) of each Markdown link target, web address and e-mail address."""
    spans = []
    for match in LINK_TARGET.finditer(text):
        target = match.group(1)
        spans.append((match.start(1), match.end(1), target.removeprefix("mailto:")))
    for match in BARE_URL.finditer(text):
        url = match.group().rstrip(URL_END_PUNCTUATION)
        spans.append((match.start(), match.start() + len(url), url))
    for match in EMAIL.finditer(text):
        spans.append((match.start(), match.end(), match.group()))
    return spans


def _masked(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with each span blanked out by as many "x": positions stay the same."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = "x" * (end - start)
    return "".join(chars)


def _code_word(token: str) -> str | None:
    token = token.rstrip(".")
    # Markdown emphasis around a word is not part of it: _important_, *_ga*.
    while len(token) > 2 and token[0] == token[-1] and token[0] in "_*":
        token = token[1:-1]
    return token if "_" in token else None


@dataclass(frozen=True)
class _Reading:
    """What the comparisons need from one text."""

    links: frozenset[str]
    names: frozenset[str]
    numbers: frozenset[str]
    # The text with links and code blanked out, for typography.
    prose: str


def _read(text: str, entry_names: Sequence[str]) -> _Reading:
    link_spans = _link_spans(text)
    links = frozenset(link.rstrip("/") for _start, _end, link in link_spans)
    prose = _masked(text, [(start, end) for start, end, _link in link_spans])
    names: set[str] = set()
    name_spans = []
    for match in CODE_SPAN.finditer(prose):
        names.add(match.group(1).strip())
        name_spans.append(match.span())
    prose = _masked(prose, name_spans)
    for match in CODE_WORD.finditer(prose):
        word = _code_word(match.group())
        if word:
            names.add(word)
            name_spans.append(match.span())
    for name in entry_names:
        # A prefix pattern may be written whole (_pk_id.*) or as its prefix (_pk_id).
        stem = name.removesuffix(".*")
        written = re.escape(stem) + (r"(?:\.\*)?" if stem != name else "")
        for match in re.finditer(NAME_BEFORE + written + NAME_AFTER, prose):
            names.add(match.group())
            name_spans.append(match.span())
    numbers = frozenset(
        re.sub(r"\D", "", match.group()) for match in NUMBER.finditer(_masked(prose, name_spans))
    )
    return _Reading(links, frozenset(names), numbers, prose)


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


def _final_mark(text: str) -> str:
    end = text.rstrip(CLOSING)
    if end.endswith("..."):
        return "…"
    return end[-1] if end and end[-1] in FINAL_MARKS else ""


def _paragraphs(text: str) -> int:
    return len([part for part in PARAGRAPH_BREAK.split(text.strip()) if part.strip()])


def _typography_issues(prose: str) -> list[tuple[int, str]]:
    """Where French wants a no-break space: (position of the mark, "before" or "after")."""
    issues = []
    for i, char in enumerate(prose):
        if char == "«":
            after = prose[i + 1 : i + 2]
            if after not in ("", "\n") and after not in NO_BREAK_SPACES:
                issues.append((i, "after"))
            continue
        if char not in SPACED_MARKS or i == 0:
            continue
        before, after = prose[i - 1], prose[i + 1 : i + 2]
        if before == " ":
            if i >= 2 and prose[i - 2] not in "\n ":
                issues.append((i, "before"))
        elif before in NO_BREAK_SPACES or before in "\n" + SPACED_MARKS + "«([{….":
            continue
        elif char == ":" and before.isdigit() and after.isdigit():
            continue  # a time: 10:30
        elif char == "!" and after == "[":
            continue  # a Markdown image
        else:
            issues.append((i, "before"))
    return issues


def _space_for(mark: str) -> str:
    return NO_BREAK_SPACE if mark in ":»«" else NARROW_NO_BREAK_SPACE


def fix_french_typography(text: str) -> str:
    """``text`` with the no-break spaces French typography wants, links and code untouched."""
    prose = _read(text, ()).prose
    pieces, done = [], 0
    for i, where in _typography_issues(prose):
        if where == "before":
            if done > i - 1:
                continue  # right after “« ”, whose space is already a no-break one
            cut = i - 1 if text[i - 1] == " " else i
            pieces += [text[done:cut], _space_for(text[i])]
            done = i
        else:
            pieces += [text[done : i + 1], NO_BREAK_SPACE]
            done = i + 2 if text[i + 1 : i + 2] == " " else i + 1
    pieces.append(text[done:])
    return "".join(pieces)


def _excerpt(text: str, position: int) -> str:
    start = max(0, position - EXCERPT_LENGTH)
    excerpt = text[start : position + 1].replace("\n", " ")
    return ("…" if start else "") + excerpt.lstrip()


# --- Text checks -------------------------------------------------------------------------


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
            _problem(
                Check.CATEGORY_TEXT_MISSING,
                message,
                language=unit.source_language,
                unit_id=unit.id,
                fingerprint=_fingerprint(text),
            )
        ]
    return []


def _translation_problems(
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
            _problem(
                check,
                message,
                language=language,
                unit_id=unit.id,
                entry_id=entry.id if entry is not None else None,
                fingerprint=_fingerprint(source.content_hash, text),
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
    original, translated = _read(source.text, entry_names), _read(text, entry_names)
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
    mark, source_mark = _final_mark(text), _final_mark(source)
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
    if _paragraphs(text) != _paragraphs(source):
        spacing.append(_("The translation is not split into paragraphs as the source text is."))
    if spacing:
        found.append((Check.SPACING, " ".join(spacing)))
    if re.split(r"[-_]", language)[0].lower() == "fr":
        issues = _typography_issues(prose)
        if issues:
            message = ngettext(
                "French typography: %(num)s place needs a no-break space, first in "
                "“%(excerpt)s”. Put a no-break space (U+00A0) before “:” and “»” and after "
                "“«”, a narrow one (U+202F) before “;”, “!” and “?”.",
                "French typography: %(num)s places need a no-break space, first in "
                "“%(excerpt)s”. Put a no-break space (U+00A0) before “:” and “»” and after "
                "“«”, a narrow one (U+202F) before “;”, “!” and “?”.",
                len(issues),
                excerpt=_excerpt(text, issues[0][0]),
            )
            found.append((Check.FRENCH_TYPOGRAPHY, message))
    return found


def _describe_mark(mark: str) -> str:
    return f"“{mark}”" if mark else _("no punctuation mark")


# --- Entry checks ------------------------------------------------------------------------

DAYS_PER_YEAR = 365.2425
DAYS_PER_MONTH = DAYS_PER_YEAR / 12
DAYS_PER_UNIT = {
    DurationUnit.HOURS: 1 / 24,
    DurationUnit.DAYS: 1,
    DurationUnit.WEEKS: 7,
    DurationUnit.MONTHS: DAYS_PER_MONTH,
    DurationUnit.YEARS: DAYS_PER_YEAR,
}
# The CNIL's limit for audience-measurement cookies exempt from consent.
AUDIENCE_MEASUREMENT_MONTHS = 13


def duration_in_months(entry: CookieEntry) -> float | None:
    """How long an entry's cookie lasts, in months: 0 for a session, infinite until deleted,
    None when not given."""
    if entry.duration_kind == DurationKind.SESSION:
        return 0.0
    if entry.duration_kind == DurationKind.UNTIL_DELETED:
        return math.inf
    if entry.duration_value is None or entry.duration_unit is None:
        return None
    if entry.duration_unit == DurationUnit.MONTHS:
        return float(entry.duration_value)
    if entry.duration_unit == DurationUnit.YEARS:
        return entry.duration_value * 12.0
    return entry.duration_value * DAYS_PER_UNIT[entry.duration_unit] / DAYS_PER_MONTH


def _a_year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _entry_checks(entry: CookieEntry) -> list[Problem]:
    """The checks of an entry's own values (its texts aside)."""
    # Imported here: the inventory's package imports this module.
    from .inventory.services import check_cookie_name

    found = []

    def add(check: Check, message: str, *values: object) -> None:
        found.append(_problem(check, message, entry_id=entry.id, fingerprint=_fingerprint(*values)))

    months = duration_in_months(entry)
    if months is None:
        add(Check.DURATION_MISSING, _("The duration is missing: say how long it is kept."))
    if not entry.names:
        add(Check.INVALID_NAME, _("The entry has no cookie name."))
    for name in entry.name_list:
        try:
            check_cookie_name(name)
        except ServiceError as error:
            add(Check.INVALID_NAME, error.message, name)
    audience = (
        entry.consent_basis == ConsentBasis.EXEMPT
        and entry.exemption_ground == ExemptionGround.AUDIENCE_MEASUREMENT
    )
    if audience and months is not None and months > AUDIENCE_MEASUREMENT_MONTHS:
        message = (
            _(
                "Audience measurement is exempt from consent only for 13 months at most "
                "(CNIL); this entry is kept until deleted."
            )
            if months == math.inf
            else _(
                "Audience measurement is exempt from consent only for 13 months at most "
                "(CNIL); this entry lasts %(duration)s.",
                duration=format_duration(
                    entry.duration_kind, entry.duration_value, entry.duration_unit
                ),
            )
        )
        add(
            Check.AUDIENCE_OVER_13_MONTHS,
            message,
            entry.consent_basis,
            entry.exemption_ground,
            entry.duration_kind,
            entry.duration_value,
            entry.duration_unit,
        )
    if entry.party == Party.THIRD and not entry.provider.privacy_policy_url:
        add(
            Check.THIRD_PARTY_WITHOUT_PRIVACY_URL,
            _(
                "The third party %(provider)s has no privacy-policy URL: add it to the provider.",
                provider=entry.provider.name,
            ),
            entry.party,
            entry.provider_id,
        )
    reviewed = entry.last_reviewed_on
    if reviewed is None:
        add(
            Check.NOT_REVIEWED,
            _("This entry has never been reviewed: check it and set its review date."),
            None,
        )
    elif reviewed < _a_year_before(utcnow().date()):
        add(
            Check.NOT_REVIEWED,
            _(
                "This entry was last reviewed on %(date)s, over a year ago.",
                date=format_date(reviewed, "long"),
            ),
            reviewed.isoformat(),
        )
    return found


def _entry_problems(entry: CookieEntry, languages: Sequence[str]) -> list[Problem]:
    found = _entry_checks(entry)
    for unit in entry.text_units.values():
        for language in languages:
            if language != unit.source_language:
                found += _translation_problems(unit, language, entry)
    return found


# --- Dismissals --------------------------------------------------------------------------


def _key(problem: Problem | CheckDismissal) -> tuple[object, ...]:
    # A text check is about a unit in a language, an entry check about an entry.
    entry_id = None if problem.unit_id is not None else problem.entry_id
    return (problem.check, problem.unit_id, problem.language, entry_id, problem.fingerprint)


def _with_dismissals(problems: list[Problem], *, all_dismissals: bool = False) -> list[Problem]:
    """Each warning with the dismissal that still holds for it, loaded in one query."""
    warned = [problem for problem in problems if problem.severity == Severity.WARNING]
    if not warned:
        return problems
    query = (
        sa.select(CheckDismissal)
        .options(joinedload(CheckDismissal.dismissed_by))
        .order_by(CheckDismissal.id)
    )
    if not all_dismissals:
        unit_ids = sorted({problem.unit_id for problem in warned if problem.unit_id is not None})
        entry_ids = sorted({problem.entry_id for problem in warned if problem.unit_id is None})
        query = query.where(
            sa.or_(CheckDismissal.unit_id.in_(unit_ids), CheckDismissal.entry_id.in_(entry_ids))
        )
    # The latest dismissal wins.
    dismissals = {_key(dismissal): dismissal for dismissal in db.session.scalars(query)}
    return [
        replace(problem, dismissal=dismissals.get(_key(problem)))
        if problem.severity == Severity.WARNING
        else problem
        for problem in problems
    ]


def dismiss_warning(problem: Problem, *, reason: str, actor: User | None) -> CheckDismissal:
    """Record why a warning does not apply; it shows again once what it checked changes."""
    if problem.severity != Severity.WARNING:
        raise ServiceError(_("Errors cannot be dismissed; they must be fixed."))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Say why this warning does not apply."), "reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise ServiceError(
            _(
                "Keep it to %(count)s characters at most (it has %(length)s).",
                count=MAX_REASON_LENGTH,
                length=len(reason),
            ),
            "reason",
        )
    if problem.dismissed:
        raise ServiceError(_("This warning is already dismissed."))
    is_text = problem.unit_id is not None
    dismissal = CheckDismissal(
        check=problem.check,
        unit_id=problem.unit_id,
        language=problem.language if is_text else None,
        entry_id=None if is_text else problem.entry_id,
        fingerprint=problem.fingerprint,
        reason=reason,
        dismissed_by=actor,
    )
    db.session.add(dismissal)
    db.session.flush()
    record_event(
        actor,
        "dismiss",
        dismissal,
        label=f"{problem.check}: {problem.message}",
        after={
            "check": str(problem.check),
            "unit_id": problem.unit_id,
            "language": problem.language,
            "entry_id": problem.entry_id,
            "message": problem.message,
            "reason": reason,
        },
    )
    db.session.commit()
    return dismissal


# --- What callers use --------------------------------------------------------------------

ENTRY_TEXT_KINDS = (TextKind.ENTRY_FUNCTION, TextKind.ENTRY_PURPOSE)


def _languages(languages: Iterable[str] | None) -> list[str]:
    return list(languages) if languages is not None else list(get_settings().enabled_languages)


def _entries_of(units: Iterable[TextUnit]) -> dict[int, CookieEntry]:
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


def check_translation(unit: TextUnit, language: str, text: str | None = None) -> list[Problem]:
    """The problems of a unit's text in one language: the current one, or ``text`` as if it
    were saved now (so not outdated). The source language has only the source's checks."""
    entry = _entries_of([unit]).get(unit.id)
    return _with_dismissals(_translation_problems(unit, language, entry, text))


def problems_by_unit(units: Sequence[TextUnit], language: str) -> dict[int, list[Problem]]:
    """Each unit's problems in ``language``, for a list: a fixed number of queries."""
    entries = _entries_of(units)
    found = []
    for unit in units:
        found += _translation_problems(unit, language, entries.get(unit.id))
    grouped: dict[int, list[Problem]] = {unit.id: [] for unit in units}
    for problem in _with_dismissals(found):
        grouped[problem.unit_id].append(problem)
    return grouped


def check_unit(unit: TextUnit, languages: Iterable[str] | None = None) -> list[Problem]:
    """A unit's problems in every enabled language (or ``languages``), its source included."""
    entry = _entries_of([unit]).get(unit.id)
    found = []
    for language in _languages(languages):
        found += _translation_problems(unit, language, entry)
    return _with_dismissals(found)


def check_entries(
    entries: Sequence[CookieEntry], languages: Iterable[str] | None = None
) -> dict[int, list[Problem]]:
    """Each entry's problems: its own values, then its function and purpose in every enabled
    language. Reads the entries as loaded (names, provider, texts) and the dismissals in one
    query, so a page of entries costs the same whatever its length."""
    languages = _languages(languages)
    found = []
    for entry in entries:
        found += _entry_problems(entry, languages)
    grouped: dict[int, list[Problem]] = {entry.id: [] for entry in entries}
    for problem in _with_dismissals(found):
        grouped[problem.entry_id].append(problem)
    return grouped


def check_entry(entry: CookieEntry, languages: Iterable[str] | None = None) -> list[Problem]:
    return check_entries([entry], languages)[entry.id]


def check_category(category: Category, languages: Iterable[str] | None = None) -> list[Problem]:
    """A category's name and explanation: empty in the source, or missing in a language."""
    found = []
    for unit in category.text_units.values():
        for language in _languages(languages):
            found += _translation_problems(unit, language, None)
    return _with_dismissals(found)


def check_policy(contexts: "list[TextContext] | None" = None) -> list[Problem]:
    """Every problem of the draft policy, in page order: its texts, every category (an empty
    one included), the providers and entries it shows (visible, not archived).

    ``contexts`` are ``text_contexts()`` when the caller has them already.
    """
    from .translation.contexts import text_contexts  # its package imports this module

    languages = _languages(None)
    contexts = text_contexts() if contexts is None else contexts
    shown = {
        context.owner.id: context.owner
        for context in contexts
        if isinstance(context.owner, CookieEntry) and context.owner.visible
    }
    providers = {entry.provider_id for entry in shown.values()}
    found = []
    for context in contexts:
        owner = context.owner
        if isinstance(owner, CookieEntry):
            if shown.pop(owner.id, None) is not None:
                found += _entry_problems(owner, languages)
            continue
        if isinstance(owner, Provider) and owner.id not in providers:
            continue
        for language in languages:
            found += _translation_problems(context.unit, language, None)
    return _with_dismissals(found, all_dismissals=True)


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.severity == Severity.ERROR]


def warnings(problems: Iterable[Problem], *, dismissed: bool = False) -> list[Problem]:
    """The warnings still open; with ``dismissed``, the dismissed ones instead."""
    return [
        problem
        for problem in problems
        if problem.severity == Severity.WARNING and problem.dismissed == dismissed
    ]


def blocking(problems: Iterable[Problem]) -> list[Problem]:
    """What stops publishing or a text's "ready": errors only; warnings never block."""
    return errors(problems)


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
    return status in done and not blocking(check_translation(unit, language))
