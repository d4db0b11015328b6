"""The base every form builds on, and field builders the blueprints share."""

from collections.abc import Callable, Iterable
from typing import Any

from flask import flash, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice, enum_coerce
from wtforms.validators import DataRequired, Length, NumberRange, Optional, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from . import checks
from .checks import MAX_REASON_LENGTH
from .labels import choices_for
from .models import Category, User
from .service_errors import ServiceError

_HIDDEN_TYPES = {"HiddenField", "CSRFTokenField"}


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


class LinkedMessage(str):
    """A refusal's message that names something with a page of its own: the ``field`` macro
    and the error summary show a link to it after the message."""

    link_text: str
    link_url: str

    def __new__(cls, message: str, link_text: str, link_url: str) -> "LinkedMessage":
        text = super().__new__(cls, message)
        text.link_text = link_text
        text.link_url = link_url
        return text


def _shown(refusal: ServiceError) -> str:
    if refusal.link is None:
        return refusal.message
    link = refusal.link
    return LinkedMessage(refusal.message, link.text, url_for(link.endpoint, **link.values))


class BaseForm(FlaskForm):
    """Strips surrounding whitespace from every text field before validation."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = unbound_field.kwargs.get("filters", [])
            if _strip not in filters:
                unbound_field.kwargs["filters"] = [_strip, *filters]
            return unbound_field.bind(form=form, **options)

    def hidden_tag(self, *fields: Any) -> Markup:
        """The hidden fields, without ids: a page with several forms would repeat them."""
        hidden = fields or [field for field in self if field.type in _HIDDEN_TYPES]
        return Markup("").join(field(id=False) for field in hidden)

    def add_refusal(self, refusal: ServiceError) -> None:
        """Show a service's refusal on the field it names, or above the form."""
        field = self._fields.get(refusal.field) if refusal.field else None
        errors = field.errors if field is not None else self.form_errors
        if refusal.message not in errors:
            if field is not None:
                field.errors = [*field.errors, _shown(refusal)]
            else:
                self.form_errors.append(_shown(refusal))


class QueryForm(BaseForm):
    """A GET form read from the query string: no CSRF token, since it changes nothing.

    What the address gets wrong is shown on the form and ignored, never an error page.
    """

    class Meta:
        csrf = False

    def read(self) -> None:
        """Validate, and set aside what is not understood: those fields take their default."""
        self.validate()
        for field in self:
            if field.errors:
                field.data = field.default

    def query_args(self, *, leave_out: tuple[str, ...] = ("page",)) -> dict[str, str]:
        """The values in force, as query-string arguments, defaults left out."""
        return {
            field.name: str(field.data)
            for field in self
            if field.name not in leave_out
            and field.data not in (None, "")
            and field.data != field.default
        }


class ConfirmForm(BaseForm):
    """An empty form: the CSRF token behind every POST-only button."""


class ValidatedForm(BaseForm):
    """A form that also shows the services' verdict on its values, on the fields at fault."""

    def refusals(self) -> list[ServiceError]:
        """Every refusal the services would make of the values typed."""
        raise NotImplementedError

    def validate(self, extra_validators: Any = None) -> bool:
        super().validate(extra_validators)
        # A field the form already refused keeps that message only.
        refused = {name for name, field in self._fields.items() if field.errors}
        for refusal in self.refusals():
            if refusal.field not in refused:
                self.add_refusal(refusal)
        return not self.errors


def minor_edit_field() -> BooleanField:
    """Shown when editing source texts: a typo fix need not send every translation back to the
    translators."""
    return BooleanField(
        _l("Minor edit: the translations stay valid"),
        description=_l(
            "For a typo or punctuation fix that does not change the meaning. Each text's "
            "history records it."
        ),
    )


class MoveForm(BaseForm):
    """The up and down buttons of an ordered list; the service checks the direction."""

    direction = StringField()


