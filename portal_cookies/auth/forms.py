from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, ValidationError

from ..config import INTERFACE_LANGUAGES
from ..forms import BaseForm
from ..i18n import language_name
from .services import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

# What browsers and password managers need to fill these fields in (WCAG 1.3.5).
USERNAME = {"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
CURRENT_PASSWORD = {"autocomplete": "current-password"}
NEW_PASSWORD = {"autocomplete": "new-password"}


class LoginForm(BaseForm):
    email = StringField(_l("E-mail"), validators=[DataRequired()], render_kw=USERNAME)
    password = PasswordField(
        _l("Password"), validators=[DataRequired()], render_kw=CURRENT_PASSWORD
    )
    remember = BooleanField(_l("Keep me logged in on this device"))
    next = HiddenField()
    submit = SubmitField(_l("Log in"))


class PasswordChangeForm(BaseForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired()], render_kw=CURRENT_PASSWORD
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)],
        description=_l("At least %(count)s characters.", count=MIN_PASSWORD_LENGTH),
        render_kw=NEW_PASSWORD,
    )
    confirm_password = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords differ."))],
        render_kw=NEW_PASSWORD,
    )
    submit_password = SubmitField(_l("Change password"))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_current_password(self, field):
        if not self.user.check_password(field.data):
            raise ValidationError(_("This is not your current password."))


def _language_choices() -> list[SelectChoice]:
    return [SelectChoice("", _("Follow my browser"))] + [
        SelectChoice(code, language_name(code, code)) for code in INTERFACE_LANGUAGES
    ]


class PreferencesForm(BaseForm):
    locale = SelectField(_l("Interface language"), validate_choice=True)
    submit_preferences = SubmitField(_l("Save preferences"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = _language_choices()


class LanguageSwitchForm(BaseForm):
    language = SelectField(
        _l("Language"),
        choices=[SelectChoice(code) for code in INTERFACE_LANGUAGES],
        validators=[InputRequired()],
    )
    next = HiddenField()
