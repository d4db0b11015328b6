"""The demo portal of DESIGN.md §7, loaded by ``flask demo load``.

Everything goes through the same services as the interface, so the demo is also a smoke test
of them. Loading twice changes nothing: each piece is looked up by its natural key first.
"""

import secrets
from dataclasses import dataclass
from datetime import date

from .auth import services as auth_services
from .catalogue import services as catalogue
from .extensions import db
from .inventory import services as inventory
from .models import (
    DEFAULT_COMPLAINT_URL,
    DEFAULT_TIME_ZONE,
    Category,
    ConsentBasis,
    CookieName,
    DurationKind,
    DurationUnit,
    ExemptionGround,
    Location,
    Party,
    PolicyText,
    PortalSettings,
    Provider,
    Role,
    StorageKind,
    TextOrigin,
    TextState,
    TextUnit,
)
from .portal import create_policy_text, get_settings, portal_values, update_portal
from .publishing import services as publishing
from .texts import save_text, status_of
from .users import services as users

PORTAL_NAME = "DataCorsica – Ville de Bastia"
PORTAL_URL = "https://mairie-bastia-datacorsica.opendatasoft.com"
SOURCE = "fr"
LANGUAGES = ["fr", "en"]
# Every setting a real portal has, so that the published page leads nowhere dead. The
# addresses are on the portal's own domain; the postal address is written for the demo.
PORTAL_SETTINGS = {
    "controller_name": "Ville de Bastia",
    "controller_address": "Hôtel de ville\nAvenue Pierre-Giudicelli\n20200 Bastia\nFrance",
    "contact_email": "donnees-personnelles@mairie-bastia-datacorsica.opendatasoft.com",
    "dpo_email": "dpo@mairie-bastia-datacorsica.opendatasoft.com",
    "privacy_policy_url": f"{PORTAL_URL}/pages/donnees-personnelles/",
    "consent_centre_url": f"{PORTAL_URL}/pages/gestion-des-cookies/",
    "complaint_url": DEFAULT_COMPLAINT_URL,
    "time_zone": DEFAULT_TIME_ZONE,
}

# Each text: (French source, English translation).
Texts = tuple[str, str]

POLICY_TEXTS: list[tuple[str, Texts]] = [
    ("title", ("Politique de cookies", "Cookie policy")),
    (
        "introduction",
        (
            "Ce portail de données ouvertes dépose un petit nombre de cookies. Cette page dit "
            "lesquels, à quoi ils servent, combien de temps ils restent dans votre navigateur "
            "et lesquels demandent votre accord.",
            "This open-data portal stores a small number of cookies. This page lists them, "
            "says what each one is for and how long it stays in your browser, and which of "
            "them need your agreement.",
        ),
    ),
    (
        "what_is_a_cookie",
        (
            "Un cookie est une petite information qu'un site enregistre dans votre navigateur "
            "et que celui-ci lui renvoie à chaque visite. Le même mot désigne ici les autres "
            "moyens de conserver une information sur votre appareil, comme le *localStorage*."
            "\n\n"
            "Certains cookies sont indispensables : sans eux, la connexion ou le choix de la "
            "langue ne fonctionneraient pas. Ils ne demandent pas votre accord. Les autres, "
            "comme ceux qui mesurent l'audience ou viennent d'un autre site, ne sont déposés "
            "qu'avec votre consentement.",
            "A cookie is a small piece of information that a website stores in your browser, "
            "which the browser sends back on each visit. Here the word also covers other ways "
            "of keeping information on your device, such as *localStorage*."
            "\n\n"
            "Some cookies are essential: without them, logging in or choosing a language "
            "would not work. They do not need your agreement. The others, such as those that "
            "measure audience or come from another website, are only stored with your "
            "consent.",
        ),
    ),
    (
        "managing_consent",
        (
            "Vous pouvez accepter ou refuser les cookies soumis à consentement, et changer "
            "d'avis à tout moment depuis le centre de gestion des cookies du portail. Vous "
            "pouvez aussi supprimer les cookies depuis les réglages de votre navigateur ; "
            "vous devrez alors peut-être vous reconnecter.",
            "You can accept or refuse the cookies that need consent, and change your mind at "
            "any time from the portal's cookie management centre. You can also delete cookies "
            "from your browser's settings; you may then have to log in again.",
        ),
    ),
    (
        "contact",
        (
            "Pour toute question sur ces cookies ou sur vos données personnelles, écrivez au "
            "délégué à la protection des données de la Ville de Bastia.",
            "For any question about these cookies or your personal data, write to the City of "
            "Bastia's data protection officer.",
        ),
    ),
]


