"""The pages visitors get besides the policy itself: "not found", "no policy yet" and the other
error pages.

They are rendered like the published pages, straight from the Jinja environment: Flask's
``render_template`` would run Flask-Login's context processor, which loads the current user
from the session (a query, and a session write when its session protection trips). A
visitor's page needs neither, only the language and the template globals (``_``,
``url_for``), and it sets no cookie (DESIGN.md §4).

"Not found" and "no policy yet" wear the public pages' masthead (``public/_document.html``)
and speak the language of the address when the portal has it, else its source language: the
current version's languages once the policy is published, the settings' before. "Not found"
links to the current policy in each of its languages. The other errors (a refused method, a
failure, the database out of reach) touch no database: they speak the request's language,
without the portal's name.

A ``.json`` address is read by programs (consent banners), which cannot read a page: its
errors are JSON, as RFC 9457 problem details (``application/problem+json``), never HTML.
"""

import json
from dataclasses import dataclass

from flask import Response, current_app, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from .i18n import in_language, language_name, text_direction
from .portal import get_settings
from .published import PublishedFrame, current_version, published_frame

# The public pages' stylesheet and icon, at the same paths in the app and a static export.
STYLESHEET = "/static/css/policy.css"
FAVICON = "/static/favicon.svg"


def render_standalone(template: str, **context: object) -> str:
    """A template rendered with ``context`` alone: no request, session or user gets in."""
    return current_app.jinja_env.get_template(template).render(**context)


def address_language(path: str) -> str:
    """The language an address names, as public addresses do (``/en/...``): its first
    segment, whatever it is."""
    return path.lstrip("/").partition("/")[0]


def current_frame() -> PublishedFrame | None:
    """The portal and languages of the version visitors read now; None before the first
    publication."""
    version = current_version()
    return published_frame(version) if version is not None else None


@dataclass(frozen=True)
class _Place:
    """Where a visitor's page stands: its language, the portal, the languages of the current
    policy to link to."""

    language: str
    name: str = ""
    base_url: str = ""
    policies: tuple[str, ...] = ()


def _place(language: str, frame: PublishedFrame | None) -> _Place:
    if frame is not None:
        if language not in frame.languages:
            language = frame.languages[0]
        return _Place(language, frame.name, frame.base_url, frame.languages)
    settings = get_settings()
    if language not in settings.enabled_languages:
        language = settings.source_language
    return _Place(language, settings.name, settings.base_url)


def not_found(language: str, frame: PublishedFrame | None) -> Response:
    """A visitor's 404 at an address naming ``language``; ``frame``: the current version's,
    None before the first publication."""
    if _wants_json():
        # The page's language, without reading the settings as the page does before the
        # first publication (English then).
        if frame is not None and language not in frame.languages:
            language = frame.languages[0]
        with in_language(language):
            return _problem(404, _("Page not found"), _("There is nothing at this address."))
    place = _place(language, frame)
    with in_language(place.language):
        page = _render(
            "public/error.html",
            place,
            code=404,
            title=_("Page not found"),
            message=_("There is nothing at this address."),
        )
    return _uncached(page, 404)


def not_published(language: str) -> Response:
    """The policy's addresses before the first publication: a 404 that says why."""
    if _wants_json():
        with in_language(language):
            return _problem(
                404,
                _("No cookie policy yet"),
                _(
                    "This portal has not published its cookie policy yet. It will appear at "
                    "this address once it is published."
                ),
            )
    place = _place(language, None)
    with in_language(place.language):
        page = _render("public/not_published.html", place, code=404)
    return _uncached(page, 404)


def error_page(code: int, title: str, message: str) -> Response:
    """Any other visitor's error page, in the request's language, without a database query: a
    failure may come from the database itself."""
    if _wants_json():
        response = _problem(code, title, message)
    else:
        page = _render(
            "public/error.html", _Place(str(get_locale())), code=code, title=title, message=message
        )
        response = _uncached(page, code)
    # Its language may come from Accept-Language.
    response.vary.add("Accept-Language")
    return response


def _render(template: str, place: _Place, **context: object) -> str:
    """A visitor's page in ``public/_document.html``: the masthead without a language switch
    and without alternates (the page has no versions in other languages)."""
    return render_standalone(
        template,
        language=place.language,
        direction=text_direction(place.language),
        portal={"name": place.name, "base_url": place.base_url},
        languages=[],
        default_href="",
        stylesheet=STYLESHEET,
        favicon=FAVICON,
        policies=[
            {
                "code": code,
                "name": language_name(code, code),
                "href": url_for("public.cookie_policy", lang=code),
            }
            for code in place.policies
        ],
        **context,
    )


def _wants_json() -> bool:
    return request.path.endswith(".json")


def _problem(code: int, title: str, detail: str) -> Response:
    """An error as RFC 9457 problem details, for the readers of a ``.json`` address."""
    problem = {"type": "about:blank", "status": code, "title": title, "detail": detail}
    response = current_app.response_class(
        json.dumps(problem, ensure_ascii=False),
        status=code,
        mimetype="application/problem+json",
    )
    response.cache_control.no_store = True
    # As for the policy's JSON: a consent banner on another origin may read why it failed.
    response.access_control_allow_origin = "*"
    return response


def _uncached(page: str, code: int) -> Response:
    # An error is never worth keeping: once the policy is published, its address must answer
    # at once.
    response = current_app.response_class(page, status=code, mimetype="text/html")
    response.cache_control.no_store = True
    return response
