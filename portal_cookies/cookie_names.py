"""Which cookie names a declaration covers: the one rule for the entry form, the check engine
and whatever compares the inventory with what a browser really saw.

A declared name is exact (``_ga``) or a prefix pattern (``_pk_id.*``): everything before the
final ``.*`` is the prefix, and the pattern stands for every name that starts with it, as the
entry form and the published page say (``.*`` reads as in a regular expression: any rest).
Names are compared as browsers do, case and all.
"""

from collections.abc import Iterable

PREFIX_PATTERN_END = ".*"


def is_pattern(name: str) -> bool:
    return name.endswith(PREFIX_PATTERN_END)


def stem(name: str) -> str:
    """What every name a declaration stands for starts with: the prefix of a pattern, or an
    exact name itself."""
    return name.removesuffix(PREFIX_PATTERN_END) if is_pattern(name) else name


def covers(pattern: str, name: str) -> bool:
    """Whether the prefix pattern ``pattern`` stands for ``name`` (an observed name, an exact
    declaration or a narrower pattern); a name does not cover itself."""
    return is_pattern(pattern) and name != pattern and stem(name).startswith(stem(pattern))


def overlapping(names: Iterable[str], others: Iterable[str]) -> list[tuple[str, str]]:
    """(covering pattern, covered name) for each name of either list that a pattern of the
    other covers, in the order of ``names``; each pair once, so a list may be compared with
    itself. Identical names are duplicates, not overlaps, and are left to the caller."""
    others = list(others)
    found: dict[tuple[str, str], None] = {}
    for name in names:
        for other in others:
            if covers(name, other):
                found[name, other] = None
            elif covers(other, name):
                found[other, name] = None
    return list(found)


def domain_key(domain: str | None) -> str:
    """A domain as browsers match it: case and a leading dot make no difference; empty means
    the portal's own host."""
    return (domain or "").strip().lower().lstrip(".")
