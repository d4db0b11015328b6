"""The inventory's forms. Their rules are the services': a form checks types and choices, then
asks the validation for every refusal of the values and shows each on its field."""

import re
import unicodedata
from typing import Any

from babel import Locale
from flask import request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice, enum_coerce
from wtforms.validators import DataRequired, Optional

from .. import checks
from ..forms import (
    CHOOSE,
    URL_INPUT,
    BaseForm,
    MultiCheckboxField,
    QueryForm,
    Readable,
    Required,
    ValidatedForm,
    category_options,
    choice_field,
    enum_field,
    minor_edit_field,
    optional,
    options,
    page_field,
)
from ..labels import form_label
from ..models import (
    Category,
    ConsentBasis,
    CookieEntry,
    DurationKind,
    DurationUnit,
    ExemptionGround,
    Location,
    Party,
    Provider,
    StorageKind,
)
from ..service_errors import ServiceError
from ..values import COUNTRY_CODES
from . import queries
from .fields import form_fields
from .validation import (
    MAX_DURATION_VALUE,
    EntryData,
    validate_category,
    validate_entry,
    validate_provider,
)

NAME_SEPARATORS = re.compile(r"[\n,]")


def split_names(text: str | None) -> list[str]:
    """Cookie names typed one per line, or separated by commas."""
    return [name.strip() for name in NAME_SEPARATORS.split(text or "") if name.strip()]


def country_names() -> dict[str, str]:
    """ISO country code -> its name in the interface language."""
    territories = Locale.parse(str(get_locale())).territories
    return {code: territories.get(code, code) for code in COUNTRY_CODES}


def country_choices() -> list[SelectChoice]:
    def alphabetical(item: tuple[str, str]) -> str:
        # "Égypte" sorts with the E's, not after "Zimbabwe".
        return unicodedata.normalize("NFKD", item[1]).encode("ascii", "ignore").decode().casefold()

    return options(sorted(country_names().items(), key=alphabetical), empty=_("No country given"))


def category_label(category: Category) -> str:
    """A category's name in the interface language, else in its source language."""
    name = category.name_unit
    return name.text(str(get_locale())) or name.source_text or category.slug


class CheckedForm(ValidatedForm):
    """An inventory form, filled with the saved values of what it edits."""

    minor_edit = minor_edit_field()

    def __init__(self, *args: Any, current: Any = None, **kwargs: Any):
        # A submitted form holds what was posted, nothing else: a field missing from the
        # request is empty, never silently the saved value.
        if current is not None and request.method != "POST":
            kwargs.setdefault("data", self.prefill(current))
        super().__init__(*args, **kwargs)
        self.current = current

    @staticmethod
    def prefill(current: Any) -> dict[str, Any]:
        """The saved values, as the fields show them."""
        return form_fields(current)


