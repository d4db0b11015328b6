"""The portal's settings: the page at /admin/settings/, the rules behind it, and what the
public page, the draft and the demo make of them. Who may open the page: tests/test_access.py.
"""

import html
import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from portal_cookies.demo import PORTAL_SETTINGS, load_demo_portal
from portal_cookies.extensions import db
from portal_cookies.models import DEFAULT_COMPLAINT_URL, AuditEvent, PortalSettings, Role
from portal_cookies.portal import create_policy_text, get_settings, portal_values, update_portal
from portal_cookies.publishing import services as publishing
from portal_cookies.publishing.changes import compare
from portal_cookies.publishing.content import build_content
from portal_cookies.publishing.render import render_json, render_page
from portal_cookies.service_errors import ServiceError
from portal_cookies.texts import TextStatus
from portal_cookies.translation.services import QueueParams, build_queue
from tests.helpers import count_rows, log_in

SETTINGS = "/admin/settings/"
PORTAL_URL = "https://mairie-bastia-datacorsica.opendatasoft.com"


@pytest.fixture
def demo():
    """The demo portal: every setting given, version 1 published in French and English."""
    load_demo_portal()
    return get_settings()


@pytest.fixture
def portal(make_published):
    """What most tests need of the demo, faster: its settings, a text, version 1 stored in
    French and English."""
    update_portal(
        actor=None,
        name="DataCorsica – Ville de Bastia",
        base_url=PORTAL_URL,
        languages=["fr", "en"],
        **PORTAL_SETTINGS,
    )
    create_policy_text("contact", "Écrivez-nous.", position=0, actor=None)
    make_published(1)
    return get_settings()


@pytest.fixture
def admin(client):
    return log_in(client, Role.ADMIN)


def form_of(settings: PortalSettings, **changes: str) -> dict[str, str]:
    """The settings form as the page fills it in, with ``changes`` typed over it."""
    values = portal_values(settings)
    form = {
        key: value or ""
        for key, value in values.items()
        if key not in ("languages", "review_required")
    }
    form["languages"] = ", ".join(values["languages"])
    if values["review_required"]:
        form["review_required"] = "y"
    return form | changes


def text_of(response) -> str:
    """The page as a reader sees its words (entities decoded)."""
    return html.unescape(response.get_data(as_text=True))


def field_value(response, name: str) -> str:
    page = response.get_data(as_text=True)
    start = page.index(f'name="{name}"')
    tag = page[page.rindex("<", 0, start) : page.index(">", start)]
    return html.unescape(tag.split('value="', 1)[1].split('"', 1)[0])


# --- Bad input ----------------------------------------------------------------------------

BAD_INPUT = [
    ("name", "", "Give the portal a name"),
    ("name", "n" * 201, "Keep it to 200 characters at most"),
    ("base_url", "mairie-bastia.example", "Give a full web address starting with https://"),
    ("base_url", "javascript:alert(1)", "Give a full web address starting with https://"),
    ("privacy_policy_url", "javascript:alert(document.cookie)", "Give a full web address"),
    ("consent_centre_url", "ftp://example.org/cookies", "Give a full web address"),
    ("consent_centre_url", "https://example.org/" + "x" * 500, "Give a full web address"),
    ("complaint_url", "", "Give the address where visitors complain"),
    ("complaint_url", "data:text/html,<script>alert(1)</script>", "Give a full web address"),
    ("contact_email", "not an address", "This is not a valid e-mail address."),
    ("contact_email", "c" * 300 + "@example.org", "This is not a valid e-mail address."),
    ("dpo_email", "dpo@", "This is not a valid e-mail address."),
    ("controller_name", "c" * 201, "Keep it to 200 characters at most"),
    ("controller_name", "Ville\nde Bastia", "Keep it on one line: remove the line break"),
    ("controller_address", "a" * 1001, "Keep it to 1000 characters at most"),
    ("languages", "fr, en, xx-nope", "Unknown language code: xx_nope"),
    ("languages", "fr, " + "e" * 40, "Unknown language code"),
    ("time_zone", "Mars/Olympus_Mons", "Choose a time zone from the list"),
    ("time_zone", "", "Choose a time zone from the list"),
    ("time_zone", "Europe/Paris" * 10, "Choose a time zone from the list"),
    ("source_language", "en", "The source language cannot change once texts exist"),
]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    BAD_INPUT,
    ids=[f"{case[0]}={case[1]!r:.24}" for case in BAD_INPUT],
)
def test_bad_input_is_refused_on_its_field_and_changes_nothing(
    client, portal, admin, field, value, message
):
    before, events = portal_values(portal), count_rows(AuditEvent)

    response = client.post(SETTINGS, data=form_of(portal, **{field: value}))

    assert response.status_code == 200
    page = text_of(response)
    assert "The form has errors; nothing was saved." in page
    assert message in page
    assert f'id="{field}-error"' in page, "the message is shown on its field"
    assert portal_values(get_settings()) == before
    assert count_rows(AuditEvent) == events


