"""The audit trail: every service that changes data records one event per change; the entry
page's history and the audit log read the events back in words."""

from dataclasses import dataclass
from typing import Any

from .extensions import db
from .labels import describe_value, field_label
from .models import AuditEvent, User

# Past this many characters a value is a text to read in full, in a block of its own.
LONG_VALUE = 80
# The recorded values that are texts of the policy, per kind of object: a translation's is in
# the language its event names, the others are source texts.
TEXT_FIELDS = {
    "TextUnit": frozenset({"text"}),
    "PolicyText": frozenset({"title", "text"}),
    "Category": frozenset({"name", "explanation"}),
    "Provider": frozenset({"safeguard"}),
    "CookieEntry": frozenset({"function", "purpose"}),
}


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
    """One value an event recorded, in words: the field, its value before and after, and the
    language of a text's values (None for values that are not texts)."""

    field: str
    before: str
    after: str
    language: str | None = None

    @property
    def is_long(self) -> bool:
        return any(len(value) > LONG_VALUE or "\n" in value for value in (self.before, self.after))


def changes_of(event: AuditEvent, source_language: str | None = None) -> list[ValueChange]:
    """The values an event recorded, in words, in the order it recorded them: a creation has
    only values after, a deletion only values before. A value that reads the same before and
    after (the language of a translated text, a field left empty) is context, not a change,
    and is left out; so are the ids of other rows, which say nothing to people.

    Source texts are said to be in ``source_language``, the portal's."""
    before, after = event.before or {}, event.after or {}
    keys = [*after, *(key for key in before if key not in after)]
    text_fields = TEXT_FIELDS.get(event.object_type, frozenset())
    text_language = (after or before).get("language", source_language)
    changes = (
        ValueChange(
            field_label(key, capitalized=True),
            describe_value(key, before.get(key)),
            describe_value(key, after.get(key)),
            text_language if key in text_fields else None,
        )
        for key in keys
        if not key.endswith("_id")
    )
    return [change for change in changes if change.before != change.after]
