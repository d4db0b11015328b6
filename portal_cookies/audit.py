"""The audit trail: every service that changes data records one event per change; the entry
page's history and the audit log read the events back in words."""

from dataclasses import dataclass
from typing import Any

from .extensions import db
from .labels import describe_value, field_label
from .models import AuditEvent, User

# Past this many characters a value is a text to read in full, in a block of its own.
LONG_VALUE = 80


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


@dataclass(frozen=True)
class ValueChange:
    """One value an event recorded, in words: the field, and its value before and after."""

    field: str
    before: str
    after: str

    @property
    def is_long(self) -> bool:
        return any(len(value) > LONG_VALUE or "\n" in value for value in (self.before, self.after))


def changes_of(event: AuditEvent) -> list[ValueChange]:
    """The values an event recorded, in words, in the order it recorded them: a creation has
    only values after, a deletion only values before. A value that reads the same before and
    after (the language of a translated text, a field left empty) is context, not a change,
    and is left out; so are the ids of other rows, which say nothing to people."""
    before, after = event.before or {}, event.after or {}
    keys = [*after, *(key for key in before if key not in after)]
    changes = (
        ValueChange(
            field_label(key, capitalized=True),
            describe_value(key, before.get(key)),
            describe_value(key, after.get(key)),
        )
        for key in keys
        if not key.endswith("_id")
    )
    return [change for change in changes if change.before != change.after]