# Addresses are typed into text fields that bring up the matching keyboard: a field of type url
# or email must hold a valid value, and a refused one comes back into it to be corrected.
URL_INPUT = {"inputmode": "url", "spellcheck": "false", "autocapitalize": "none"}
EMAIL_INPUT = {"inputmode": "email", "spellcheck": "false", "autocapitalize": "none"}

CHOOSE = _l("Choose…")
CHOOSE_ONE = _l("Choose one of the options.")


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes; the ``field`` macro draws it as a fieldset."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class Required:
    """Marks a field required (asterisk, ``required`` attribute); the services say why."""

    field_flags = {"required": True}

    def __call__(self, form: Any, field: Any) -> None:
        return None


class Readable:
    """Ends a field's checks when its value could not even be read: one message is enough."""

    def __call__(self, form: Any, field: Any) -> None:
        if field.process_errors:
            raise StopValidation()


def optional(coerce: Callable[[str], Any]) -> Callable[[Any], Any]:
    """A ``coerce`` that reads the empty choice as None."""

    def convert(value: Any) -> Any:
        return None if value in (None, "") else coerce(value)

    return convert


def options(pairs: list[tuple[Any, Any]], empty: Any = None) -> list[SelectChoice]:
    choices = [SelectChoice(str(value), str(label)) for value, label in pairs]
    return [SelectChoice("", str(empty)), *choices] if empty is not None else choices


def category_options(
    categories: Iterable[Category], value: Callable[[Category], Any], empty: Any
) -> list[SelectChoice]:
    """Categories to choose from, by their name in the interface language, else in the source
    language (marked with ``lang``), else by slug; ``value`` is what the form sends."""
    page_language = str(get_locale())
    choices = [SelectChoice("", str(empty))]
    for category in categories:
        name, language = category.name_unit.text_or_source(page_language)
        marked = {"lang": language} if name and language != page_language else {}
        choices.append(SelectChoice(str(value(category)), name or category.slug, render_kw=marked))
    return choices


def choice_field(
    field_class: type[SelectField], label: Any, coerce: Any, message: Any = CHOOSE_ONE, **kwargs
) -> Any:
    """A select, radio or checkbox field; a value it does not offer gets one clear message."""
    return field_class(
        label,
        coerce=coerce,
        invalid_value_message=message,
        invalid_choice_message=message,
        **kwargs,
    )


def enum_field(
    field_class: type[SelectField], label: Any, enum_class: type, empty: Any = None, **kwargs
) -> Any:
    """A choice of an enum's members, labelled in the interface language; ``empty`` labels
    an empty choice, read as None."""
    coerce = enum_coerce(enum_class)
    return choice_field(
        field_class,
        label,
        coerce if empty is None else optional(coerce),
        choices=lambda: options(choices_for(enum_class), empty),
        **kwargs,
    )


# Deeper than any list goes; a larger page number is a mistyped address.
MAX_PAGE = 100_000


def page_field() -> IntegerField:
    """The page of a paginated list, read from the query string (``lookup.paginate``)."""
    return IntegerField(
        _l("Page"),
        validators=[Optional(), Readable(), NumberRange(min=1, max=MAX_PAGE)],
        invalid_value_message=_l("A page is a whole number."),
    )


class DismissForm(BaseForm):
    """A check's warning set aside, in the translation view or the inventory."""

    check = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(
        _l("Why this warning does not apply"),
        validators=[
            DataRequired(message=_l("Say why the warning does not apply.")),
            Length(max=MAX_REASON_LENGTH),
        ],
    )
    submit = SubmitField(_l("Dismiss"))

    def dismiss(self, *, actor: User, **where: Any) -> None:
        """Set aside the warning this form names, about ``where`` (an entry, or a unit and a
        language), and flash how it went."""
        if not self.validate_on_submit():
            flash(_("Say why the warning does not apply."), "error")
            return
        try:
            dismissal = checks.dismiss(
                self.check.data, reason=self.reason.data, actor=actor, **where
            )
        except ServiceError as error:
            flash(error.message, "error")
            return
        if dismissal is None:
            flash(_("This warning no longer applies."), "info")
        else:
            flash(_("Warning dismissed."), "success")