@dataclass(frozen=True)
class DemoCategory:
    slug: str
    consent_required_default: bool
    name: Texts
    explanation: Texts


CATEGORIES = [
    DemoCategory(
        "necessary",
        False,
        ("Cookies nécessaires au fonctionnement du portail", "Cookies the portal needs to work"),
        (
            "Sans ces cookies, le portail ne peut pas fonctionner : ils ne servent qu'à "
            "rendre le service que vous demandez et sont exemptés de consentement.",
            "Without these cookies the portal cannot work: they only serve to provide the "
            "service you ask for and are exempt from consent.",
        ),
    ),
    DemoCategory(
        "statistics",
        True,
        ("Mesure d'audience", "Audience measurement"),
        (
            "Ces cookies comptent les visites et les pages consultées pour améliorer le portail.",
            "These cookies count visits and pages viewed, to improve the portal.",
        ),
    ),
    DemoCategory(
        "preferences",
        True,
        ("Préférences", "Preferences"),
        (
            "Ces cookies retiennent des réglages d'affichage que vous avez choisis.",
            "These cookies remember display settings you chose.",
        ),
    ),
    DemoCategory(
        "marketing",
        True,
        ("Contenus tiers et réseaux sociaux", "Third-party content and social networks"),
        (
            "Ces cookies sont déposés par des services extérieurs intégrés aux pages, comme "
            "des vidéos ou des boutons de partage.",
            "These cookies are set by outside services embedded in pages, such as videos or "
            "share buttons.",
        ),
    ),
]


@dataclass(frozen=True)
class DemoEntry:
    name: str
    function: Texts
    purpose: Texts
    duration: tuple[int, DurationUnit]
    ground: ExemptionGround


# Durations as Opendatasoft states them on its newer portals.
ENTRIES = [
    DemoEntry(
        "sessionid",
        ("Authentification", "Authentication"),
        (
            "Garder l'utilisateur connecté d'une page à l'autre.",
            "Keeps the user logged in from one page to the next.",
        ),
        (2, DurationUnit.WEEKS),
        ExemptionGround.AUTHENTICATION,
    ),
    DemoEntry(
        "django_language",
        ("Choix de la langue", "Language selection"),
        (
            "Retenir la langue choisie par le visiteur.",
            "Remembers the language the visitor chose.",
        ),
        (12, DurationUnit.MONTHS),
        ExemptionGround.INTERFACE_LANGUAGE,
    ),
    DemoEntry(
        "csrftoken",
        ("Sécurité des formulaires et de l'API (CSRF)", "Form and API security (CSRF)"),
        (
            "Protéger les formulaires et les appels à l'API contre la falsification de "
            "requêtes intersites.",
            "Protects forms and API calls against cross-site request forgery.",
        ),
        (12, DurationUnit.MONTHS),
        ExemptionGround.SECURITY,
    ),
    DemoEntry(
        "cookies_preferences",
        ("Choix relatifs aux cookies", "Cookie choices"),
        (
            "Retenir les choix du visiteur sur les cookies soumis à consentement.",
            "Remembers the visitor's choices about the cookies that need consent.",
        ),
        (6, DurationUnit.MONTHS),
        ExemptionGround.CONSENT_STORAGE,
    ),
]

DEMO_ACCOUNTS = [
    ("admin@example.org", Role.ADMIN),
    ("operator@example.org", Role.OPERATOR),
    ("translator@example.org", Role.TRANSLATOR),
]


def _translate(unit: TextUnit, english: str) -> None:
    """Give a unit its English text, unless it has one already."""
    if status_of(unit, "en").value in ("missing", "outdated"):
        current = unit.current_version("en")
        save_text(
            unit,
            "en",
            english,
            None,
            base_version_id=current.id if current else None,
            state=TextState.TRANSLATED,
            origin=TextOrigin.IMPORT,
        )
        db.session.commit()


def _load_settings(report: list[str]) -> None:
    """Set up the portal, or give an existing one the settings it has no value for (added
    since it was loaded): a value someone chose is never replaced."""
    if db.session.scalar(db.select(PortalSettings.id)) is None:
        update_portal(
            actor=None,
            name=PORTAL_NAME,
            base_url=PORTAL_URL,
            source_language=SOURCE,
            languages=list(LANGUAGES),
            **PORTAL_SETTINGS,
        )
        report.append(f"Portal: {PORTAL_NAME} ({PORTAL_URL}), languages {', '.join(LANGUAGES)}.")
        return
    saved = portal_values(get_settings())
    missing = {key: value for key, value in PORTAL_SETTINGS.items() if not saved[key]}
    if missing:
        update_portal(actor=None, **missing)
        report.append(f"Portal settings: {', '.join(missing)}.")


