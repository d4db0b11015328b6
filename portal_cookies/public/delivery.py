"""A public page's HTTP answer, and the fast path that gives it without Flask.

A page's answer depends only on the stored bytes, the version and the request's
``If-None-Match``, ``If-Modified-Since``, ``Accept-Encoding`` and method, so everything else
(headers, both encodings, their ETags) is ``prepare``d once per page of a snapshot, and
``answer`` picks among them. The conditional request is answered first, before any body.

``PublicFastPath`` wraps the app's WSGI callable and answers the current version's addresses
(``/<lang>/cookies``, ``.json``, ``/changes``) from the process's snapshot
(``published.snapshot_if_fresh``): no request context, routing, session or extension, which
cost four fifths of a request on the policy page. Everything else, and any page it cannot
answer itself (nothing published, a language the version lacks, the database out of reach
before the process read anything, an untrusted host), goes on to Flask, whose views answer
with the same ``prepare`` and ``answer``: both paths give the same bytes and headers.
"""

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from flask import Flask
from werkzeug.exceptions import SecurityError
from werkzeug.http import http_date, is_resource_modified, parse_accept_header
from werkzeug.sansio.utils import host_is_trusted

from .. import published
from ..published import PageKind, Snapshot, StoredPage
from ..templating import security_headers

MEDIA_TYPES = {
    PageKind.HTML: "text/html; charset=utf-8",
    PageKind.CHANGES: "text/html; charset=utf-8",
    PageKind.JSON: "application/json",
}

# What every answer of a page says of caching: browsers and CDNs may keep it (a new version
# reaches everyone within the max-age), and a cache keeps one copy per encoding.
VARY = ("Vary", "Accept-Encoding")


@dataclass(frozen=True)
class Encoded:
    """One encoding of a page: its body, quoted ETag, and the headers of a 200 and a 304."""

    body: bytes
    etag: str
    headers: list[tuple[str, str]]
    not_modified: list[tuple[str, str]]


@dataclass(frozen=True)
class PreparedPage:
    plain: Encoded
    gzipped: Encoded
    last_modified: datetime


def prepare(
    page: StoredPage,
    etag: str,
    last_modified: datetime,
    kind: PageKind,
    config: Mapping[str, Any],
) -> PreparedPage:
    """Everything a request for ``page`` may get, built once.

    The gzip form has its own strong ETag (``-gzip``): two encodings are two representations,
    and a cache that stored one must not take the other's validator for its own.
    """
    common = [
        ("Cache-Control", f"public, max-age={config['POLICY_MAX_AGE']}"),
        VARY,
        *security_headers(config),
    ]
    if kind is PageKind.JSON:
        # Public data, read without credentials: a consent banner on the portal's own domain
        # (another origin than this application's) may fetch it.
        common.append(("Access-Control-Allow-Origin", "*"))
    modified = ("Last-Modified", http_date(last_modified))

    def encoded(body: bytes, tag: str, encoding: list[tuple[str, str]]) -> Encoded:
        quoted = f'"{tag}"'
        validators = [("ETag", quoted), *common]
        return Encoded(
            body=body,
            etag=quoted,
            headers=[
                ("Content-Type", MEDIA_TYPES[kind]),
                ("Content-Length", str(len(body))),
                *encoding,
                modified,
                *validators,
            ],
            not_modified=validators,
        )

    return PreparedPage(
        plain=encoded(page.body, etag, []),
        gzipped=encoded(page.gzip, f"{etag}-gzip", [("Content-Encoding", "gzip")]),
        last_modified=last_modified,
    )


def answer(page: PreparedPage, environ: Mapping[str, Any]) -> tuple[int, list, bytes]:
    """Status, headers and body for the request of ``environ``: 304 when the reader's copy is
    this one, else the page, gzip-compressed if the request accepts it."""
    chosen = page.gzipped if accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING")) else page.plain
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match == chosen.etag or (
        (if_none_match or environ.get("HTTP_IF_MODIFIED_SINCE"))
        and not is_resource_modified(
            environ, etag=chosen.etag.strip('"'), last_modified=page.last_modified
        )
    ):
        return 304, chosen.not_modified, b""
    return 200, chosen.headers, chosen.body


