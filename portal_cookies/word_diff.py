"""Word-level differences between two texts, for people to read."""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

# Words and single punctuation marks, each with the white space before it: a change of one word
# or one comma shows as just that, and a rewritten phrase as one run, not word by word.
_TOKEN = re.compile(r"\s*\w+|\s*[^\w\s]|\s+", re.UNICODE)


@dataclass(frozen=True)
class Segment:
    op: Literal["equal", "insert", "delete"]
    text: str


def word_diff(old: str, new: str) -> list[Segment]:
    """``old`` turned into ``new``, as equal, deleted and inserted runs of words."""
    old_tokens, new_tokens = _TOKEN.findall(old), _TOKEN.findall(new)
    matcher = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append(Segment("equal", "".join(old_tokens[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            segments.append(Segment("delete", "".join(old_tokens[i1:i2])))
        if tag in ("insert", "replace"):
            segments.append(Segment("insert", "".join(new_tokens[j1:j2])))
    return segments


def similarity(a: str, b: str) -> float:
    """How alike two texts are, from 0 to 1, word by word."""
    if a == b:
        return 1.0
    return SequenceMatcher(None, _TOKEN.findall(a), _TOKEN.findall(b), autojunk=False).ratio()
