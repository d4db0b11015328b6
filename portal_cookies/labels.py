"""The words people read for the domain's fixed values and fields, in the interface language."""

import enum
import re
from datetime import date
from typing import Any

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .i18n import date_text, duration_text, language_name
from .models import (
    ConsentBasis,
    DurationKind,
    DurationUnit,
    ExemptionGround,
    Location,
    Party,
    Role,
    StorageKind,
    TextKind,
    TextOrigin,
    TextState,
)

LABELS: dict[enum.Enum, object] = {
    Role.ADMIN: _l("administrator"),
    Role.OPERATOR: _l("operator"),
    Role.TRANSLATOR: _l("translator"),
    StorageKind.HTTP_COOKIE: _l("HTTP cookie"),
    StorageKind.LOCAL_STORAGE: _l("localStorage"),
    StorageKind.SESSION_STORAGE: _l("sessionStorage"),
    StorageKind.INDEXED_DB: _l("IndexedDB"),
    StorageKind.PIXEL: _l("Pixel"),
    Party.FIRST: _l("First party"),
    Party.THIRD: _l("Third party"),
    Location.FRONT_OFFICE: _l("front office"),
    Location.BACK_OFFICE: _l("back office"),
    Location.API: _l("API"),
    DurationKind.SESSION: _l("Session"),
    DurationKind.FIXED: _l("A fixed time"),
    DurationKind.UNTIL_DELETED: _l("Until deleted"),
    DurationUnit.HOURS: _l("hours"),
    DurationUnit.DAYS: _l("days"),
    DurationUnit.WEEKS: _l("weeks"),
    DurationUnit.MONTHS: _l("months"),
    DurationUnit.YEARS: _l("years"),
    ConsentBasis.CONSENT: _l("Consent required"),
    ConsentBasis.EXEMPT: _l("Exempt from consent"),
    ExemptionGround.AUTHENTICATION: _l("Authentication"),
    ExemptionGround.SECURITY: _l("Security"),
    ExemptionGround.INTERFACE_LANGUAGE: _l("User-interface language"),
    ExemptionGround.CONSENT_STORAGE: _l("Storing consent choices"),
    ExemptionGround.LOAD_BALANCING: _l("Load balancing"),
    ExemptionGround.AUDIENCE_MEASUREMENT: _l("Audience measurement under the CNIL conditions"),
    TextKind.POLICY_TEXT: _l("Policy page text"),
    TextKind.CATEGORY_NAME: _l("Category name"),
    TextKind.CATEGORY_EXPLANATION: _l("Category explanation"),
    TextKind.PROVIDER_SAFEGUARD: _l("Provider safeguard"),
    TextKind.ENTRY_FUNCTION: _l("Cookie function"),
    TextKind.ENTRY_PURPOSE: _l("Cookie purpose"),
    TextOrigin.PERSON: _l("written by a person"),
    TextOrigin.MEMORY: _l("from translation memory"),
    TextOrigin.IMPORT: _l("imported"),
    TextState.DRAFT: _l("draft"),
    TextState.TRANSLATED: _l("translated"),
    TextState.APPROVED: _l("approved"),
}


def label_of(value: enum.Enum | str | None) -> str:
    """The translated label of an enum member (or of its stored string value)."""
    if value is None:
        return ""
    if not isinstance(value, enum.Enum):
        for member in LABELS:
            if member.value == value:
                return str(LABELS[member])
        return str(value)
    return str(LABELS.get(value, value.value))


def choices_for(enum_class: type[enum.Enum]) -> list[tuple[str, str]]:
    """Choices for a select or radio field, in the enum's order."""
    return [(member.value, label_of(member)) for member in enum_class]


