"""What anyone may read without logging in. Nothing here may set a cookie.

The policy's addresses serve the bytes stored at publication, never a template: one small
query says which version is current (or which one has a number, and which replaced it), the
bytes come from the process's cache (``published``, and ``services`` for a replaced version's
notice). Only the 404 pages render a template (``visitor_pages``), one without the interface's
chrome (no CSRF token, so no session cookie).
"""

from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, redirect, request, url_for

from .. import published
from ..published import PageKind, PublishedVersion
from ..visitor_pages import current_frame, not_found, not_published
from . import services

bp = Blueprint("public", __name__)

MEDIA_TYPES = {
    PageKind.HTML: "text/html",
    PageKind.CHANGES: "text/html",
    PageKind.JSON: "application/json",
}


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
    return _serve(published.current_version(), lang, PageKind.HTML)


@bp.get("/<lang>/cookies.json")
def cookie_policy_json(lang: str):
    return _serve(published.current_version(), lang, PageKind.JSON)


@bp.get("/<lang>/cookies/changes")
def changes(lang: str):
    return _serve(published.current_version(), lang, PageKind.CHANGES)


@bp.get("/<lang>/cookies/v/<int:number>")
def version(lang: str, number: int):
    return _serve_numbered(lang, number, PageKind.HTML)


@bp.get("/<lang>/cookies/v/<int:number>.json")
def version_json(lang: str, number: int):
    return _serve_numbered(lang, number, PageKind.JSON)


def _serve_numbered(lang: str, number: int, kind: PageKind) -> Response:
    version, successor = published.numbered_version(number)
    if version is None:
        frame = current_frame()
        return not_published(lang) if frame is None else not_found(lang, frame)
    return _serve(version, lang, kind, successor)


def _serve(
    version: PublishedVersion | None,
    lang: str,
    kind: PageKind,
    successor: PublishedVersion | None = None,
) -> Response:
    """``version``'s page, or its notice-bearing form once ``successor`` replaced it."""
    if version is None:
        return not_published(lang)
    frame = published.published_frame(version)
    body = None
    if frame is not None and lang in frame.languages:
        body = services.served_page(version, successor, lang, kind)
    if body is None:
        # A language this version lacks: the current policy's languages are the way on.
        return not_found(lang, frame if successor is None else current_frame())
    response = current_app.response_class(body, mimetype=MEDIA_TYPES[kind])
    response.set_etag(version.etag(lang, kind, successor.number if successor else None))
    response.last_modified = successor.published_at if successor else version.published_at
    _cache_publicly(response)
    if kind is PageKind.JSON:
        # Public data, read without credentials: a consent banner on the portal's own domain
        # (another origin than this application's) may fetch it.
        response.access_control_allow_origin = "*"
    # 304 Not Modified, without a body, when the reader's copy is this one.
    return response.make_conditional(request)


def _cache_publicly(response: Response) -> None:
    """Browsers and CDNs may keep it: a new version reaches everyone within the max-age."""
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config["POLICY_MAX_AGE"]
