"""The publishing forms."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ..forms import BaseForm

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
            Length(max=2000),
        ],
        description=_l("Shown in the history and in the public change log."),
    )
    renewal = RadioField(_l("Renewed consent"), choices=RENEWAL_CHOICES, default="computed")
    override_reason = TextAreaField(
        _l("Why you override the computed answer"), validators=[Length(max=2000)]
    )
    submit = SubmitField(_l("Publish"))

    def renewal_override(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.renewal.data)


class RollbackForm(BaseForm):
    note = TextAreaField(
        _l("Note"),
        validators=[
            DataRequired(message=_l("Say why you restore this version.")),
            Length(max=2000),
        ],
    )
    submit = SubmitField(_l("Publish this content again"))