class EntryForm(CheckedForm):
    provider = choice_field(
        SelectField,
        form_label("provider"),
        optional(int),
        message=_l("Choose a provider from the list."),
        validators=[Readable(), DataRequired(_l("Choose a provider."))],
    )
    category = choice_field(
        SelectField,
        form_label("category"),
        optional(int),
        message=_l("Choose a category from the list."),
        validators=[Readable(), DataRequired(_l("Choose a category."))],
    )
    names = TextAreaField(
        form_label("names"),
        validators=[Required()],
        description=_l(
            "One name per line (commas also separate names). A name ending in “.*” stands for "
            "every name that starts with what comes before it, e.g. “_pk_id.*”."
        ),
        render_kw={"rows": 3, "spellcheck": "false", "autocapitalize": "off"},
    )
    storage_kind = enum_field(
        SelectField, form_label("storage_kind"), StorageKind, default=StorageKind.HTTP_COOKIE
    )
    party = enum_field(
        RadioField, form_label("party"), Party, validators=[Required()], default=Party.FIRST
    )
    domain = StringField(
        form_label("domain"),
        description=_l(
            "The domain that sets it, e.g. “.matomo.cloud”. Empty means the portal's own host."
        ),
        render_kw={"spellcheck": "false", "autocapitalize": "off"},
    )
    locations = enum_field(
        MultiCheckboxField, form_label("locations"), Location, default=[Location.FRONT_OFFICE]
    )
    function = StringField(form_label("function"), validators=[Required()])
    purpose = TextAreaField(form_label("purpose"), validators=[Required()], render_kw={"rows": 3})
    duration_kind = enum_field(
        RadioField, form_label("duration_kind"), DurationKind, validators=[Required()]
    )
    duration_value = IntegerField(
        form_label("duration_value"),
        validators=[Optional()],
        invalid_value_message=_l("Give a whole number, e.g. 13."),
        render_kw={"min": 1, "max": MAX_DURATION_VALUE, "inputmode": "numeric"},
    )
    duration_unit = enum_field(SelectField, form_label("duration_unit"), DurationUnit, empty=CHOOSE)
    consent_basis = enum_field(
        RadioField, form_label("consent_basis"), ConsentBasis, validators=[Required()]
    )
    exemption_ground = enum_field(
        SelectField, form_label("exemption_ground"), ExemptionGround, empty=CHOOSE
    )
    visible = BooleanField(
        form_label("visible"),
        default=True,
        description=_l("Hidden entries stay in the inventory but not on the published policy."),
    )
    last_reviewed_on = DateField(
        form_label("last_reviewed_on"),
        validators=[Optional()],
        format="%Y-%m-%d",
        description=_l("When someone last checked this entry against the portal."),
    )
    notes = TextAreaField(
        form_label("notes"),
        description=_l("For the team; never published."),
        render_kw={"rows": 3},
    )
    submit = SubmitField(_l("Save"))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.providers = {p.id: p for p in queries.list_providers()}
        self.categories = {c.id: c for c in queries.list_categories()}
        self.provider.choices = options(
            [(ident, p.name) for ident, p in self.providers.items()], empty=CHOOSE
        )
        self.category.choices = category_options(
            self.categories.values(), lambda category: category.id, empty=CHOOSE
        )

    @staticmethod
    def prefill(entry: CookieEntry) -> dict[str, Any]:
        return form_fields(entry) | {"names": "\n".join(entry.name_list)}

    def entry_data(self) -> EntryData:
        """The values typed, as the services take them.

        The duration's value and unit, and the exemption ground, apply only to some choices;
        without JavaScript they stay visible, so what they hold otherwise is dropped.
        """
        fixed = self.duration_kind.data == DurationKind.FIXED
        exempt = self.consent_basis.data == ConsentBasis.EXEMPT
        return EntryData(
            provider=self.providers.get(self.provider.data),
            category=self.categories.get(self.category.data),
            names=split_names(self.names.data),
            storage_kind=self.storage_kind.data,
            party=self.party.data,
            domain=self.domain.data or "",
            locations=list(self.locations.data or []),
            function=self.function.data or "",
            purpose=self.purpose.data or "",
            duration_kind=self.duration_kind.data,
            duration_value=self.duration_value.data if fixed else None,
            duration_unit=self.duration_unit.data if fixed else None,
            consent_basis=self.consent_basis.data,
            exemption_ground=self.exemption_ground.data if exempt else None,
            visible=self.visible.data,
            notes=self.notes.data or "",
            last_reviewed_on=self.last_reviewed_on.data,
        )

    def refusals(self) -> list[ServiceError]:
        return validate_entry(self.entry_data(), entry=self.current)


