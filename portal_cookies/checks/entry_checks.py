"""The checks of a cookie entry: its own values, then its texts in every language."""

import calendar
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from ..cookie_names import domain_key, is_pattern, overlapping, stem
from ..i18n import date_text, format_duration, portal_today
from ..models import (
    ConsentBasis,
    CookieEntry,
    DurationKind,
    DurationUnit,
    ExemptionGround,
    Party,
)
from ..service_errors import ServiceError
from ..values import validate_cookie_name
from .problems import Check, Problem, fingerprint, make_problem
from .text_checks import translation_problems

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
# An entry not checked against the portal for this long is due for review: the check's
# warning, the inventory's filter and the dashboard's count.
REVIEW_INTERVAL_MONTHS = 12


@dataclass(frozen=True)
class Declaration:
    """A name an active entry declares, as the overlap check compares it with the others."""

    entry_id: int
    entry_label: str
    provider: str
    name: str


# The active entries' names by domain (``cookie_names.domain_key``).
Declarations = Mapping[str, Sequence[Declaration]]


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


def _months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier, or that month's last day if it is shorter."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_due_before(today: date) -> date:
    """An entry last reviewed before this day (or never) is due for review."""
    return _months_before(today, REVIEW_INTERVAL_MONTHS)


def _entry_checks(entry: CookieEntry) -> list[Problem]:
    """The checks of an entry's own values (its texts aside)."""
    found = []

    def add(check: Check, message: str, *values: object) -> None:
        found.append(
            make_problem(check, message, entry_id=entry.id, fingerprint=fingerprint(*values))
        )

    months = duration_in_months(entry)
    if months is None:
        add(Check.DURATION_MISSING, _("The duration is missing: say how long it is kept."))
    if not entry.names:
        add(Check.INVALID_NAME, _("The entry has no cookie name."))
    for name in entry.name_list:
        try:
            validate_cookie_name(name)
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
        if entry.consent_basis == ConsentBasis.CONSENT:
            add(
                Check.CONSENT_THIRD_PARTY_WITHOUT_PRIVACY_URL,
                _(
                    "Visitors are asked to consent to this cookie of the third party "
                    "%(provider)s, which has no privacy-policy URL: add it to the provider, so "
                    "that they know what they consent to.",
                    provider=entry.provider.name,
                ),
            )
        else:
            add(
                Check.THIRD_PARTY_WITHOUT_PRIVACY_URL,
                _(
                    "The third party %(provider)s has no privacy-policy URL: add it to the "
                    "provider.",
                    provider=entry.provider.name,
                ),
                entry.party,
                entry.provider_id,
            )
    reviewed = entry.last_reviewed_on
    if reviewed is None:
        add(
            Check.NOT_REVIEWED,
            _("This entry has never been reviewed: check it and mark it as reviewed."),
            None,
        )
    elif reviewed < review_due_before(portal_today()):
        add(
            Check.NOT_REVIEWED,
            _(
                "This entry was last reviewed on %(date)s, more than %(months)s months ago.",
                date=date_text(reviewed),
                months=REVIEW_INTERVAL_MONTHS,
            ),
            reviewed.isoformat(),
        )
    return found


def _overlap_problems(entry: CookieEntry, declared: Declarations) -> list[Problem]:
    """A name of the entry that one of its own patterns covers, or that a pattern of another
    active entry on its domain covers or covers in turn (exact duplicates are refused when
    saved and are not looked for here)."""
    if entry.archived:
        return []
    names = entry.name_list
    found = [
        make_problem(
            Check.OVERLAPPING_NAMES,
            _(
                "“%(pattern)s” already stands for “%(covered)s” in this entry: keep only one "
                "of them.",
                pattern=pattern,
                covered=covered,
            ),
            entry_id=entry.id,
            fingerprint=fingerprint(pattern, covered),
        )
        for pattern, covered in overlapping(names, names)
    ]
    # Only a pattern covers: an exact name of another entry that none of this entry's
    # patterns starts is skipped at once (most of thousands of names, for most entries).
    stems = tuple(stem(name) for name in names if is_pattern(name))
    for other in declared.get(domain_key(entry.domain), ()):
        if other.entry_id == entry.id:
            continue
        if not is_pattern(other.name) and not (stems and other.name.startswith(stems)):
            continue
        for pattern, covered in overlapping(names, [other.name]):
            message = (
                _(
                    "“%(covered)s” is already covered by “%(pattern)s” of the entry "
                    "“%(entry)s” (%(provider)s) on the same domain: the policy would declare "
                    "it twice.",
                    covered=covered,
                    pattern=pattern,
                    entry=other.entry_label,
                    provider=other.provider,
                )
                if pattern == other.name
                else _(
                    "“%(pattern)s” covers “%(covered)s” of the entry “%(entry)s” "
                    "(%(provider)s) on the same domain: the policy would declare it twice.",
                    covered=covered,
                    pattern=pattern,
                    entry=other.entry_label,
                    provider=other.provider,
                )
            )
            found.append(
                make_problem(
                    Check.OVERLAPPING_NAMES,
                    message,
                    entry_id=entry.id,
                    fingerprint=fingerprint(pattern, covered, other.entry_id),
                )
            )
    return found


def entry_problems(
    entry: CookieEntry, languages: Sequence[str], declared: Declarations
) -> list[Problem]:
    """An entry's problems: its own values, its names against the other active entries'
    (``declared``), then its texts in ``languages``."""
    found = _entry_checks(entry) + _overlap_problems(entry, declared)
    for unit in entry.text_units.values():
        for language in languages:
            if language != unit.source_language:
                found += translation_problems(unit, language, entry)
    return found
