"""The pages visitors get besides the policy itself: "no policy yet" and the error pages.

They are rendered like the published pages, straight from the Jinja environment: Flask's
``render_template`` would run Flask-Login's context processor, which loads the current user
from the session (a query, and a session write when its session protection trips). A
visitor's page needs neither, only the language and the template globals (``_``,
``url_for``), and it sets no cookie (DESIGN.md §4).
"""

from flask import Response, current_app
from flask_babel import get_locale

from .i18n import language_name


def render_standalone(template: str, **context: object) -> str:
    """A template rendered with ``context`` alone: no request, session or user gets in."""
    return current_app.jinja_env.get_template(template).render(**context)


def not_published() -> Response:
    return _uncached(_visitor_page("public/not_published.html", code=404), 404)


def error_page(code: int, title: str, message: str, languages: tuple[str, ...] = ()) -> Response:
    """A visitor's error page, in the address's language when the interface has it.

    ``languages``: the current policy's, offered as links.
    """
    page = _visitor_page(
        "public/error.html", code=code, title=title, message=message, languages=languages
    )
    return _uncached(page, code)


def _visitor_page(template: str, **context: object) -> str:
    return render_standalone(
        template, current_locale=str(get_locale()), language_name=language_name, **context
    )


def _uncached(page: str, code: int) -> Response:
    # The page's language may come from Accept-Language, and an error is never worth keeping:
    # once the policy is published, its address must answer at once.
    response = current_app.response_class(page, status=code, mimetype="text/html")
    response.vary.add("Accept-Language")
    response.cache_control.no_store = True
    return response
