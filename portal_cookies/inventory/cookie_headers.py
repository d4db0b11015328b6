"""Reading cookie headers as browsers do (RFC 6265 §5.2): a ``Set-Cookie`` header's name and
lifetime, a ``Cookie`` header's names, and both shown with their values hidden."""

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from ..models import utcnow

# A header kept as "where it was seen" is cut past this.
MAX_HEADER_CHARS = 1000
# Lifetimes are stored as seconds; Max-Age=99999999999 means "for ever" as much as this does.
MAX_LIFETIME_SECONDS = 2**40
HIDDEN_VALUE = "…"


@dataclass(frozen=True)
class SetCookie:
    """What a ``Set-Cookie`` header asks a browser to keep (RFC 6265 §5.2)."""

    name: str
    domain: str | None
    max_age: int | None
    expires: datetime | None

    def lifetime(self, reference: datetime | None) -> int | None:
        """Seconds the browser keeps it: Max-Age, else Expires less the response's date;
        None for a session cookie. Zero or less deletes the cookie."""
        if self.max_age is not None:
            return min(self.max_age, MAX_LIFETIME_SECONDS)
        if self.expires is None:
            return None
        if reference is None:
            reference = utcnow()
        seconds = math.floor((self.expires - reference).total_seconds())
        return min(seconds, MAX_LIFETIME_SECONDS)


def cookie_date(text: str) -> datetime | None:
    """An HTTP date ("Wed, 21 Oct 2026 07:28:00 GMT", or the "21-Oct-2026" cookies often
    use), in UTC; None when it cannot be read, which RFC 6265 says to ignore."""
    for candidate in (text, text.replace("-", " ")):
        try:
            moment = parsedate_to_datetime(candidate.strip())
        except (TypeError, ValueError, IndexError):
            continue
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    return None


def parse_set_cookie(line: str) -> SetCookie | None:
    """A Set-Cookie header's name and lifetime attributes; None for a nameless cookie, which
    no entry can declare. Attribute names are case-insensitive, the last one given wins."""
    pair, *attributes = line.split(";")
    name, equals, _value = pair.partition("=")
    name = name.strip()
    if not equals or not name:
        return None
    domain = max_age = expires = None
    for attribute in attributes:
        key, _equals, value = attribute.partition("=")
        key, value = key.strip().lower(), value.strip()
        if key == "max-age" and re.fullmatch(r"-?\d+", value):
            max_age = int(value)
        elif key == "expires":
            expires = cookie_date(value)
        elif key == "domain":
            domain = value.lstrip(".").lower() or None
    return SetCookie(name=name, domain=domain, max_age=max_age, expires=expires)


def _shortened(text: str) -> str:
    return text if len(text) <= MAX_HEADER_CHARS else text[:MAX_HEADER_CHARS] + HIDDEN_VALUE


# HAR files carry the session cookies of whoever recorded them, and the report is stored and
# shown to every editor: the headers kept as "where it was seen" have their values hidden.


def set_cookie_shown(line: str) -> str:
    """``sid=abc; Path=/; Max-Age=60`` as ``sid=…; Path=/; Max-Age=60``."""
    pair, *attributes = line.split(";")
    name = pair.partition("=")[0].strip()
    return _shortened("; ".join([f"{name}={HIDDEN_VALUE}", *(a.strip() for a in attributes)]))


def cookie_header_shown(header: str) -> str:
    """``a=1; b=2`` as ``a=…; b=…``."""
    return _shortened("; ".join(f"{name}={HIDDEN_VALUE}" for name in cookie_header_names(header)))


def cookie_header_names(header: str) -> list[str]:
    """The names a request's ``Cookie`` header sends: ``a=1; b=2``."""
    names = []
    for pair in header.split(";"):
        name, equals, _value = pair.partition("=")
        if equals and name.strip():
            names.append(name.strip())
    return names