@lru_cache(maxsize=64)
def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an ``Accept-Encoding`` accepts gzip (``*`` does; ``gzip;q=0`` does not). Few
    distinct values reach a site, so each is parsed once."""
    if not accept_encoding:
        return False
    return parse_accept_header(accept_encoding)["gzip"] > 0


# The current version's addresses, as routed by the public blueprint; the kind by suffix.
_ADDRESS = re.compile(r"/([^/]+)/cookies(\.json|/changes)?")
_KINDS = {None: PageKind.HTML, ".json": PageKind.JSON, "/changes": PageKind.CHANGES}
_STATUS = {200: "200 OK", 304: "304 Not Modified"}
# Where a request passed on to Flask carries the snapshot the fast path took, so that the view
# reads that same one (no second check, no other version).
_SNAPSHOT_KEY = "portal_cookies.snapshot"

WSGIApp = Callable[[dict[str, Any], Callable], Iterable[bytes]]


class PublicFastPath:
    """WSGI middleware: the current version's pages from the snapshot, the rest to Flask."""

    def __init__(self, app: Flask, wsgi_app: WSGIApp) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        # The snapshot and settings the pages below were prepared from, and those pages:
        # replaced whole, together, so a request never takes one snapshot's page for another's.
        self._prepared: tuple[object, dict[tuple[str, PageKind], PreparedPage]] = (None, {})

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        if method == "GET" or method == "HEAD":
            match = _ADDRESS.fullmatch(environ.get("PATH_INFO", ""))
            if match is not None:
                page = self._page(match[1], _KINDS[match[2]], environ)
                if page is not None:
                    status, headers, body = answer(page, environ)
                    start_response(_STATUS[status], headers)
                    return [b"" if method == "HEAD" else body]
        return self.wsgi_app(environ, start_response)

    def _page(self, language: str, kind: PageKind, environ: dict[str, Any]) -> PreparedPage | None:
        if not self._trusted(environ):
            return None
        snapshot = published.snapshot_if_fresh(self.app)
        if snapshot is None:
            try:
                with self.app.app_context():
                    snapshot = published.current_snapshot()
            except Exception:  # noqa: BLE001
                # Flask tries again, and answers a failure as every other one: the database
                # out of reach is a 503 (come back later), anything else the visitors' 500.
                return None
        environ[_SNAPSHOT_KEY] = snapshot
        config = self.app.config
        source = (snapshot, config["POLICY_MAX_AGE"], config["SESSION_COOKIE_SECURE"])
        prepared_from, pages = self._prepared
        if prepared_from != source:
            pages = {}
            self._prepared = (source, pages)
        page = pages.get((language, kind))
        if page is None:
            stored = snapshot.pages.get((language, kind))
            if stored is None:
                return None  # Flask answers: not published, or not in this language
            page = prepare(
                stored,
                snapshot.version.etag(language, kind),
                snapshot.version.published_at,
                kind,
                config,
            )
            pages[(language, kind)] = page
        return page

    def _trusted(self, environ: dict[str, Any]) -> bool:
        """Whether Flask would accept the request's host (``TRUSTED_HOSTS``); it answers
        those it refuses."""
        trusted = self.app.config["TRUSTED_HOSTS"]
        if not trusted:
            return True
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        try:
            return host_is_trusted(host, trusted)
        except SecurityError:
            return False


def current_snapshot(environ: Mapping[str, Any]) -> Snapshot:
    """The snapshot the fast path took for this request, else ``published.current_snapshot``."""
    return environ.get(_SNAPSHOT_KEY) or published.current_snapshot()


def install(app: Flask) -> None:
    app.wsgi_app = PublicFastPath(app, app.wsgi_app)  # type: ignore[method-assign]
