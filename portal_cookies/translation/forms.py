"""The translation workspace's forms."""

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from sqlalchemy.orm import selectinload
from wtforms import HiddenField, SearchField, SelectField, SubmitField, TextAreaField
from wtforms.fields.choices import enum_coerce
from wtforms.validators import DataRequired, Length

from ..extensions import db
from ..forms import (
    BaseForm,
    QueryForm,
    category_options,
    choice_field,
    enum_field,
    optional,
    options,
    page_field,
)
from ..i18n import language_name
from ..models import Category, Provider, TextKind, TextUnit
from .services import MAX_TRANSLATION_LENGTH, QueueFilter, QueueParams, target_languages

FILTER_LABELS = {
    QueueFilter.ALL: _l("All texts"),
    QueueFilter.OUTDATED: _l("Outdated"),
    QueueFilter.MISSING: _l("Missing"),
    QueueFilter.NEEDS_REVIEW: _l("Needs review"),
    QueueFilter.FAILING: _l("Failing checks"),
}


class QueueForm(QueryForm):
    """The queue's language and filters, read from the query string."""

    language = choice_field(
        SelectField, _l("Language"), str, _l("Texts are not translated into this language.")
    )
    filter = choice_field(
        SelectField,
        _l("Show"),
        enum_coerce(QueueFilter),
        default=QueueFilter.ALL,
        choices=lambda: options([(key, label) for key, label in FILTER_LABELS.items()]),
    )
    category = choice_field(
        SelectField, _l("Category"), str, _l("There is no such category."), default=""
    )
    provider = choice_field(
        SelectField, _l("Provider"), optional(int), _l("There is no such provider.")
    )
    kind = enum_field(SelectField, _l("Kind of text"), TextKind, empty=_l("Any kind"))
    q = SearchField(_l("Search"), description=_l("In every language, and in cookie names."))
    page = page_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        languages = target_languages()
        self.language.choices = options([(code, language_name(code)) for code in languages])
        self.language.default = languages[0] if languages else ""
        if not self.language.raw_data:
            self.language.data = self.language.default
        categories = db.session.scalars(
            sa.select(Category)
            .options(selectinload(Category.name_unit).selectinload(TextUnit.current))
            .order_by(Category.position, Category.id)
        )
        self.category.choices = category_options(
            categories, lambda category: category.slug, empty=_("All categories")
        )
        providers = db.session.execute(
            sa.select(Provider.id, Provider.name).order_by(Provider.name)
        )
        self.provider.choices = options(list(providers), empty=_("All providers"))

    def params(self) -> QueueParams | None:
        """What to show; None when no language is translated into yet."""
        self.read()
        if not self.language.data:
            return None
        return QueueParams(
            language=self.language.data,
            filter=self.filter.data or QueueFilter.ALL,
            category=self.category.data or None,
            provider=self.provider.data,
            kind=self.kind.data,
            q=self.q.data or "",
        )


class TranslationForm(BaseForm):
    text = TextAreaField(
        _l("Translation"),
        validators=[
            DataRequired(message=_l("Write the translation, or go on to the next text.")),
            Length(max=MAX_TRANSLATION_LENGTH),
        ],
    )
    # The version the editor started from: a save is refused if someone saved since.
    base_version_id = HiddenField()
    # The memory suggestion inserted, if any: saved unchanged, it stays a draft.
    memory_version_id = HiddenField()
    save_next = SubmitField(_l("Save and next"))
    save = SubmitField(_l("Save"))

    class Meta:
        # A translation keeps its spaces: leading and trailing ones are a check's business.
        def bind_field(self, form, unbound_field, options):
            return unbound_field.bind(form=form, **options)


class VersionActionForm(BaseForm):
    """Confirm, approve or revert: the version the page showed as current."""

    base_version_id = HiddenField(validators=[DataRequired()])


class ExportForm(QueryForm):
    language = choice_field(
        SelectField, _l("Language"), str, _l("Texts are not translated into this language.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = options(
            [(code, language_name(code)) for code in target_languages()]
        )


class ImportForm(BaseForm):
    file = FileField(
        _l("PO file"),
        validators=[FileRequired(message=_l("Choose a PO file to import."))],
        description=_l("A file exported here and translated outside; its texts arrive as drafts."),
    )
    submit = SubmitField(_l("Import"))