def test_every_refusal_shows_at_once_and_what_was_typed_stays(client, portal, admin):
    response = client.post(
        SETTINGS,
        data=form_of(portal, name="Nouveau nom", contact_email="nope", time_zone="Nowhere"),
    )

    page = text_of(response)
    assert "This is not a valid e-mail address." in page
    assert "Choose a time zone from the list" in page
    assert field_value(response, "name") == "Nouveau nom"
    assert get_settings().name == portal.name


def test_the_service_checks_every_value_before_setting_any(portal):
    with pytest.raises(ServiceError, match="time zone") as refusal:
        update_portal(actor=None, name="Nouveau nom", time_zone="Nowhere/City")

    assert refusal.value.field == "time_zone"
    db.session.expire_all()
    assert get_settings().name == "DataCorsica – Ville de Bastia"


def test_an_unknown_source_language_is_refused_while_no_text_exists():
    with pytest.raises(ServiceError, match="Unknown language code: klingon") as refusal:
        update_portal(actor=None, name="Portail", source_language="klingon")

    assert refusal.value.field == "source_language"
    assert count_rows(PortalSettings) == 0


# --- Saving -------------------------------------------------------------------------------


def test_an_administrator_saves_every_setting_with_one_audit_event_of_what_changed(
    client, portal, admin
):
    response = client.post(
        SETTINGS,
        data=form_of(
            portal,
            name="Données de Bastia",
            controller_address="1 place du Marché \r\n\r\n20200 Bastia",
            contact_email=" Contact@Bastia.example ",
            dpo_email="",
            time_zone="Europe/Brussels",
            review_required="y",
        ),
    )

    assert response.status_code == 302
    assert "reaches visitors with the next publication" in text_of(client.get(SETTINGS))
    settings = get_settings()
    assert (settings.name, settings.contact_email, settings.dpo_email) == (
        "Données de Bastia",
        "contact@bastia.example",
        None,
    )
    assert settings.controller_address == "1 place du Marché\n20200 Bastia"
    assert (settings.time_zone, settings.review_required) == ("Europe/Brussels", True)
    event = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.object_type == "PortalSettings")
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).one()
    assert event.actor_id == admin.id
    assert sorted(event.after) == [
        "contact_email",
        "controller_address",
        "dpo_email",
        "name",
        "review_required",
        "time_zone",
    ]
    assert event.before["time_zone"] == "Europe/Paris"


def test_saving_unchanged_settings_records_nothing(client, portal, admin):
    events = count_rows(AuditEvent)

    response = client.post(SETTINGS, data=form_of(portal))

    assert response.status_code == 302
    assert count_rows(AuditEvent) == events


def test_a_fresh_installation_is_set_up_from_the_page(client, admin):
    page = client.get(SETTINGS)
    assert field_value(page, "time_zone") == "Europe/Paris"
    assert field_value(page, "complaint_url") == DEFAULT_COMPLAINT_URL

    response = client.post(
        SETTINGS,
        data={
            "name": "Open data of Corte",
            "source_language": "en",
            "languages": "fr en",
            "complaint_url": DEFAULT_COMPLAINT_URL,
            "time_zone": "Europe/Paris",
        },
    )

    assert response.status_code == 302
    settings = get_settings()
    assert (settings.name, settings.source_language) == ("Open data of Corte", "en")
    assert settings.enabled_languages == ["en", "fr"]


def test_the_source_language_is_read_only_once_texts_exist(client, portal, admin):
    response = client.get(SETTINGS)

    page = text_of(response)
    assert "It no longer changes: every text was written in it" in page
    tag = page[page.index('id="source_language"') - 200 : page.index('id="source_language"') + 200]
    assert " readonly" in tag


# --- Languages ----------------------------------------------------------------------------


