"""Reading a text without the database: its links, cookie names and code, numbers, the prose
around them, and where French typography wants a no-break space.

The text checks compare what a source text and its translation hold; ``fix_french_typography``
puts in the spaces the typography check asks for.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

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
NOT_DIGIT = re.compile(r"\D")

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


# Room for every name of a large inventory: ``re``'s own cache holds 512 patterns, fewer than
# a page of checks needs, so it would compile each name again on every view.
@lru_cache(maxsize=16_384)
def _name_pattern(name: str) -> re.Pattern[str]:
    """Where a cookie name is written: a prefix pattern whole (_pk_id.*) or as its prefix."""
    stem = name.removesuffix(".*")
    written = re.escape(stem) + (r"(?:\.\*)?" if stem != name else "")
    return re.compile(NAME_BEFORE + written + NAME_AFTER)


def _code_word(token: str) -> str | None:
    token = token.rstrip(".")
    # Markdown emphasis around a word is not part of it: _important_, *_ga*.
    while len(token) > 2 and token[0] == token[-1] and token[0] in "_*":
        token = token[1:-1]
    return token if "_" in token else None


@dataclass(frozen=True)
class Reading:
    """What the comparisons need from one text."""

    links: frozenset[str]
    names: frozenset[str]
    numbers: frozenset[str]
    # The text with links and code blanked out, for typography.
    prose: str


def read(text: str, entry_names: Sequence[str]) -> Reading:
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
        for match in _name_pattern(name).finditer(prose):
            names.add(match.group())
            name_spans.append(match.span())
    numbers = frozenset(
        NOT_DIGIT.sub("", match.group()) for match in NUMBER.finditer(_masked(prose, name_spans))
    )
    return Reading(links, frozenset(names), numbers, prose)


def final_mark(text: str) -> str:
    end = text.rstrip(CLOSING)
    if end.endswith("..."):
        return "…"
    return end[-1] if end and end[-1] in FINAL_MARKS else ""


def paragraph_count(text: str) -> int:
    return len([part for part in PARAGRAPH_BREAK.split(text.strip()) if part.strip()])


def typography_issues(prose: str) -> list[tuple[int, str]]:
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
    prose = read(text, ()).prose
    pieces, done = [], 0
    for i, where in typography_issues(prose):
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


def excerpt(text: str, position: int) -> str:
    start = max(0, position - EXCERPT_LENGTH)
    excerpt = text[start : position + 1].replace("\n", " ")
    return ("…" if start else "") + excerpt.lstrip()
