"""The checks of the portal's settings that the published page cannot do without.

Article 13 GDPR: the page names the controller and how to reach it. CNIL deliberation
2020-091: withdrawing consent is as easy as giving it, so a page whose cookies need consent
(or keep consent choices) links to where a visitor withdraws it. Each problem names the
setting, whose field on the settings page has the setting's name as its id.
"""

from collections.abc import Iterable

from flask_babel import gettext as _

from ..labels import field_label
from ..models import ConsentBasis, CookieEntry, ExemptionGround, PortalSettings
from .problems import Check, Problem, make_problem


def portal_problems(settings: PortalSettings, shown: Iterable[CookieEntry]) -> list[Problem]:
    """What the page would lack, given the settings and the entries it shows."""
    found = []

    def add(check: Check, setting: str, message: str) -> None:
        found.append(make_problem(check, message, setting=setting))

    def named(setting: str) -> str:
        return field_label(setting, capitalized=True)

    if not settings.controller_name:
        add(
            Check.CONTROLLER_MISSING,
            "controller_name",
            _(
                "The page must name the controller, who answers for the data: set "
                "“%(setting)s” in the portal settings.",
                setting=named("controller_name"),
            ),
        )
    if not settings.contact_email:
        add(
            Check.CONTACT_MISSING,
            "contact_email",
            _(
                "The page must say how to reach the controller: set “%(setting)s” in the "
                "portal settings.",
                setting=named("contact_email"),
            ),
        )
    # Where visitors give consent, they must be able to withdraw it: an entry that needs
    # consent, or one that keeps their consent choices, says they give it on this portal.
    asking = sorted(
        entry.label
        for entry in shown
        if entry.consent_basis == ConsentBasis.CONSENT
        or entry.exemption_ground == ExemptionGround.CONSENT_STORAGE
    )
    if asking and not settings.consent_centre_url:
        add(
            Check.CONSENT_CENTRE_MISSING,
            "consent_centre_url",
            _(
                "Visitors give their consent on this portal (%(cookies)s) and must be able to "
                "withdraw it as easily as they gave it: set the “%(setting)s” address in the "
                "portal settings.",
                cookies=", ".join(asking),
                setting=named("consent_centre_url"),
            ),
        )
    return found
