"""What anyone may read without logging in. Nothing here may set a cookie.

The policy's addresses serve the bytes stored at publication, never a template: one small
query says which version is current, the bytes come from the process's cache (``services``).
Only the 404 pages render a template (``visitor_pages``), one without the interface's chrome
(no CSRF token, so no session cookie).
"""

from flask import Blueprint, Response, abort, current_app, redirect, request, url_for
from flask_babel import gettext as _

from ..visitor_pages import error_page, not_published
from . import services
from .services import PageKind, PublishedVersion

bp = Blueprint("public", __name__)

MEDIA_TYPES = {
    PageKind.HTML: "text/html",
    PageKind.CHANGES: "text/html",
    PageKind.JSON: "application/json",
}


@bp.get("/healthz")
def healthz():
    """For load balancers: the process answers and the database is reachable."""
    if services.database_is_reachable():
        return {"status": "ok", "database": "ok"}, 200
    return {"status": "error", "database": "unreachable"}, 503


@bp.get("/cookies")
def cookie_policy_redirect():
    """To the current policy in the reader's language, else in the portal's source language."""
    version = services.current_version()
    languages = services.published_languages(version) if version else ()
    if not languages:
        return not_published()
    best = request.accept_languages.best_match(languages) or languages[0]
    response = redirect(url_for(".cookie_policy", lang=best))
    response.vary.add("Accept-Language")
    _cache_publicly(response)
    return response


@bp.get("/<lang>/cookies")
def cookie_policy(lang: str):
    return _serve(services.current_version(), lang, PageKind.HTML)


@bp.get("/<lang>/cookies.json")
def cookie_policy_json(lang: str):
    return _serve(services.current_version(), lang, PageKind.JSON)


@bp.get("/<lang>/cookies/changes")
def changes(lang: str):
    return _serve(services.current_version(), lang, PageKind.CHANGES)


@bp.get("/<lang>/cookies/v/<int:number>")
def version(lang: str, number: int):
    return _serve_numbered(lang, number, PageKind.HTML)


@bp.get("/<lang>/cookies/v/<int:number>.json")
def version_json(lang: str, number: int):
    return _serve_numbered(lang, number, PageKind.JSON)


def _serve_numbered(lang: str, number: int, kind: PageKind) -> Response:
    version = services.numbered_version(number)
    if version is None:
        if services.current_version() is None:
            return not_published()
        abort(404)
    return _serve(version, lang, kind)


def _serve(version: PublishedVersion | None, lang: str, kind: PageKind) -> Response:
    if version is None:
        return not_published()
    languages = services.published_languages(version)
    body = services.published_page(version, lang, kind) if lang in languages else None
    if body is None:
        return error_page(
            404,
            _("Page not found"),
            _("There is nothing at this address."),
            languages=languages,
        )
    response = current_app.response_class(body, mimetype=MEDIA_TYPES[kind])
    response.set_etag(version.etag(lang, kind))
    response.last_modified = version.published_at
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
