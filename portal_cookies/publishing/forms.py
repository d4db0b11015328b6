"""The publishing forms: each asks for the version's note in every enabled language."""

from collections.abc import Sequence

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ..forms import BaseForm
from ..i18n import language_name
from .services import MAX_NOTE_LENGTH, MAX_REASON_LENGTH

RENEWAL_CHOICES = [
    SelectChoice("computed", _l("As computed from the change")),
    SelectChoice("yes", _l("Ask visitors for their consent again")),
    SelectChoice("no", _l("Do not ask visitors again")),
]


class NotesForm(BaseForm):
    """A version's note: ``note`` in the source language, required, then ``note_<language>``
    for each other enabled language. Build it with ``for_languages``."""

    # The message when the source language's note is missing.
    required_message = _l("Say in a few words what this version changes.")

    @classmethod
    def for_languages(cls, languages: Sequence[str], source: str) -> "NotesForm":
        """The form with a note field per language, the source language's first."""

        class Form(cls):
            pass

        Form.source = source
        Form.languages = [source, *(code for code in languages if code != source)]
        for code in Form.languages:
            name = language_name(code)
            if code == source:
                field = TextAreaField(
                    _("Note in %(language)s", language=name),
                    validators=[
                        DataRequired(message=str(cls.required_message)),
                        Length(max=MAX_NOTE_LENGTH),
                    ],
                    description=_("Shown in the history and in the public change log."),
                    render_kw={"lang": code},
                )
            else:
                field = TextAreaField(
                    _("Note in %(language)s", language=name),
                    validators=[Length(max=MAX_NOTE_LENGTH)],
                    description=_(
                        "Optional: without it, readers in %(language)s get the note in %(source)s.",
                        language=name,
                        source=language_name(source),
                    ),
                    render_kw={"lang": code},
                )
            setattr(Form, cls.field_name(code, source), field)
        return Form()

    @staticmethod
    def field_name(language: str, source: str) -> str:
        return "note" if language == source else f"note_{language}"

    def note_fields(self) -> list:
        return [self[self.field_name(code, self.source)] for code in self.languages]

    def note_translations(self) -> dict[str, str]:
        """The notes in the other languages, by language (empty ones included: the service
        leaves them out)."""
        return {
            code: self[self.field_name(code, self.source)].data or ""
            for code in self.languages
            if code != self.source
        }


class PublishForm(NotesForm):
    renewal = RadioField(_l("Renewed consent"), choices=RENEWAL_CHOICES, default="computed")
    override_reason = TextAreaField(
        _l("Why you override the computed answer"), validators=[Length(max=MAX_REASON_LENGTH)]
    )
    submit = SubmitField(_l("Publish"))

    def renewal_override(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.renewal.data)


class RollbackForm(NotesForm):
    required_message = _l("Say why you restore this version.")
    submit = SubmitField(_l("Roll back and publish"))
