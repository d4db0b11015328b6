"""Visitors' requests: the public blueprint's addresses, which never set a cookie (DESIGN.md §4).

The public views, their error pages and the locale selector stay away from the session; the
session interface below makes the rule hold even if a later change writes to it by mistake (a
flashed message, a template calling ``csrf_token()``): on a public address the session is never
saved, so no ``Set-Cookie`` can leave, and a shared cache never stores one.
"""

from flask import Flask, Response, request
from flask.globals import request_ctx
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from werkzeug.exceptions import HTTPException, MethodNotAllowed

PUBLIC_BLUEPRINT = "public"


def is_public_request() -> bool:
    """Whether this request is for a public address, whatever its method.

    ``POST /fr/cookies`` matches no rule (405), so the request has no blueprint: the address is
    matched again as a GET to know whose it is. An address matching nothing is nobody's.
    """
    if request.url_rule is not None:
        return request.blueprint == PUBLIC_BLUEPRINT
    adapter = request_ctx.url_adapter
    if not isinstance(request.routing_exception, MethodNotAllowed) or adapter is None:
        return False
    try:
        rule, _arguments = adapter.match(method="GET", return_rule=True)
    except HTTPException:
        return False
    return rule.endpoint.startswith(f"{PUBLIC_BLUEPRINT}.")


class VisitorSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, never saved on a public address."""

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if is_public_request():
            return
        super().save_session(app, session, response)
