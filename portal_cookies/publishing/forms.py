"""The publishing forms."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ..forms import BaseForm
from .services import MAX_NOTE_LENGTH, MAX_REASON_LENGTH

RENEWAL_CHOICES = [
    SelectChoice("computed", _l("As computed from the change")),
    SelectChoice("yes", _l("Ask visitors for their consent again")),
    SelectChoice("no", _l("Do not ask visitors again")),
]


class PublishForm(BaseForm):
    note = TextAreaField(
        _l("Note"),
        validators=[
            DataRequired(message=_l("Say in a few words what this version changes.")),
            Length(max=MAX_NOTE_LENGTH),
        ],
        description=_l("Shown in the history and in the public change log."),
    )
    renewal = RadioField(_l("Renewed consent"), choices=RENEWAL_CHOICES, default="computed")
    override_reason = TextAreaField(
        _l("Why you override the computed answer"), validators=[Length(max=MAX_REASON_LENGTH)]
    )
    submit = SubmitField(_l("Publish"))

    def renewal_override(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.renewal.data)


class RollbackForm(BaseForm):
    note = TextAreaField(
        _l("Note"),
        validators=[
            DataRequired(message=_l("Say why you restore this version.")),
            Length(max=MAX_NOTE_LENGTH),
        ],
    )
    submit = SubmitField(_l("Publish this content again"))
