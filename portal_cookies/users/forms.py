"""The accounts' forms: they check what was typed and chosen; the rules are the services'."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from ..forms import CHOOSE, EMAIL_INPUT, BaseForm, Readable, enum_field
from ..models import Role

# The users table's column.
MAX_EMAIL_LENGTH = 320


class AccountForm(BaseForm):
    email = StringField(
        _l("E-mail"),
        validators=[
            DataRequired(message=_l("Enter the e-mail address.")),
            Length(max=MAX_EMAIL_LENGTH),
        ],
        # Someone else's address: the browser should not offer one's own.
        render_kw={**EMAIL_INPUT, "autocomplete": "off"},
    )
    role = enum_field(
        SelectField,
        _l("Role"),
        Role,
        empty=CHOOSE,
        validators=[Readable(), DataRequired(message=_l("Choose a role."))],
        description=_l(
            "Translators translate; operators also keep the inventory and publish; "
            "administrators also manage accounts and settings."
        ),
    )
    submit = SubmitField(_l("Create the account"))


class RoleForm(BaseForm):
    role = enum_field(SelectField, _l("Role"), Role)
    submit = SubmitField(_l("Change the role"))
