"""The words people read for the domain's fixed values, in the interface language."""

import enum

from flask_babel import lazy_gettext as _l

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
