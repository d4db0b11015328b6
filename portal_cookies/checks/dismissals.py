"""Dismissals: why a warning does not apply, kept until what it checked changes.

The only part of the engine that writes.
"""

from dataclasses import replace

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from ..audit import record_event
from ..extensions import db
from ..models import CheckDismissal, User
from ..service_errors import ServiceError
from ..values import clean_text
from .problems import Problem, Severity

MAX_REASON_LENGTH = 1000


def _key(problem: Problem | CheckDismissal) -> tuple[object, ...]:
    # A text check is about a unit in a language, an entry check about an entry.
    entry_id = None if problem.unit_id is not None else problem.entry_id
    return (problem.check, problem.unit_id, problem.language, entry_id, problem.fingerprint)


def with_dismissals(problems: list[Problem], *, all_dismissals: bool = False) -> list[Problem]:
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
    reason = clean_text(
        reason, "reason", MAX_REASON_LENGTH, _("Say why this warning does not apply.")
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