class CategoryForm(CheckedForm):
    slug = StringField(
        form_label("slug"),
        validators=[Required()],
        description=_l(
            "Lower-case letters, digits and hyphens, e.g. “statistics”: the category's "
            "identifier in exports and addresses."
        ),
        render_kw={"spellcheck": "false", "autocapitalize": "off"},
    )
    name = StringField(form_label("name"), validators=[Required()])
    explanation = TextAreaField(form_label("explanation"), render_kw={"rows": 4})
    consent_required_default = BooleanField(
        form_label("consent_required_default"),
        default=True,
        description=_l("As a rule, the cookies of this category need the visitor's consent."),
    )
    submit = SubmitField(_l("Save"))

    def values(self) -> dict[str, Any]:
        return {
            "slug": self.slug.data or "",
            "name": self.name.data or "",
            "explanation": self.explanation.data or "",
            "consent_required_default": self.consent_required_default.data,
        }

    def refusals(self) -> list[ServiceError]:
        values = self.values()
        del values["consent_required_default"]
        return validate_category(**values, category=self.current)


class ProviderForm(CheckedForm):
    name = StringField(form_label("name"), validators=[Required()])
    website = StringField(form_label("website"), render_kw=URL_INPUT)
    privacy_policy_url = StringField(
        form_label("privacy_policy_url"),
        description=_l("The address of the provider's privacy policy."),
        render_kw=URL_INPUT,
    )
    country = SelectField(
        form_label("country"),
        description=_l("Where the provider is established."),
        invalid_choice_message=_l("Choose a country from the list."),
    )
    safeguard = TextAreaField(
        form_label("safeguard"),
        description=_l(
            "Where data leaves the EU: the legal safeguard (an adequacy decision, standard "
            "contractual clauses...). Leave empty when data stays in the EU."
        ),
        render_kw={"rows": 3},
    )
    submit = SubmitField(_l("Save"))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices()

    @staticmethod
    def prefill(provider: Provider) -> dict[str, Any]:
        # The select's empty choice is "", which None would not select.
        return form_fields(provider) | {"country": provider.country or ""}

    def values(self) -> dict[str, Any]:
        return {
            "name": self.name.data or "",
            "website": self.website.data or None,
            "privacy_policy_url": self.privacy_policy_url.data or None,
            "country": self.country.data or None,
            "safeguard": self.safeguard.data or "",
        }

    def refusals(self) -> list[ServiceError]:
        return validate_provider(**self.values(), provider=self.current)


class DriftFileForm(BaseForm):
    file = FileField(
        _l("HAR or cookies.txt file"),
        validators=[FileRequired(message=_l("Choose a HAR file or a cookies.txt file."))],
        description=_l(
            "A HAR file saved from the browser's developer tools (Network tab, “Save all as "
            "HAR”) after visiting the portal, or a cookies.txt file exported from the browser."
        ),
        render_kw={"accept": ".har,.json,.txt,application/json,text/plain"},
    )
    submit = SubmitField(_l("Compare with the inventory"))


SORT_LABELS = {
    "names": (_l("Names, A to Z"), _l("Names, Z to A")),
    "provider": (_l("Provider, A to Z"), _l("Provider, Z to A")),
    "category": (_l("Category, in the policy's order"), _l("Category, in reverse order")),
    "updated": (_l("Last updated, oldest first"), _l("Last updated, newest first")),
}
# The query string's word for "missing or outdated in some language", kept for saved links.
UNTRANSLATED = "problem"
# The query string's word for "never reviewed, or not for checks.REVIEW_INTERVAL_MONTHS".
REVIEW_DUE = "due"


