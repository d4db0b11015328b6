"""The form of a section of the policy page. Its rules are the services': the form checks types
and choices, then shows every refusal of the texts on its field."""

from typing import Any

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length

from ..forms import Required, ValidatedForm, choice_field, minor_edit_field, options
from ..lookup import read_id
from ..models import PolicyText
from ..service_errors import ServiceError
from .services import MAX_TEXT_LENGTH, MAX_TITLE_LENGTH, is_page_title, validate_section

MARKDOWN_HINT = _l(
    "Markdown: *emphasis*, **strong emphasis**, [a link](https://example.org), a list with "
    "“- ” at the start of each line, a blank line between paragraphs. No HTML."
)
BEFORE, AFTER = "before", "after"


class SectionForm(ValidatedForm):
    """A section's texts in the source language and its place; a built-in section has no
    heading of its own, and the page title no place to choose."""

    title = StringField(
        _l("Heading"),
        validators=[Required(), Length(max=MAX_TITLE_LENGTH)],
        description=_l("The section's heading on the page, e.g. “Social networks”."),
    )
    text = TextAreaField(
        _l("Text"),
        validators=[Required(), Length(max=MAX_TEXT_LENGTH)],
        description=MARKDOWN_HINT,
        render_kw={"rows": 10},
    )
    placement = choice_field(
        RadioField,
        _l("Place on the page"),
        str,
        choices=lambda: options(
            [(BEFORE, _("Before the cookie tables")), (AFTER, _("After the cookie tables"))]
        ),
        default=AFTER,
        validators=[Required()],
    )
    minor_edit = minor_edit_field()
    # The texts the form started from: a save is refused if someone saved over them since.
    text_version_id = HiddenField()
    title_version_id = HiddenField()
    submit = SubmitField(_l("Save"))

    def __init__(self, *args: Any, section: PolicyText | None = None, **kwargs: Any):
        # A submitted form holds what was posted, nothing else.
        if section is not None and request.method != "POST":
            kwargs.setdefault("data", self.prefill(section))
        super().__init__(*args, **kwargs)
        self.section = section
        if section is None:
            del self.minor_edit, self.text_version_id, self.title_version_id
        else:
            if not section.is_custom:
                del self.title, self.title_version_id
            if is_page_title(section):
                del self.placement
                self.text.validators = [Required(), Length(max=MAX_TITLE_LENGTH)]
                self.text.flags.maxlength = MAX_TITLE_LENGTH
                self.text.render_kw = {"rows": 2}
                self.text.description = _l("The heading of the whole page.")

    @staticmethod
    def prefill(section: PolicyText) -> dict[str, Any]:
        """The saved texts, and the versions they are, for the conflict check."""
        text = section.unit.current_version(section.unit.source_language)
        data: dict[str, Any] = {
            "text": text.text if text else "",
            "text_version_id": text.id if text else "",
            "placement": AFTER if section.after_tables else BEFORE,
        }
        if section.title_unit is not None:
            title = section.title_unit.current_version(section.title_unit.source_language)
            data["title"] = title.text if title else ""
            data["title_version_id"] = title.id if title else ""
        return data

    def texts(self) -> dict[str, Any]:
        """The texts typed, as the services take them."""
        values: dict[str, Any] = {"text": self.text.data or ""}
        if "title" in self:
            values["title"] = self.title.data or ""
        return values

    def values(self) -> dict[str, Any]:
        """The texts and the place, as the services take them."""
        values = self.texts()
        if "placement" in self:
            values["after_tables"] = self.placement.data == AFTER
        return values

    def base_versions(self) -> dict[str, int | None]:
        """The versions the form started from, for ``services.update_section``."""
        return {
            "text_base_version_id": read_id(self.text_version_id.data),
            "title_base_version_id": (
                read_id(self.title_version_id.data) if "title_version_id" in self else None
            ),
        }

    def refusals(self) -> list[ServiceError]:
        return validate_section(self.section, **self.texts())
