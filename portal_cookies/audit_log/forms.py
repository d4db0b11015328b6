"""The audit log's filters, read from the query string."""

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField
from wtforms.validators import Optional

from ..forms import QueryForm, Readable, choice_field, options, page_field
from . import services

# The person filter's value for the events no person made.
SYSTEM = "system"

DATE_FORMAT_MESSAGE = _l("Give a date as year-month-day, such as 2025-03-31.")


def date_field(label: Any) -> DateField:
    return DateField(
        label,
        validators=[Optional(), Readable()],
        invalid_value_message=DATE_FORMAT_MESSAGE,
    )


class AuditFilterForm(QueryForm):
    """What the address gets wrong is shown on the form and ignored, never an error page."""

    person = choice_field(
        SelectField, _l("Person"), str, _l("There is no such person."), default=""
    )
    kind = choice_field(
        SelectField, _l("Kind of object"), str, _l("There is no such kind of object."), default=""
    )
    action = choice_field(
        SelectField, _l("Action"), str, _l("There is no such action."), default=""
    )
    start = date_field(_l("From"))
    end = date_field(_l("To"))
    page = page_field()

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._people = {str(user.id): user for user in services.list_people()}
        self.person.choices = options(
            [
                (SYSTEM, _("The system (command line)")),
                *((ident, user.email) for ident, user in self._people.items()),
            ],
            empty=_("Anyone"),
        )
        self.kind.choices = options(services.kind_choices(), empty=_("Any kind"))
        self.action.choices = options(services.action_choices(), empty=_("Any action"))

    def validate(self, extra_validators: Any = None) -> bool:
        super().validate(extra_validators)
        if not (self.start.errors or self.end.errors):
            for refusal in services.date_refusals(self.start.data, self.end.data):
                self[refusal.field].errors.append(refusal.message)
        return not self.errors

    def filters(self) -> services.EventFilters:
        """Validate, set aside what is not understood, and say what to show."""
        self.read()
        return services.EventFilters(
            person=self._people.get(self.person.data or ""),
            by_system=self.person.data == SYSTEM,
            kind=self.kind.data or None,
            action=self.action.data or None,
            start=self.start.data,
            end=self.end.data,
        )