class EntryFilterForm(QueryForm):
    """The inventory list's filters, read from the query string.

    What the address gets wrong is shown on the form and ignored, never an error page.
    """

    q = SearchField(_l("Search"), description=_l("Names, providers, functions and purposes."))
    category = choice_field(
        SelectField, _l("Category"), str, _l("There is no such category."), default=""
    )
    provider = choice_field(
        SelectField, _l("Provider"), optional(int), _l("There is no such provider.")
    )
    party = enum_field(SelectField, _l("Party"), Party, empty=_l("Any party"))
    consent = enum_field(SelectField, _l("Consent"), ConsentBasis, empty=_l("Any consent basis"))
    status = choice_field(
        SelectField,
        _l("Status"),
        enum_coerce(queries.EntryStatus),
        default=queries.EntryStatus.ACTIVE,
        choices=lambda: options(
            [
                (queries.EntryStatus.ACTIVE, _("Active")),
                (queries.EntryStatus.ARCHIVED, _("Archived")),
                (queries.EntryStatus.ALL, _("All")),
            ]
        ),
    )
    translation = choice_field(
        SelectField,
        _l("Translation"),
        str,
        default="",
        choices=lambda: options([(UNTRANSLATED, _("Missing or outdated"))], _("Any")),
    )
    review = choice_field(
        SelectField,
        _l("Review"),
        str,
        default="",
        choices=lambda: options(
            [
                (
                    REVIEW_DUE,
                    _(
                        "Not reviewed for %(months)s months",
                        months=checks.REVIEW_INTERVAL_MONTHS,
                    ),
                )
            ],
            _("Any"),
        ),
    )
    sort = choice_field(
        SelectField,
        _l("Sort by"),
        str,
        default="names",
        choices=lambda: options(
            [
                (f"{prefix}{key}", labels[index])
                for key, labels in SORT_LABELS.items()
                for index, prefix in enumerate(("", "-"))
            ]
        ),
    )
    page = page_field()

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._categories = {c.slug: c for c in queries.list_categories()}
        self._providers = {p.id: p for p in queries.list_providers()}
        self.category.choices = category_options(
            self._categories.values(), lambda category: category.slug, empty=_("All categories")
        )
        self.provider.choices = options(
            [(ident, p.name) for ident, p in self._providers.items()], empty=_("All providers")
        )

    def filters(self) -> queries.EntryFilters:
        """Validate, set aside what is not understood, and say what to show."""
        self.read()
        sort = self.sort.data or "names"
        return queries.EntryFilters(
            q=self.q.data or "",
            category=self._categories.get(self.category.data or ""),
            provider=self._providers.get(self.provider.data),
            party=self.party.data,
            consent_basis=self.consent.data,
            status=self.status.data,
            untranslated=self.translation.data == UNTRANSLATED,
            review_due=self.review.data == REVIEW_DUE,
            sort=queries.EntrySort(sort.lstrip("-")),
            descending=sort.startswith("-"),
        )


class ReviewForm(BaseForm):
    """Entries of the inventory list marked as reviewed at once: the ones ticked, or every
    one the page shows. The list draws the checkboxes and the page's ids itself, in its
    table; the services say which ids exist."""

    entry = SelectMultipleField(validate_choice=False)
    shown = SelectMultipleField(validate_choice=False)
    mark_selected = SubmitField(_l("Mark selected as reviewed"))
    mark_shown = SubmitField(_l("Mark all shown as reviewed"))

    def entry_ids(self) -> list[int]:
        chosen = (self.shown.data if self.mark_shown.data else self.entry.data) or []
        if not all(value.isdecimal() and len(value) < 19 for value in chosen):
            raise ServiceError(
                _("The selection could not be read; nothing was changed. Reload the list.")
            )
        return [int(value) for value in chosen]


# --- Exchange -----------------------------------------------------------------------------


class ExportForm(QueryForm):
    format = RadioField(
        _l("Format"),
        choices=[SelectChoice("csv", "CSV"), SelectChoice("json", "JSON")],
        default="csv",
        validators=[DataRequired(message=_l("Choose CSV or JSON."))],
    )
    bom = BooleanField(
        _l("Start the CSV file with a byte-order mark"),
        description=_l("Some spreadsheets (Excel) need it to read accented letters right."),
    )


class ImportForm(BaseForm):
    file = FileField(
        _l("CSV or JSON file"),
        validators=[FileRequired(message=_l("Choose a CSV or JSON file to import."))],
        description=_l(
            "A file exported here, edited or not. Nothing changes until you confirm the preview."
        ),
    )
    submit = SubmitField(_l("Preview the import"))


class ConfirmImportForm(BaseForm):
    token = HiddenField()
    skip_invalid = BooleanField(
        _l("Skip the invalid rows"),
        description=_l("Import the valid rows only; without this, one invalid row stops all."),
    )
    submit = SubmitField(_l("Import"))
