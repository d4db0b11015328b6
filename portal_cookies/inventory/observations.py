"""What a browser was seen to store, whatever saw it: a HAR file, a cookies.txt file or the
scanner. The drift report compares these with the inventory."""

from dataclasses import dataclass
from datetime import datetime

from ..models import StorageKind


@dataclass(frozen=True)
class Observation:
    """One cookie or storage key, seen once.

    ``domain`` is the host the item belongs to (a cookie's Domain attribute without its
    leading dot, else the host of the response that set it or of the request that sent it;
    for web storage, the page's host). ``lifetime_seconds`` is what the response asked for
    (Max-Age, or Expires less the response's Date), None for a session cookie or when
    nothing said (a cookie only seen in a request, web storage).
    """

    name: str
    domain: str
    storage_kind: StorageKind
    # The page being visited when it was seen (a HAR entry's page, else the request's URL).
    page: str
    # How it was seen: "set-cookie" (a response header), "cookie" (a request header: cookies
    # set by scripts show only there), "cookies-txt", "browser" (the scanner read the browser's
    # cookie jar) or "storage" (the scanner read localStorage/sessionStorage).
    seen_in: str
    # The header line it was read from, when there was one.
    header: str | None = None
    lifetime_seconds: int | None = None
    seen_at: datetime | None = None
