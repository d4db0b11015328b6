"""Reading what a browser was seen to store from a file: a HAR 1.2 file exported from the
developer tools (``har``), or a Netscape ``cookies.txt`` file. Both yield Observations.

The files are read as a stream, a chunk at a time, so a 50 MB HAR file of 10,000 requests
takes no more memory than its largest entry. A malformed file raises ServiceError saying
where; the caller reads the whole file before it changes anything.
"""

import codecs
import math
import re
from collections.abc import Iterable, Iterator
from typing import IO, Any

from flask_babel import gettext as _

from ..models import StorageKind, utcnow
from ..service_errors import ServiceError
from .cookie_headers import HIDDEN_VALUE, MAX_LIFETIME_SECONDS
from .har import CHUNK_CHARS, WHITESPACE, har_observations
from .observations import Observation

MAX_LINE_CHARS = 1 << 20
COOKIES_TXT_FIELDS = 7
HTTP_ONLY_PREFIX = "#HttpOnly_"


def _text_chunks(stream: IO[Any]) -> Iterator[str]:
    """The stream's text, a chunk at a time: bytes are read as UTF-8 (a BOM is dropped)."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    while True:
        chunk = stream.read(CHUNK_CHARS)
        if isinstance(chunk, str):
            if not chunk:
                return
            yield chunk
            continue
        try:
            text = decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError:
            raise ServiceError(
                _("The file is not UTF-8 text: upload a HAR file or a cookies.txt file.")
            ) from None
        if text:
            yield text
        if not chunk:
            return


def read_observed_file(stream: IO[Any]) -> Iterator[Observation]:
    """Observations from a HAR file (it starts with "{") or else a cookies.txt file."""
    chunks = _text_chunks(stream)
    start = ""
    for chunk in chunks:
        start += chunk
        if start.strip(WHITESPACE):
            break
    if not start.strip(WHITESPACE):
        raise ServiceError(_("The file is empty."))
    text = _chained(start, chunks)
    if start.lstrip(WHITESPACE).startswith("{"):
        return har_observations(text)
    return _cookies_txt_observations(text)


def _chained(first: str, rest: Iterable[str]) -> Iterator[str]:
    yield first
    yield from rest


def read_har(stream: IO[Any]) -> Iterator[Observation]:
    return har_observations(_text_chunks(stream))


def read_cookies_txt(stream: IO[Any]) -> Iterator[Observation]:
    return _cookies_txt_observations(_text_chunks(stream))


# --- cookies.txt --------------------------------------------------------------------------


def _lines(chunks: Iterator[str]) -> Iterator[str]:
    pending = ""
    for chunk in chunks:
        pending += chunk
        *complete, pending = pending.split("\n")
        yield from complete
        if len(pending) > MAX_LINE_CHARS:
            raise ServiceError(_("The file has a line too long to be a cookies.txt line."))
    if pending:
        yield pending


def _cookies_txt_observations(chunks: Iterator[str]) -> Iterator[Observation]:
    """Netscape's format, as curl and the browser extensions write it: per line, tab-separated,
    domain, include-subdomains flag, path, secure flag, expiry (seconds since 1970, 0 for a
    session cookie), name and value; ``#HttpOnly_`` before the domain marks HttpOnly cookies.

    The file does not say when it was written, so a cookie's lifetime is what it had left when
    read: never more than the real one, so a "longer than declared" finding is certain.
    """
    now = utcnow().timestamp()
    for number, line in enumerate(_lines(chunks), start=1):
        line = line.rstrip("\r")
        if line.startswith(HTTP_ONLY_PREFIX):
            line = line[len(HTTP_ONLY_PREFIX) :]
        elif not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) == COOKIES_TXT_FIELDS - 1:
            fields.append("")  # some tools leave out an empty value's tab
        if len(fields) != COOKIES_TXT_FIELDS:
            raise ServiceError(
                _(
                    "Line %(number)s is not a cookies.txt line: it has %(count)s tab-separated "
                    "fields where 7 are expected (domain, subdomains, path, secure, expiry, "
                    "name, value). Upload a HAR file or a cookies.txt file.",
                    number=number,
                    count=len(fields),
                )
            )
        domain, _subdomains, _path, _secure, expiry, name, _value = fields
        domain = domain.strip().lstrip(".").lower()
        if not domain or not name.strip():
            raise ServiceError(
                _(
                    "Line %(number)s of the cookies.txt file has no domain or no name.",
                    number=number,
                )
            )
        if not re.fullmatch(r"\d+", expiry.strip()):
            raise ServiceError(
                _(
                    "Line %(number)s of the cookies.txt file: its expiry “%(expiry)s” is not a "
                    "number of seconds since 1970.",
                    number=number,
                    expiry=expiry[:40],
                )
            )
        expires = int(expiry)
        left = math.floor(expires - now) if expires else None
        yield Observation(
            name=name.strip(),
            domain=domain,
            storage_kind=StorageKind.HTTP_COOKIE,
            page="",
            seen_in="cookies-txt",
            header="\t".join([*fields[:6], HIDDEN_VALUE]),
            # An expired cookie was there, for how long is not known.
            lifetime_seconds=min(left, MAX_LIFETIME_SECONDS) if left and left > 0 else None,
        )
