"""Error pages in the interface language; a failed request leaves no half-written data.

The database out of reach is a 503 with ``Retry-After``, not a failure of the code: the
visitors' error page (it reads nothing from the database, not even the user), and a public
address's error keeps its kind (JSON for a ``.json`` address, ``visitor_pages``).
"""

from flask import Flask, Response, current_app, make_response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed

from .extensions import DATABASE_UNAVAILABLE, db
from .i18n import in_language, request_locale
from .visitor_pages import address_language, current_frame, error_page, not_found
from .visitors import is_public_request

# Seconds a client is asked to wait before trying again while the database is out of reach:
# about what a database restart or a failover takes.
RETRY_AFTER = 30


def _page(code: int, title: str, message: str):
    # A visitor's page, without the interface's chrome and its CSRF token: no cookie. An address
    # that matches nothing is most often a visitor's typo ("/fr/cookie"), so it gets one too
    # unless someone is logged in; its 404 leads to the current policy.
    unmatched = request.url_rule is None and not current_user.is_authenticated
    if is_public_request() or unmatched:
        if code == 404:
            try:
                frame = current_frame()
            except DATABASE_UNAVAILABLE:
                return _unavailable()
            return not_found(address_language(request.path), frame)
        return error_page(code, title, message)
    return render_template("errors/error.html", code=code, title=title, message=message), code


def _unavailable() -> Response:
    with in_language(request_locale()):
        response = error_page(
            503,
            _("Temporarily unavailable"),
            _(
                "The database cannot be reached at the moment and nothing was saved. "
                "Try again in a minute."
            ),
        )
    response.retry_after = RETRY_AFTER
    return response


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return _page(
            400,
            _("This form has expired"),
            _(
                "For your security, forms are only valid for a while and only from this site. "
                "Go back, reload the page and submit it again; nothing was saved."
            ),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        messages = {
            400: (_("Bad request"), _("The request could not be understood.")),
            403: (
                _("Not allowed"),
                _("Your account does not have permission to do this. Ask an administrator."),
            ),
            404: (_("Page not found"), _("There is nothing at this address.")),
            405: (_("Method not allowed"), _("This address does not accept that kind of request.")),
            413: (
                _("File too large"),
                _("The file is larger than this portal accepts; nothing was saved."),
            ),
            429: (
                _("Too many attempts"),
                _("Too many requests in a short time. Wait a minute and try again."),
            ),
        }
        title, message = messages.get(
            error.code or 500, (error.name, _("The request could not be completed."))
        )
        response = make_response(_page(error.code or 500, title, message))
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            # HTTP requires a 405 to say which methods the address does accept.
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    def database_unavailable(error: Exception):
        current_app.logger.warning(
            "%s %s: the database did not answer (%s)",
            request.method,
            request.path,
            getattr(error, "orig", None) or error,
        )
        # The session goes, with its connection: nothing half-done on a cut connection is left
        # for what runs after in this request.
        db.session.remove()
        return _unavailable()

    for unavailable in DATABASE_UNAVAILABLE:
        app.register_error_handler(unavailable, database_unavailable)

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError):
        db.session.rollback()
        return _page(
            500,
            _("Something went wrong"),
            _("An unexpected error occurred and nothing was saved. Please try again."),
        )
