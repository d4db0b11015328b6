"""A catalogue's free-text retention ("13 months", "session", "forever") read as the
structured duration an inventory entry holds, or None when the text says none clearly.

What is read, and why:
- a number and a unit ("2 years", "30 Days", "1 year ", "2 year", "30 mins", "3w"); a trailing
  "after last activity", "by default, modifiable" or "from set/ update" changes nothing;
- minutes and seconds become hours, rounded up (an entry's shortest unit is the hour): a
  rounded-up duration never declares a cookie shorter than it lives;
- more than 999 days become years, rounded up past a few leap days ("3650 days", "3652 days":
  10 years), as an entry holds at most 1000 of a unit;
- a range ("3 months - 1 year", "Session to 30 days") gives its longer end, which is what a
  declaration must state;
- "session" and its variants (and typos such as "Seesion") are the browsing session;
  "forever", "unlimited", "permanent", "no expiration" are until deleted;
- anything else is None and the text is shown to confirm: "persistent" (not a session
  cookie, but for how long?), "unknown", "varies", alternatives ("... or ..."), conditions
  ("... if ...", "depending on ..."), open ends ("1 hour or longer"), a date, "0 days".
"""

import math
import re
from dataclasses import dataclass

from ..models import DurationKind, DurationUnit


@dataclass(frozen=True)
class Duration:
    kind: DurationKind
    value: int | None = None
    unit: DurationUnit | None = None

    def __str__(self) -> str:
        """The duration in a few plain words ("fixed 2 years"), as the command line shows it."""
        if self.kind == DurationKind.FIXED and self.unit is not None:
            unit = self.unit.value.removesuffix("s") if self.value == 1 else self.unit.value
            return f"fixed {self.value} {unit}"
        return self.kind.value.replace("_", " ")


SESSION = Duration(DurationKind.SESSION)
UNTIL_DELETED = Duration(DurationKind.UNTIL_DELETED)

_SESSION_TEXT = re.compile(r"(?:end of (?:the )?)?se+s+i*ons?(?: cookie)?(?: \(browser\))?")
_UNTIL_DELETED_TEXTS = {"forever", "unlimited", "permanent", "no expiration", "never expires"}
# Each unit's spellings, and the unit it is declared in with how many of those make one.
_UNITS: dict[str, tuple[DurationUnit, float]] = {}
for _spellings, _unit, _per in (
    (("second", "seconds", "sec", "secs", "s"), DurationUnit.HOURS, 3600),
    (("minute", "minutes", "min", "mins"), DurationUnit.HOURS, 60),
    (("hour", "hours", "hr", "hrs", "h"), DurationUnit.HOURS, 1),
    (("day", "days", "d"), DurationUnit.DAYS, 1),
    (("week", "weeks", "w"), DurationUnit.WEEKS, 1),
    (("month", "months"), DurationUnit.MONTHS, 1),
    (("year", "years", "yr", "yrs", "y"), DurationUnit.YEARS, 1),
):
    _UNITS.update(dict.fromkeys(_spellings, (_unit, _per)))
_AMOUNT = re.compile(
    r"(\d{1,6})\s*(" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r")"
    r"(?:\s+(?:after (?:the )?last activity|by default(?:, modifiable)?|from set/ ?update))?"
)
_RANGE = re.compile(r"(.+?)\s*(?:-|–|\bto\b|\btill\b|\buntil\b)\s*(.+)")
# Approximate lengths, only to tell which end of a range is the longer.
_HOURS_IN = {
    DurationUnit.HOURS: 1,
    DurationUnit.DAYS: 24,
    DurationUnit.WEEKS: 24 * 7,
    DurationUnit.MONTHS: 24 * 30.44,
    DurationUnit.YEARS: 24 * 365.25,
}
_MOST_DAYS = 999


def parse_retention(text: str) -> Duration | None:
    """The duration ``text`` states, or None when it states none clearly (see the module)."""
    words = " ".join(text.lower().split()).strip(" .")
    if not words:
        return None
    single = _parse_single(words)
    if single is not None:
        return single
    found = _RANGE.fullmatch(words)
    if found is None:
        return None
    ends = [_parse_single(end) for end in found.groups()]
    if None in ends or UNTIL_DELETED in ends:
        return None
    return max(ends, key=_length_in_hours)


def _parse_single(words: str) -> Duration | None:
    if _SESSION_TEXT.fullmatch(words):
        return SESSION
    if words in _UNTIL_DELETED_TEXTS:
        return UNTIL_DELETED
    found = _AMOUNT.fullmatch(words)
    if found is None:
        return None
    number, spelling = int(found.group(1)), found.group(2)
    unit, per = _UNITS[spelling]
    value = math.ceil(number / per)
    if value <= 0:
        return None
    if unit == DurationUnit.DAYS and value > _MOST_DAYS:
        years, extra_days = divmod(value, 365)
        leap_days = -(-years // 4)
        unit, value = DurationUnit.YEARS, years + (extra_days > leap_days)
    return Duration(DurationKind.FIXED, value, unit)


def _length_in_hours(duration: Duration | None) -> float:
    # Only a fixed duration has a length; the others (session) count as none.
    if duration is None or duration.value is None or duration.unit is None:
        return 0
    return duration.value * _HOURS_IN[duration.unit]
