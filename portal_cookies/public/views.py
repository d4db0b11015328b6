"""What anyone may read without logging in. Nothing here may set a cookie.

The policy's addresses serve the bytes stored at publication, never a template: one small
query says which version is current (or which one has a number, and which replaced it), the
bytes come from the process's cache (``published``, and ``services`` for a replaced version's
notice). Only the 404 pages render a template (``visitor_pages``), one without the interface's
chrome (no CSRF token, so no session cookie).
"""

from datetime import datetime
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, redirect, request, url_for

from .. import published
from ..published import PageKind, PublishedVersion, StoredPage
from ..visitor_pages import current_frame, not_found, not_published
from . import delivery, services

bp = Blueprint("public", __name__)
# The current version's pages are answered in front of Flask, from the snapshot
# (``delivery``); these views answer the rest, and those pages whenever the fast path
# passes them on.
bp.record_once(lambda state: delivery.install(state.app))


@bp.get("/healthz")
def healthz():
    """For load balancers: 200 when the database answers and is migrated to this code's
    schema, else 503 with the reason (``services.Health``)."""
    health = services.check_health()
    response = jsonify(health.report())
    response.status_code = 200 if health.ok else 503
    response.cache_control.no_store = True
    return response


@bp.get("/favicon.ico")
def favicon():
    """For browsers that ask without reading a page's icon link (the SVG); from this
    blueprint, so that no cookie comes with it."""
    icon = Path(current_app.static_folder, "favicon.ico").read_bytes()
    response = current_app.response_class(icon, mimetype="image/vnd.microsoft.icon")
    response.add_etag()
    _cache_publicly(response)
    return response.make_conditional(request)


@bp.get("/cookies")
def cookie_policy_redirect():
    """To the current policy in the reader's language, else in the portal's source language."""
    version = published.current_version()
    languages = published.published_languages(version) if version else ()
    if not languages:
        return not_published("")
    best = request.accept_languages.best_match(languages) or languages[0]
    response = redirect(url_for(".cookie_policy", lang=best))
    response.vary.add("Accept-Language")
    _cache_publicly(response)
    return response


@bp.get("/<lang>/cookies")
def cookie_policy(lang: str):
    return _serve_current(lang, PageKind.HTML)


@bp.get("/<lang>/cookies.json")
def cookie_policy_json(lang: str):
    return _serve_current(lang, PageKind.JSON)


@bp.get("/<lang>/cookies/changes")
def changes(lang: str):
    return _serve_current(lang, PageKind.CHANGES)


@bp.get("/<lang>/cookies/v/<int:number>")
def version(lang: str, number: int):
    return _serve_numbered(lang, number, PageKind.HTML)


@bp.get("/<lang>/cookies/v/<int:number>.json")
def version_json(lang: str, number: int):
    return _serve_numbered(lang, number, PageKind.JSON)


def _serve_current(lang: str, kind: PageKind) -> Response:
    # One snapshot, read once: its page, ETag and date are of the same version.
    snapshot = delivery.current_snapshot(request.environ)
    if snapshot.version is None:
        return not_published(lang)
    page = snapshot.pages.get((lang, kind))
    if page is None:
        # A language this version lacks: its languages are the way on.
        return not_found(lang, snapshot.frame)
    return _respond(page, snapshot.version.etag(lang, kind), snapshot.version.published_at, kind)


def _serve_numbered(lang: str, number: int, kind: PageKind) -> Response:
    version, successor = published.numbered_version(number)
    if version is None:
        frame = current_frame()
        return not_published(lang) if frame is None else not_found(lang, frame)
    return _serve(version, lang, kind, successor)


def _serve(
    version: PublishedVersion, lang: str, kind: PageKind, successor: PublishedVersion | None
) -> Response:
    """``version``'s page, or its notice-bearing form once ``successor`` replaced it."""
    frame = published.published_frame(version)
    page = None
    if frame is not None and lang in frame.languages:
        page = services.served_page(version, successor, lang, kind)
    if page is None:
        # A language this version lacks: the current policy's languages are the way on.
        return not_found(lang, frame if successor is None else current_frame())
    etag = version.etag(lang, kind, successor.number if successor else None)
    replaced_or_published = successor.published_at if successor else version.published_at
    return _respond(page, etag, replaced_or_published, kind)


def _respond(page: StoredPage, etag: str, last_modified: datetime, kind: PageKind) -> Response:
    prepared = delivery.prepare(page, etag, last_modified, kind, current_app.config)
    status, headers, body = delivery.answer(prepared, request.environ)
    return current_app.response_class(body, status=status, headers=headers)


def _cache_publicly(response: Response) -> None:
    """Browsers and CDNs may keep it: a new version reaches everyone within the max-age."""
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config["POLICY_MAX_AGE"]
