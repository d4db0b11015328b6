"""The domain of DESIGN.md §2: portal, people, inventory, texts, published versions, audit,
and the catalogue of known cookies.

One module per part of the domain, all re-exported here: callers write
``from portal_cookies.models import CookieEntry``.
"""

from .audit import AuditEvent
from .base import Model, UTCDateTime, enum_type, text_hash, utcnow
from .catalogue import KnownCookie
from .drift import DriftCheck, DriftFinding
from .enums import (
    ConsentBasis,
    DriftKind,
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
from .inventory import (
    Category,
    CheckDismissal,
    CookieEntry,
    CookieName,
    PendingImport,
    Provider,
)
from .people import (
    DEFAULT_COMPLAINT_URL,
    DEFAULT_TIME_ZONE,
    PASSWORD_METHOD,
    LoginSession,
    PortalSettings,
    User,
)
from .policy import DraftState, PolicyPage, PolicyText, PolicyVersion, compress_page, pick_note
from .texts import CurrentText, TextCheckResult, TextUnit, TextVersion

__all__ = [
    "DEFAULT_COMPLAINT_URL",
    "DEFAULT_TIME_ZONE",
    "PASSWORD_METHOD",
    "AuditEvent",
    "Category",
    "CheckDismissal",
    "ConsentBasis",
    "CookieEntry",
    "CookieName",
    "CurrentText",
    "DraftState",
    "DriftCheck",
    "DriftFinding",
    "DriftKind",
    "DurationKind",
    "DurationUnit",
    "ExemptionGround",
    "KnownCookie",
    "Location",
    "LoginSession",
    "Model",
    "Party",
    "PendingImport",
    "PolicyPage",
    "PolicyText",
    "PolicyVersion",
    "PortalSettings",
    "Provider",
    "Role",
    "StorageKind",
    "TextKind",
    "TextOrigin",
    "TextState",
    "TextCheckResult",
    "TextUnit",
    "TextVersion",
    "UTCDateTime",
    "User",
    "compress_page",
    "enum_type",
    "pick_note",
    "text_hash",
    "utcnow",
]
