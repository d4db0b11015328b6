"""The check engine of DESIGN.md §3: one set of rules for the inventory, the translation view
and the publishing gate.

The checks read model objects as loaded and change nothing; only ``dismiss`` writes, recording
why a warning does not apply. A problem's message is in the interface language of the moment
it is made. Errors block publishing and a text's "ready"; warnings are shown, and can be
dismissed with a reason until what they looked at changes.

The modules, from the bottom: ``problems`` (what a check finds), ``reading`` (a text's links,
names and numbers, no database), ``text_checks``, ``entry_checks`` and ``portal_checks`` (the
rules), ``dismissals`` (the one writer), ``engine`` (what callers use, re-exported here) and
``results`` (each text's findings kept per language, for lists that filter and count in SQL).
"""

from .dismissals import MAX_REASON_LENGTH, dismiss_warning
from .engine import (
    by_severity,
    check_category,
    check_entries,
    check_entry,
    check_policy,
    check_translation,
    dismiss,
    errors,
    grouped,
    is_ready,
    problems_by_unit,
    warnings,
)
from .entry_checks import REVIEW_INTERVAL_MONTHS, duration_in_months, review_due_before
from .problems import Check, Problem, Severity
from .reading import fix_french_typography
from .results import refresh_results

__all__ = [
    "MAX_REASON_LENGTH",
    "REVIEW_INTERVAL_MONTHS",
    "Check",
    "Problem",
    "Severity",
    "by_severity",
    "check_category",
    "check_entries",
    "check_entry",
    "check_policy",
    "check_translation",
    "dismiss",
    "dismiss_warning",
    "duration_in_months",
    "errors",
    "fix_french_typography",
    "grouped",
    "is_ready",
    "problems_by_unit",
    "refresh_results",
    "review_due_before",
    "warnings",
]