# Every field of an entry, a category, a provider and the portal's settings, as a sentence
# names it ("_ga: duration changed."): the publishing diff, the public change log, the audit
# history and the forms all read it here.
FIELD_LABELS = {
    "category": _l("category"),
    "names": _l("cookie names"),
    "provider": _l("provider"),
    "storage_kind": _l("storage"),
    "party": _l("party"),
    "domain": _l("domain"),
    "locations": _l("location"),
    "duration": _l("duration"),
    "duration_kind": _l("duration"),
    "duration_value": _l("duration value"),
    "duration_unit": _l("duration unit"),
    "consent_basis": _l("consent basis"),
    "exemption_ground": _l("exemption ground"),
    "function": _l("function"),
    "purpose": _l("purpose"),
    "visible": _l("shown on the policy"),
    "notes": _l("internal notes"),
    "last_reviewed_on": _l("last reviewed on"),
    "reviewed_on": _l("cookie list last reviewed on"),
    "archived": _l("archived"),
    "slug": _l("slug"),
    "position": _l("position on the page"),
    "consent_required_default": _l("consent required by default"),
    "name": _l("name"),
    "explanation": _l("explanation"),
    "website": _l("website"),
    "privacy_policy_url": _l("privacy policy"),
    "country": _l("country"),
    "safeguard": _l("safeguard"),
    "base_url": _l("portal address"),
    "source_language": _l("source language"),
    "languages": _l("languages"),
    "contact_email": _l("contact e-mail"),
    "consent_centre_url": _l("consent centre"),
    "enabled_languages": _l("languages"),
    "controller_name": _l("controller"),
    "controller_address": _l("controller's postal address"),
    "dpo_email": _l("data protection officer's e-mail"),
    "complaint_url": _l("supervisory authority's complaint page"),
    "time_zone": _l("time zone"),
    "review_required": _l("translation review required"),
    # The policy page's sections.
    "key": _l("key"),
    "title": _l("title"),
    "text": _l("text"),
    "after_tables": _l("after the cookie tables"),
    # Texts and their translations.
    "language": _l("language"),
    "state": _l("state"),
    "origin": _l("origin"),
    # Accounts.
    "email": _l("e-mail"),
    "role": _l("role"),
    "active": _l("active"),
    "locale": _l("interface language"),
    "must_change_password": _l("must change the password"),
    # Published versions and dismissed warnings.
    "number": _l("version"),
    "note": _l("note"),
    "content_hash": _l("content fingerprint"),
    "requires_renewed_consent": _l("asks for consent again"),
    "renewal_reasons": _l("why consent is asked again"),
    "renewal_override_reason": _l("why the renewal was overridden"),
    "rolled_back_from": _l("restores version"),
    "change_size": _l("size of the change"),
    "message": _l("warning"),
    "reason": _l("reason"),
}
# The fields whose values are an enum's: shown by their label.
ENUM_FIELDS = frozenset(
    {
        "storage_kind",
        "party",
        "locations",
        "duration_kind",
        "duration_unit",
        "consent_basis",
        "exemption_ground",
        "role",
        "state",
        "origin",
    }
)
# The fields whose values are language codes: shown by the language's name.
LANGUAGE_FIELDS = frozenset(
    {"language", "languages", "enabled_languages", "source_language", "locale"}
)
# The fields whose values are days (kept as "2026-12-01" in the audit trail): shown in words.
DATE_FIELDS = frozenset({"last_reviewed_on"})


def field_label(name: str, *, capitalized: bool = False) -> str:
    """A field's name for people, in the interface language; ``capitalized`` to head a row
    or label a form field. A field without a label reads as its name in words, so a record
    that names a new field still reads well."""
    label = str(FIELD_LABELS.get(name, name.replace("_", " ")))
    return label[:1].upper() + label[1:] if capitalized else label


def form_label(name: str) -> LazyString:
    """A field's label for a form class: read in the language of each request."""
    return LazyString(field_label, name, capitalized=True)


def describe_value(name: str, value: Any, language: str | None = None) -> str:
    """A field's value in words, for showing before and after a change."""
    if value is None or value == "" or value == []:
        return "—"
    if name == "duration":
        return duration_text(value, language)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(_describe_item(name, item) for item in value)
    if isinstance(value, dict):
        return "; ".join(
            f"{field_label(key)}: {describe_value(key, item, language)}"
            for key, item in value.items()
        )
    return _describe_item(name, value)


def _describe_item(name: str, value: Any) -> str:
    if name in ENUM_FIELDS:
        return label_of(value)
    if name in LANGUAGE_FIELDS:
        return language_name(str(value))
    if name in DATE_FIELDS:
        return _day_text(value)
    return str(value)


def _day_text(value: date | str) -> str:
    if isinstance(value, date):
        return date_text(value)
    try:
        return date_text(date.fromisoformat(value))
    except ValueError:
        return value


# What an audit event did, as its history reads ("Created", "Role changed"): the entry page's
# history and the audit log. Every action a service records is here; one that is not reads as
# its name in words.
ACTION_LABELS = {
    "create": _l("Created"),
    "update": _l("Changed"),
    "delete": _l("Deleted"),
    "move": _l("Moved"),
    "archive": _l("Archived"),
    "restore": _l("Restored"),
    "review": _l("Marked as reviewed"),
    "translate": _l("Text saved"),
    "confirm": _l("Confirmed still correct"),
    "approve": _l("Approved"),
    "revert": _l("Earlier text made current"),
    "import": _l("Imported"),
    "dismiss": _l("Warning dismissed"),
    "publish": _l("Published"),
    "rollback": _l("Rolled back"),
    "change_password": _l("Password changed"),
    "set_locale": _l("Interface language chosen"),
    "change_role": _l("Role changed"),
    "deactivate": _l("Deactivated"),
    "reactivate": _l("Reactivated"),
    "reset_password": _l("Password reset"),
}

# The kinds of object audit events are about (``AuditEvent.object_type``, a model's name).
KIND_LABELS = {
    "CookieEntry": _l("Cookie entry"),
    "Category": _l("Category"),
    "Provider": _l("Provider"),
    "TextUnit": _l("Text"),
    "PolicyText": _l("Policy section"),
    "PolicyVersion": _l("Published version"),
    "PortalSettings": _l("Portal settings"),
    "User": _l("Account"),
    "CheckDismissal": _l("Dismissed warning"),
}


def action_label(action: str) -> str:
    """An audit event's action in words."""
    label = str(ACTION_LABELS.get(action, action.replace("_", " ")))
    return label[:1].upper() + label[1:]


def kind_label(object_type: str) -> str:
    """The kind of object an audit event is about, in words."""
    if object_type in KIND_LABELS:
        return str(KIND_LABELS[object_type])
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", object_type).lower()
    return words[:1].upper() + words[1:]
