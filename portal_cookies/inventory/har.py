"""Reading a HAR 1.2 file (exported from a browser's developer tools) as a stream: every cookie
each request sent and each response set, entry by entry.

No JSON parser of the standard library reads a stream; ``json.JSONDecoder.raw_decode`` over a
sliding buffer walks the file's structure and reads one entry at a time in a few lines, where
a streaming parser would be one more dependency. Memory holds the entry being read, never the
file.
"""

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from flask_babel import gettext as _

from ..models import StorageKind
from ..service_errors import ServiceError
from .cookie_headers import (
    SetCookie,
    cookie_date,
    cookie_header_names,
    cookie_header_shown,
    parse_set_cookie,
    set_cookie_shown,
)
from .observations import Observation

CHUNK_CHARS = 1 << 16
# A HAR entry may carry a response body; past this, the file is refused rather than held.
MAX_VALUE_CHARS = 64 << 20
WHITESPACE = " \t\r\n"


class _JsonStream:
    """JSON read from a stream of text a value at a time, to walk a HAR file's structure
    without holding it: the buffer keeps only what is not read yet."""

    def __init__(self, chunks: Iterator[str]):
        self._chunks = chunks
        self._buffer = ""
        self._pos = 0
        self._ended = False
        self._decoder = json.JSONDecoder()
        # Which entry is being read, for the messages.
        self.where = ""

    def _fill(self, at_least: int = CHUNK_CHARS) -> bool:
        """Read ``at_least`` more characters, or up to the end; False when none were left."""
        # What was read is dropped: the buffer holds only the value being read and the next.
        self._buffer = self._buffer[self._pos :]
        self._pos = 0
        read: list[str] = []
        count = 0
        while not self._ended and count < at_least:
            chunk = next(self._chunks, None)
            if chunk is None:
                self._ended = True
            else:
                read.append(chunk)
                count += len(chunk)
        self._buffer = "".join([self._buffer, *read])
        return count > 0

    def peek(self) -> str:
        """The next character that is not whitespace, "" at the end of the file."""
        while True:
            while self._pos < len(self._buffer) and self._buffer[self._pos] in WHITESPACE:
                self._pos += 1
            if self._pos < len(self._buffer):
                return self._buffer[self._pos]
            if not self._fill():
                return ""

    def expect(self, char: str) -> None:
        found = self.peek()
        if found != char:
            raise self._error(
                _("the file ends too early") if not found else _("“%(char)s” expected", char=char)
            )
        self._pos += 1

    def value(self) -> Any:
        """The next whole value, read as far into the file as it goes."""
        self.peek()
        while True:
            try:
                value, end = self._decoder.raw_decode(self._buffer, self._pos)
            except json.JSONDecodeError as error:
                cut = error.msg.startswith("Unterminated") or error.pos >= len(self._buffer) - 1
                if self._more_for_value():
                    continue
                raise self._error(
                    _("the file ends too early")
                    if cut
                    else _("not valid JSON (%(problem)s)", problem=error.msg)
                ) from None
            # A number may go on in the next chunk; an object or a string cannot.
            if end < len(self._buffer) or self._ended:
                self._pos = end
                return value
            self._more_for_value()

    def _more_for_value(self) -> bool:
        pending = len(self._buffer) - self._pos
        if pending > MAX_VALUE_CHARS:
            raise ServiceError(
                _(
                    "The HAR file is refused: %(where)s is larger than %(size)s MB.",
                    where=self.where or _("its start"),
                    size=MAX_VALUE_CHARS >> 20,
                )
            )
        # Doubling what is read keeps re-reading an unfinished value linear in its size.
        return self._fill(max(CHUNK_CHARS, pending))

    def members(self) -> Iterator[str]:
        """An object's keys; the caller reads each one's value before asking for the next."""
        self.expect("{")
        if self.peek() == "}":
            self._pos += 1
            return
        while True:
            key = self.value()
            if not isinstance(key, str):
                raise self._error(_("a name in quotes expected"))
            self.expect(":")
            yield key
            if self.peek() == "}":
                self._pos += 1
                return
            self.expect(",")

    def items(self) -> Iterator[int]:
        """An array's positions; the caller reads each item before asking for the next."""
        self.expect("[")
        if self.peek() == "]":
            self._pos += 1
            return
        index = 0
        while True:
            yield index
            index += 1
            if self.peek() == "]":
                self._pos += 1
                return
            self.expect(",")

    def _error(self, problem: str) -> ServiceError:
        return ServiceError(
            _(
                "The HAR file cannot be read: %(problem)s, in %(where)s. Export it again from "
                "the browser's developer tools.",
                problem=problem,
                where=self.where or _("its start"),
            )
        )


