"""What a check finds: a problem, with the check's stable id and its severity."""

import enum
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from ..models import CheckDismissal, text_hash


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
    # A name a pattern of the same or another active entry on its domain covers: the page
    # would declare one cookie twice, maybe with two purposes or durations.
    OVERLAPPING_NAMES = "entry.overlapping_names"
    AUDIENCE_OVER_13_MONTHS = "entry.audience_over_13_months"
    THIRD_PARTY_WITHOUT_PRIVACY_URL = "entry.third_party_without_privacy_url"
    # The same gap where visitors are asked to consent: they cannot consent knowingly.
    CONSENT_THIRD_PARTY_WITHOUT_PRIVACY_URL = "entry.consent_third_party_without_privacy_url"
    NOT_REVIEWED = "entry.not_reviewed"
    CONTROLLER_MISSING = "portal.controller_missing"
    CONTACT_MISSING = "portal.contact_missing"
    CONSENT_CENTRE_MISSING = "portal.consent_centre_missing"

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
    """One finding: about a unit in a language (text checks), an entry, or one of the portal's
    settings (``setting``: its name in ``PortalValues``).

    ``fingerprint`` hashes what the check read; a dismissal holds while it matches.
    """

    check: Check
    severity: Severity
    message: str
    language: str | None = None
    unit_id: int | None = None
    entry_id: int | None = None
    setting: str | None = None
    fingerprint: str = ""
    dismissal: CheckDismissal | None = None

    @property
    def dismissed(self) -> bool:
        return self.dismissal is not None

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR


def make_problem(check: Check, message: str, **where: Any) -> Problem:
    return Problem(check, check.severity, message, **where)


def fingerprint(*values: object) -> str:
    """A hash of what a check read: a dismissal holds while it stays the same."""
    return text_hash("\x1f".join("" if value is None else str(value) for value in values))
