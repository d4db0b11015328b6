"""The audit trail: every service that changes data records one event per change."""

from typing import Any

from .extensions import db
from .models import AuditEvent, User


def record_event(
    actor: User | None,
    action: str,
    obj: Any,
    *,
    label: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an event to the session; the calling service commits it with its change."""
    event = AuditEvent(
        actor=actor,
        action=action,
        object_type=type(obj).__name__,
        object_id=obj.id,
        object_label=label[:500],
        before=before,
        after=after,
    )
    db.session.add(event)
    return event