def _not_har(reason: str) -> ServiceError:
    return ServiceError(_("This is not a HAR file: %(reason)s.", reason=reason))


def har_observations(chunks: Iterator[str]) -> Iterator[Observation]:
    """Every cookie each request sent and each response set, entry by entry."""
    reader = _JsonStream(chunks)
    if reader.peek() != "{":
        raise _not_har(_("it does not start with “{”"))
    found_entries = False
    for key in reader.members():
        if key != "log":
            reader.value()
            continue
        if reader.peek() != "{":
            raise _not_har(_("its “log” is not an object"))
        for log_key in reader.members():
            if log_key != "entries":
                reader.value()
                continue
            if reader.peek() != "[":
                raise _not_har(_("its “log.entries” is not a list"))
            found_entries = True
            # The first request of each page is the page's own address.
            pages: dict[str, str] = {}
            for index in reader.items():
                reader.where = _("entry %(number)s", number=index + 1)
                entry = reader.value()
                yield from _entry_observations(entry, reader.where, pages)
            reader.where = ""
    if reader.peek():
        raise reader._error(_("more data after the end"))
    if not found_entries:
        raise _not_har(_("it has no “log.entries”"))


def _object(value: Any, where: str, what: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _not_har(_("%(what)s of %(where)s is not an object", what=what, where=where))
    return value


def _list(value: Any, where: str, what: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _not_har(_("%(what)s of %(where)s is not a list", what=what, where=where))
    return value


def _headers(message: dict[str, Any], name: str, where: str, what: str) -> list[str]:
    values = []
    for header in _list(message.get("headers"), where, f"{what}.headers"):
        header = _object(header, where, f"{what}.headers")
        if str(header.get("name", "")).lower() == name and isinstance(header.get("value"), str):
            values.append(header["value"])
    return values


def _har_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _entry_observations(entry: Any, where: str, pages: dict[str, str]) -> Iterator[Observation]:
    entry = _object(entry, where, "entry")
    request = _object(entry.get("request"), where, "request")
    url = request.get("url")
    if not isinstance(url, str) or not url:
        raise _not_har(_("%(where)s has no request address (request.url)", where=where))
    host = _host(url)
    pageref = entry.get("pageref")
    page = pages.setdefault(pageref, url) if isinstance(pageref, str) else url
    started = _har_time(entry.get("startedDateTime"))
    response = _object(entry.get("response"), where, "response")
    dates = [cookie_date(value) for value in _headers(response, "date", where, "response")]
    reference = next((date for date in dates if date), None) or started

    def observed(name: str, domain: str | None, seen_in: str, header: str | None, **more):
        return Observation(
            name=name,
            domain=(domain or host).lstrip(".").lower(),
            storage_kind=StorageKind.HTTP_COOKIE,
            page=page,
            seen_in=seen_in,
            header=header,
            seen_at=started,
            **more,
        )

    set_names: set[str] = set()
    for header in _headers(response, "set-cookie", where, "response"):
        # Firefox joins a response's Set-Cookie headers with line breaks.
        for line in header.split("\n"):
            cookie = parse_set_cookie(line)
            if cookie is None:
                continue
            set_names.add(cookie.name)
            lifetime = cookie.lifetime(reference)
            if lifetime is not None and lifetime <= 0:
                continue  # a deletion stores nothing
            yield observed(
                cookie.name,
                cookie.domain,
                "set-cookie",
                set_cookie_shown(line),
                lifetime_seconds=lifetime,
            )
    for cookie in _list(response.get("cookies"), where, "response.cookies"):
        cookie = _object(cookie, where, "response.cookies")
        name = cookie.get("name")
        if not isinstance(name, str) or not name or name in set_names:
            continue
        expires = _har_time(cookie.get("expires"))
        lifetime = SetCookie(name, None, None, expires).lifetime(reference)
        if lifetime is not None and lifetime <= 0:
            continue
        domain = cookie.get("domain") if isinstance(cookie.get("domain"), str) else None
        yield observed(name, domain, "set-cookie", None, lifetime_seconds=lifetime)

    sent_names: set[str] = set()
    for header in _headers(request, "cookie", where, "request"):
        shown = cookie_header_shown(header)
        for name in cookie_header_names(header):
            sent_names.add(name)
            yield observed(name, None, "cookie", shown)
    for cookie in _list(request.get("cookies"), where, "request.cookies"):
        cookie = _object(cookie, where, "request.cookies")
        name = cookie.get("name")
        if isinstance(name, str) and name and name not in sent_names:
            sent_names.add(name)
            yield observed(name, None, "cookie", None)