def test_disabling_a_published_language_asks_first_and_says_what_happens(client, portal, admin):
    typed = form_of(portal, languages="fr", name="Nouveau nom")

    response = client.post(SETTINGS, data=typed)

    assert response.status_code == 200
    page = text_of(response)
    assert "English is in the published policy." in page
    assert "/en/cookies" in page and "keeps showing version 1 until the next publication" in page
    assert "/en/cookies/v/1" in page
    assert 'name="confirm_disabling"' in page
    assert field_value(response, "name") == "Nouveau nom"
    assert field_value(response, "languages") == "fr"
    assert get_settings().enabled_languages == ["fr", "en"]

    confirmed = client.post(SETTINGS, data=typed | {"confirm_disabling": "y"})

    assert confirmed.status_code == 302
    assert get_settings().enabled_languages == ["fr"]
    assert get_settings().name == "Nouveau nom"


def test_what_the_confirmation_says_is_what_happens(client, demo, admin):
    client.post(SETTINGS, data=form_of(demo, languages="fr", confirm_disabling="y"))

    assert client.get("/en/cookies").status_code == 200
    publishing.publish_policy(note="Without English", actor=None)

    assert client.get("/en/cookies").status_code == 404
    assert client.get("/en/cookies.json").status_code == 404
    assert client.get("/en/cookies/v/1").status_code == 200
    assert client.get("/fr/cookies/v/2").status_code == 200
    update_portal(actor=None, languages=["fr", "en"])
    queue = build_queue(QueueParams(language="en"))
    assert queue and TextStatus.MISSING not in {item.status for item in queue}


def test_a_language_without_published_pages_is_disabled_at_once(client, portal, admin):
    update_portal(actor=None, languages=["fr", "en", "de"])

    response = client.post(SETTINGS, data=form_of(get_settings(), languages="fr, en"))

    assert response.status_code == 302
    assert get_settings().enabled_languages == ["fr", "en"]


def test_the_command_line_disables_a_published_language_only_when_told(runner, portal):
    refused = runner.invoke(args=["portal", "set", "--languages", "fr"])
    assert refused.exit_code == 1
    assert "English is in the published policy." in refused.output

    done = runner.invoke(args=["portal", "set", "--languages", "fr", "--disable-published"])
    assert done.exit_code == 0, done.output
    assert "languages\tfr\n" in done.output


def test_enabling_a_language_makes_its_texts_missing_in_the_translation_queue(
    client, portal, admin
):
    response = client.post(SETTINGS, data=form_of(portal, languages="fr, en, co"))

    assert response.status_code == 302
    queue = build_queue(QueueParams(language="co"))
    assert queue and {item.status for item in queue} == {TextStatus.MISSING}
    assert "Corsican" in text_of(client.get("/admin/translation/"))


# --- Review -------------------------------------------------------------------------------


def test_an_administrator_turns_review_on_in_the_settings(client, portal, admin):
    response = client.post(SETTINGS, data=form_of(portal, review_required="y"))

    assert response.status_code == 302
    assert get_settings().review_required is True
    queue = text_of(client.get("/admin/translation/"))
    assert "Review is required" in queue
    assert 'href="/admin/settings/#section-time-and-review"' in queue


def test_review_is_turned_off_by_leaving_the_box_unticked(client, portal, admin):
    update_portal(actor=None, review_required=True)

    client.post(SETTINGS, data={**form_of(get_settings()), "review_required": ""})

    assert get_settings().review_required is False


def test_only_administrators_are_sent_to_the_settings_from_the_queue(client, portal):
    log_in(client, Role.OPERATOR)

    assert "/admin/settings/" not in text_of(client.get("/admin/translation/"))


# --- The draft and the public page --------------------------------------------------------


def test_settings_reach_visitors_only_by_publishing(client, demo, admin):
    client.post(
        SETTINGS,
        data=form_of(demo, controller_name="Commune de Bastia", dpo_email="rgpd@bastia.example"),
    )

    diff = text_of(client.get("/admin/publishing/"))
    assert "Portal settings changed" in diff
    assert ">controller</th>" in diff and "Commune de Bastia" in diff
    assert ">data protection officer's e-mail</th>" in diff
    assert "Commune de Bastia" not in text_of(client.get("/fr/cookies"))

    publishing.publish_policy(note="New controller", actor=None)

    page = text_of(client.get("/fr/cookies"))
    assert "Commune de Bastia" in page
    assert '<a href="mailto:rgpd@bastia.example"><bdi>rgpd@bastia.example</bdi></a>' in page
    data = json.loads(client.get("/en/cookies.json").data)
    assert data["portal"]["controller_name"] == "Commune de Bastia"
    assert data["portal"]["dpo_email"] == "rgpd@bastia.example"
    changes = text_of(client.get("/en/cookies/changes"))
    assert "Portal details changed: controller, data protection officer's e-mail." in changes


