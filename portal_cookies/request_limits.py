"""How much of a request's body the app reads: a larger one answers 413 before it is read.

A view may take more than ``MAX_CONTENT_LENGTH`` (``large_upload``): the drift report's file.

Werkzeug holds a whole body to ``MAX_CONTENT_LENGTH`` and each text field of a multipart form to
``MAX_FORM_MEMORY_SIZE``, but reads a urlencoded form (every form but the PO upload) whole, up
to ``MAX_CONTENT_LENGTH``, before any field's length is checked.
"""

from collections.abc import Callable
from typing import TypeVar

from flask import Request, current_app

URLENCODED = "application/x-www-form-urlencoded"
# The attribute naming the setting of a view's own body limit (``large_upload``).
_UPLOAD_SETTING = "upload_limit_setting"

View = TypeVar("View", bound=Callable)


def large_upload(setting: str) -> Callable[[View], View]:
    """A view that takes a body up to the setting ``setting`` instead of MAX_CONTENT_LENGTH.

    The limit must be known before anything reads the body, and the CSRF check reads the
    form before the view runs: so the request reads it from the view its address names.
    Put it right above ``def``; the decorators above it keep the mark (``functools.wraps``).
    """

    def mark(view: View) -> View:
        setattr(view, _UPLOAD_SETTING, setting)
        return view

    return mark


class FormLimitedRequest(Request):
    """A request whose urlencoded form is held to ``MAX_FORM_MEMORY_SIZE`` as a whole.

    Such a form holds text fields only, the longest 10,000 characters: a body of megabytes is
    no form of ours, and answers 413 from its Content-Length (or as soon as a body without one
    passes the limit), instead of being parsed and then refused field by field.
    """

    @property
    def max_content_length(self) -> int | None:
        view = current_app.view_functions.get(self.endpoint or "")
        setting = getattr(view, _UPLOAD_SETTING, None)
        if setting is not None:
            return current_app.config[setting]
        limit = super().max_content_length
        form_limit = self.max_form_memory_size
        if self.mimetype != URLENCODED or form_limit is None:
            return limit
        return form_limit if limit is None else min(limit, form_limit)
