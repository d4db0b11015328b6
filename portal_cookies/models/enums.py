"""The domain's fixed values (DESIGN.md §2), stored as their string values."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    ADMIN = "admin"
    OPERATOR = "operator"
    TRANSLATOR = "translator"
    # Who may change the inventory, publish and roll back (values: members are not defined yet).
    EDITORS = enum.nonmember(frozenset({"admin", "operator"}))


class StorageKind(enum.StrEnum):
    HTTP_COOKIE = "http_cookie"
    LOCAL_STORAGE = "local_storage"
    SESSION_STORAGE = "session_storage"
    INDEXED_DB = "indexed_db"
    PIXEL = "pixel"


class Party(enum.StrEnum):
    FIRST = "first"
    THIRD = "third"


class Location(enum.StrEnum):
    FRONT_OFFICE = "front_office"
    BACK_OFFICE = "back_office"
    API = "api"


class DurationKind(enum.StrEnum):
    SESSION = "session"
    FIXED = "fixed"
    UNTIL_DELETED = "until_deleted"


class DurationUnit(enum.StrEnum):
    HOURS = "hours"
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"
    YEARS = "years"


class ConsentBasis(enum.StrEnum):
    CONSENT = "consent"
    EXEMPT = "exempt"


class ExemptionGround(enum.StrEnum):
    AUTHENTICATION = "authentication"
    SECURITY = "security"
    INTERFACE_LANGUAGE = "interface_language"
    CONSENT_STORAGE = "consent_storage"
    LOAD_BALANCING = "load_balancing"
    AUDIENCE_MEASUREMENT = "audience_measurement"


class DriftKind(enum.StrEnum):
    """What a drift report found: a cookie the inventory does not declare, an entry nothing
    set, a cookie kept longer than its entry says."""

    UNDECLARED = "undeclared"
    NEVER_OBSERVED = "never_observed"
    LONGER_LIFETIME = "longer_lifetime"


class TextKind(enum.StrEnum):
    ENTRY_FUNCTION = "entry_function"
    ENTRY_PURPOSE = "entry_purpose"
    CATEGORY_NAME = "category_name"
    CATEGORY_EXPLANATION = "category_explanation"
    PROVIDER_SAFEGUARD = "provider_safeguard"
    POLICY_TEXT = "policy_text"


class TextState(enum.StrEnum):
    DRAFT = "draft"
    TRANSLATED = "translated"
    APPROVED = "approved"


class TextOrigin(enum.StrEnum):
    PERSON = "person"
    MEMORY = "memory"
    IMPORT = "import"
