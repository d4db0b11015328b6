"""How much of a request's body the app reads: a larger one answers 413 before it is read.

Werkzeug holds a whole body to ``MAX_CONTENT_LENGTH`` and each text field of a multipart form to
``MAX_FORM_MEMORY_SIZE``, but reads a urlencoded form (every form but the PO upload) whole, up
to ``MAX_CONTENT_LENGTH``, before any field's length is checked.
"""

from flask import Request

URLENCODED = "application/x-www-form-urlencoded"


class FormLimitedRequest(Request):
    """A request whose urlencoded form is held to ``MAX_FORM_MEMORY_SIZE`` as a whole.

    Such a form holds text fields only, the longest 10,000 characters: a body of megabytes is
    no form of ours, and answers 413 from its Content-Length (or as soon as a body without one
    passes the limit), instead of being parsed and then refused field by field.
    """

    @property
    def max_content_length(self) -> int | None:
        limit = super().max_content_length
        form_limit = self.max_form_memory_size
        if self.mimetype != URLENCODED or form_limit is None:
            return limit
        return form_limit if limit is None else min(limit, form_limit)