def test_the_demo_page_shows_every_way_to_reach_the_controller(client, demo):
    page = text_of(client.get("/en/cookies"))

    assert '<address dir="auto">Ville de Bastia<br>Hôtel de ville<br>' in page
    assert f'<a href="mailto:{demo.contact_email}">' in page
    assert f'<a href="mailto:{demo.dpo_email}">' in page
    assert f'<a href="{PORTAL_URL}/pages/donnees-personnelles/">' in page
    assert f'<a href="{DEFAULT_COMPLAINT_URL}">its complaint page</a>' in page
    consent = page[page.index("section--managing_consent") : page.index("section--contact")]
    assert f'<a class="action" href="{PORTAL_URL}/pages/gestion-des-cookies/">' in consent


def test_versions_published_before_the_settings_existed_still_compare_and_render(portal):
    old = build_content()
    for key in ("controller_name", "controller_address", "dpo_email", "privacy_policy_url"):
        del old["portal"][key]
    for key in ("complaint_url", "time_zone"):
        del old["portal"][key]
    published_at = datetime(2026, 3, 14, 23, 30, tzinfo=UTC)

    diff = compare(old, build_content())
    page = render_page(old, "en", number=1, published_at=published_at)
    data = json.loads(
        render_json(old, "en", number=1, published_at=published_at, consent_revision=1)
    )

    assert [change.field for change in diff.portal_changed] == [
        "controller_name",
        "controller_address",
        "dpo_email",
        "privacy_policy_url",
        "complaint_url",
        "time_zone",
    ]
    assert "<address>" not in page and "complaint page" not in page
    assert "15 March 2026" in page, "written in the default time zone, Europe/Paris"
    assert (data["portal"]["controller_name"], data["portal"]["time_zone"]) == (
        None,
        "Europe/Paris",
    )


@pytest.mark.parametrize(
    ("time_zone", "day"),
    [("Europe/Paris", "15 March 2026"), ("America/New_York", "14 March 2026")],
)
def test_the_public_page_writes_its_date_in_the_portal_time_zone(portal, time_zone, day):
    update_portal(actor=None, time_zone=time_zone)

    page = render_page(
        build_content(), "en", number=1, published_at=datetime(2026, 3, 14, 23, 30, tzinfo=UTC)
    )

    assert f">{day}</time>" in page


@pytest.mark.parametrize(
    ("time_zone", "moment"),
    [
        ("Europe/Paris", "15 March 2026 at 00:30 (France Time)"),
        ("America/New_York", "14 March 2026 at 19:30 (United States (New York) Time)"),
    ],
)
def test_the_interface_writes_times_in_the_portal_time_zone(
    client, make_published, time_zone, moment
):
    update_portal(actor=None, name="Portail", time_zone=time_zone)
    make_published(1, published_at=datetime(2026, 3, 14, 23, 30, tzinfo=UTC))
    log_in(client, Role.OPERATOR)

    assert moment in text_of(client.get("/admin/publishing/history"))


# --- The portal -----------------------------------------------------------------------------


def test_the_demo_sets_every_setting_a_real_portal_has(demo):
    values = portal_values(demo)

    assert values["controller_name"] == "Ville de Bastia"
    assert "20200 Bastia" in values["controller_address"]
    for key in ("contact_email", "dpo_email"):
        assert values[key].endswith("@mairie-bastia-datacorsica.opendatasoft.com")
    for key in ("privacy_policy_url", "consent_centre_url"):
        assert values[key].startswith(PORTAL_URL + "/")
    assert (values["complaint_url"], values["time_zone"]) == (
        DEFAULT_COMPLAINT_URL,
        "Europe/Paris",
    )


def test_loading_the_demo_again_keeps_what_an_administrator_changed(demo):
    update_portal(actor=None, contact_email="ecrire@bastia.example", time_zone="Europe/Rome")
    events = count_rows(AuditEvent)

    load_demo_portal()

    settings = get_settings()
    assert (settings.contact_email, settings.time_zone) == ("ecrire@bastia.example", "Europe/Rome")
    assert count_rows(AuditEvent) == events


def test_loading_the_demo_gives_an_older_portal_the_settings_it_lacks(demo):
    demo.controller_name = demo.privacy_policy_url = None
    db.session.commit()

    report = load_demo_portal()

    settings = get_settings()
    assert settings.controller_name == "Ville de Bastia"
    assert settings.privacy_policy_url == f"{PORTAL_URL}/pages/donnees-personnelles/"
    assert "Portal settings: controller_name, privacy_policy_url." in report