def _load_policy_texts(report: list[str]) -> None:
    for position, (key, (french, english)) in enumerate(POLICY_TEXTS):
        policy_text = db.session.scalar(db.select(PolicyText).where(PolicyText.key == key))
        if policy_text is None:
            policy_text = create_policy_text(key, french, position=position, actor=None)
            report.append(f"Policy text: {key}.")
        _translate(policy_text.unit, english)


def _load_categories(report: list[str]) -> dict[str, Category]:
    categories = {}
    for demo in CATEGORIES:
        category = db.session.scalar(db.select(Category).where(Category.slug == demo.slug))
        if category is None:
            category = inventory.create_category(
                slug=demo.slug,
                name=demo.name[0],
                explanation=demo.explanation[0],
                consent_required_default=demo.consent_required_default,
                actor=None,
            )
            report.append(f"Category: {demo.slug}.")
        _translate(category.name_unit, demo.name[1])
        _translate(category.explanation_unit, demo.explanation[1])
        categories[demo.slug] = category
    return categories


def _load_provider(report: list[str]) -> Provider:
    provider = db.session.scalar(db.select(Provider).where(Provider.name == "Opendatasoft"))
    if provider is None:
        provider = inventory.create_provider(
            name="Opendatasoft",
            website="https://www.opendatasoft.com",
            privacy_policy_url=None,
            country="FR",
            safeguard="",
            actor=None,
        )
        report.append("Provider: Opendatasoft.")
    return provider


def _load_entries(report: list[str], provider: Provider, necessary: Category) -> None:
    for demo in ENTRIES:
        existing = db.session.scalar(db.select(CookieName).where(CookieName.name == demo.name))
        if existing is not None:
            entry = existing.entry
        else:
            value, unit = demo.duration
            entry = inventory.create_entry(
                inventory.EntryData(
                    provider=provider,
                    category=necessary,
                    names=[demo.name],
                    storage_kind=StorageKind.HTTP_COOKIE,
                    party=Party.FIRST,
                    domain="",
                    locations=[Location.FRONT_OFFICE, Location.BACK_OFFICE],
                    function=demo.function[0],
                    purpose=demo.purpose[0],
                    duration_kind=DurationKind.FIXED,
                    duration_value=value,
                    duration_unit=unit,
                    consent_basis=ConsentBasis.EXEMPT,
                    exemption_ground=demo.ground,
                    # Checked against the portal when the demo is loaded.
                    last_reviewed_on=date.today(),
                ),
                actor=None,
            )
            report.append(f"Cookie: {demo.name}.")
        _translate(entry.function_unit, demo.function[1])
        _translate(entry.purpose_unit, demo.purpose[1])


def _load_accounts(report: list[str]) -> None:
    for email, role in DEMO_ACCOUNTS:
        if auth_services.find_user(email) is not None:
            report.append(
                f"Account {email} ({role.value}) exists; its password is unchanged "
                f"(reset it with: flask users set-password {email})."
            )
            continue
        password = secrets.token_urlsafe(12)
        users.create_user(email, role, password)
        report.append(f"Account {email} ({role.value}), password: {password}  (shown once)")


def _publish_first_version(report: list[str]) -> None:
    """Publish version 1, so the public page shows a policy at once; only once, ever."""
    if publishing.current_version() is not None:
        return
    version = publishing.publish_policy(
        note="Première publication de la politique de cookies du portail.",
        note_translations={"en": "First publication of the portal's cookie policy."},
        actor=None,
    )
    report.append(f"Published version {version.number} of the cookie policy.")


def _load_catalogue(report: list[str]) -> None:
    """Suggestions from the first entry on: the shipped Open Cookie Database, unless the
    portal has a catalogue already."""
    counts = catalogue.import_shipped_catalogue_if_empty()
    if counts is not None:
        report.append(f"Catalogue of known cookies: {counts.added} from the {catalogue.SOURCE}.")


def load_demo_portal() -> list[str]:
    """Create whatever part of the demo portal is missing; returns what it did, line by line."""
    report: list[str] = []
    _load_settings(report)
    _load_policy_texts(report)
    categories = _load_categories(report)
    provider = _load_provider(report)
    _load_entries(report, provider, categories["necessary"])
    _publish_first_version(report)
    _load_catalogue(report)
    if not report:
        report.append("The demo portal is already loaded.")
    _load_accounts(report)
    return report
