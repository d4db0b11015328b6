"""The settings form. Its rules are ``portal.validate_portal``'s: the form shows each refusal
on its field, all at once."""

import re
from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField, SubmitField, TextAreaField

from ..forms import EMAIL_INPUT, URL_INPUT, BaseForm, Required
from ..labels import form_label
from ..models import PortalSettings
from ..portal import PortalValues, portal_values, validate_portal

LANGUAGE_SEPARATORS = re.compile(r"[\s,;]+")
URL = URL_INPUT
EMAIL = {**EMAIL_INPUT, "autocomplete": "off"}


class SettingsForm(BaseForm):
    # Portal
    name = StringField(
        _l("Portal name"),
        validators=[Required()],
        description=_l("As the policy page shows it."),
    )
    base_url = StringField(
        _l("Public address"),
        description=_l("The portal's home page; the policy page links to it."),
        render_kw=URL,
    )
    # Languages
    source_language = StringField(
        form_label("source_language"),
        validators=[Required()],
        description=_l(
            "The language the texts are written in, as an ISO code (fr). It can change only "
            "while no text exists."
        ),
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )
    languages = StringField(
        _l("Enabled languages"),
        description=_l(
            "ISO codes separated by commas, such as fr, en, co. Enabling a language is all it "
            "takes to translate into it: its texts show as missing in the translation queue. "
            "The source language is always enabled and comes first."
        ),
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )
    confirm_disabling = BooleanField(_l("Disable anyway"))
    # Controller and contact
    controller_name = StringField(
        form_label("controller_name"),
        description=_l("The body responsible for the processing, such as “Ville de Bastia”."),
    )
    controller_address = TextAreaField(
        form_label("controller_address"), render_kw={"rows": 4, "autocomplete": "off"}
    )
    contact_email = StringField(
        form_label("contact_email"),
        description=_l("Where visitors write with questions about cookies and their data."),
        render_kw=EMAIL,
    )
    dpo_email = StringField(
        form_label("dpo_email"),
        description=_l("Optional: shown beside the contact e-mail."),
        render_kw=EMAIL,
    )
    # Addresses for visitors
    privacy_policy_url = StringField(
        _l("Privacy policy"),
        description=_l("The address of the portal's privacy policy."),
        render_kw=URL,
    )
    consent_centre_url = StringField(
        form_label("consent_centre_url"),
        description=_l("Where a visitor changes or withdraws consent on the portal."),
        render_kw=URL,
    )
    complaint_url = StringField(
        _l("Complaint page of the supervisory authority"),
        validators=[Required()],
        description=_l(
            "Where visitors may complain about the use of their data; in France, the CNIL's."
        ),
        render_kw=URL,
    )
    # Time and review
    time_zone = StringField(
        form_label("time_zone"),
        validators=[Required()],
        description=_l(
            "Dates on the policy page and in this interface are written in it: an IANA name "
            "such as Europe/Paris."
        ),
        render_kw={"list": "time-zones", "spellcheck": "false", "autocomplete": "off"},
    )
    review_required = BooleanField(
        _l("Review required: only approved translations are ready"),
        description=_l("Another person then approves each translation before it counts."),
    )
    submit = SubmitField(_l("Save the settings"))

    def __init__(self, *args: Any, settings: PortalSettings, source_fixed: bool, **kwargs: Any):
        # A submitted form holds what was posted, nothing else: a field missing from the
        # request is empty, never silently the saved value.
        if request.method != "POST":
            saved = portal_values(settings)
            kwargs.setdefault("data", saved | {"languages": ", ".join(saved["languages"])})
        super().__init__(*args, **kwargs)
        if source_fixed:
            self.source_language.render_kw = {**self.source_language.render_kw, "readonly": True}

    def values(self) -> dict[str, Any]:
        """The settings as ``PortalValues`` keywords."""
        return {
            "name": self.name.data or "",
            "base_url": self.base_url.data or "",
            "source_language": self.source_language.data or "",
            "languages": LANGUAGE_SEPARATORS.split(self.languages.data or ""),
            "controller_name": self.controller_name.data or "",
            "controller_address": self.controller_address.data or "",
            "contact_email": self.contact_email.data or "",
            "dpo_email": self.dpo_email.data or "",
            "privacy_policy_url": self.privacy_policy_url.data or "",
            "consent_centre_url": self.consent_centre_url.data or "",
            "complaint_url": self.complaint_url.data or "",
            "time_zone": self.time_zone.data or "",
            "review_required": self.review_required.data,
        }

    def validate(self, extra_validators: Any = None) -> bool:
        super().validate(extra_validators)
        refusals = validate_portal(
            PortalValues(**self.values()), confirm_disabling=self.confirm_disabling.data
        )
        for refusal in refusals:
            self.add_refusal(refusal)
        return not self.errors

    @property
    def asks_confirmation(self) -> bool:
        """Whether the page shows the box that confirms disabling published languages."""
        return bool(self.confirm_disabling.errors or self.confirm_disabling.data)
