"""The catalogue's forms."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Length

from ..forms import QueryForm
from .services import MAX_NAME_LENGTH

MAX_DOMAIN_LENGTH = 253


class SuggestQueryForm(QueryForm):
    """The cookie a page asks suggestions for, read from the query string."""

    name = StringField(
        _l("Cookie name"),
        validators=[
            Length(max=MAX_NAME_LENGTH, message=_l("A cookie name has at most %(max)d characters."))
        ],
    )
    domain = StringField(
        _l("Domain"),
        validators=[
            Length(max=MAX_DOMAIN_LENGTH, message=_l("A domain has at most %(max)d characters."))
        ],
    )
