"""The publishing pages: preview, gate, publish, history, compare, roll back."""

import html

import pytest
import sqlalchemy as sa

from portal_cookies.demo import load_demo_portal
from portal_cookies.extensions import db
from portal_cookies.models import CookieEntry, CookieName, PolicyText, PolicyVersion, Role
from portal_cookies.portal import update_portal
from portal_cookies.publishing import services
from portal_cookies.texts import save_text, set_source_text
from tests.helpers import log_in, publish_a_second_demo_version


def sessionid_purpose():
    name = db.session.scalar(sa.select(CookieName).where(CookieName.name == "sessionid"))
    return name.entry.purpose_unit


def change_the_french_purpose(text="Garder la session deux semaines au plus."):
    set_source_text(sessionid_purpose(), text, None)
    db.session.commit()


def test_an_outdated_translation_blocks_publishing_and_says_which(client):
    load_demo_portal()
    change_the_french_purpose()
    log_in(client, Role.OPERATOR)

    page = client.get("/admin/publishing/")
    refused = client.post("/admin/publishing/publish", data={"note": "Duration in the purpose"})

    unit = sessionid_purpose()
    assert "1 error blocks publishing." in page.text
    assert f'href="/admin/translation/{unit.id}/en">Fix it' in page.text
    # The form stays in sight, disabled, with the reason and each error's way to fix it.
    publish_card = section(page.text, "publish-title")
    assert "disabled" in publish_form_fields(page.text)
    assert "Publishing is blocked by 1 error. Fix it, then publish:" in publish_card
    assert f'href="/admin/translation/{unit.id}/en">Fix it' in publish_card
    assert refused.status_code == 422
    refused_card = section(refused.text, "publish-title")
    assert "sessionid · Cookie purpose (English)" in refused_card
    assert f'href="/admin/translation/{unit.id}/en">Fix it' in refused_card
    # Not one long message on top of the page.
    assert "Publishing is blocked by 1 error: sessionid" not in refused.text
    assert services.current_version().number == 1


def test_a_missing_setting_blocks_publishing_and_leads_administrators_to_its_field(client):
    load_demo_portal()
    update_portal(actor=None, controller_name="", consent_centre_url="")
    log_in(client, Role.ADMIN)

    page = client.get("/admin/publishing/")

    assert "2 errors block publishing." in page.text
    assert "set “Controller” in the portal settings" in page.text
    assert "set the “Consent centre” address in the portal settings" in page.text
    assert 'href="/admin/settings/#controller_name">Fix it' in page.text
    assert 'href="/admin/settings/#consent_centre_url">Fix it' in page.text
    assert 'id="consent_centre_url"' in client.get("/admin/settings/").text


def test_an_operator_is_not_sent_to_the_settings_they_cannot_open(client):
    load_demo_portal()
    update_portal(actor=None, contact_email="")
    log_in(client, Role.OPERATOR)

    page = client.get("/admin/publishing/")

    assert "set “Contact e-mail” in the portal settings" in page.text
    assert "/admin/settings/" not in page.text


def test_once_fixed_the_draft_is_published_and_the_old_version_stays(client):
    prepare_a_second_version()
    log_in(client, Role.OPERATOR)

    response = client.post(
        "/admin/publishing/publish",
        data={"note": "Duration in the purpose"},
        follow_redirects=True,
    )

    assert "Version 2 is published." in response.text
    assert "Keeps the session two weeks at most." in client.get("/en/cookies").text
    assert "Keeps the session two weeks at most." not in client.get("/en/cookies/v/1").text


def test_the_preview_is_the_public_page_with_a_banner(client):
    load_demo_portal()
    change_the_french_purpose("Une finalité en cours d'écriture.")
    log_in(client, Role.TRANSLATOR)

    preview = client.get("/admin/publishing/preview/fr")

    assert "Une finalité en cours d'écriture." in preview.text
    assert "is-preview" in preview.text
    assert "is-preview" not in client.get("/fr/cookies").text


def test_the_preview_s_links_stay_in_the_preview(client):
    load_demo_portal()
    change_the_french_purpose("Une finalité en cours d'écriture.")
    published = {path: client.get(path).data for path in ("/en/cookies", "/en/cookies/changes")}
    log_in(client, Role.TRANSLATOR)

    page = client.get("/admin/publishing/preview/en")
    changes = client.get("/admin/publishing/preview/en/changes")

    assert 'href="/admin/publishing/preview/fr" hreflang="fr"' in page.text
    assert 'href="/admin/publishing/preview/en/changes"' in page.text
    assert 'href="/en/cookies' not in page.text
    for document in (page, changes):
        assert '<p class="preview-banner" role="note">' in document.text
        assert '<a href="/admin/publishing/">Back to publishing</a>' in document.text
    assert "Draft, not published yet." in changes.text
    assert "Only the wording in other languages changed." in changes.text
    assert 'href="/admin/publishing/preview/fr/changes" hreflang="fr"' in changes.text
    # What visitors get is untouched.
    assert {path: client.get(path).data for path in published} == published
    assert client.get("/admin/publishing/preview/de/changes").status_code == 404


def words(response) -> str:
    """A page's text as a reader meets it: entities read, spaces collapsed (tags stay)."""
    return " ".join(html.unescape(response.text).split())


def section(page: str, heading_id: str) -> str:
    """The part of a page from the heading with ``heading_id`` to the end of its section."""
    start = page.index(f'id="{heading_id}"')
    return page[start : page.index("</section>", start)]


def publish_form_fields(page: str) -> str:
    """The opening tag of the publish form's fieldset."""
    start = page.index('<fieldset class="publish-form__fields"')
    return page[start : page.index(">", start) + 1]


def test_nothing_to_publish_is_said_and_refused(client):
    load_demo_portal()
    log_in(client, Role.OPERATOR)

    page = client.get("/admin/publishing/")
    refused = client.post("/admin/publishing/publish", data={"note": "Again"})

    assert "Nothing to publish: the draft is what visitors read." in section(
        page.text, "publish-title"
    )
    assert "can be published" not in page.text
    assert 'disabled aria-describedby="publish-status"' in publish_form_fields(page.text)
    assert refused.status_code == 422
    assert "Nothing to publish: the draft is what visitors read." in refused.text
    assert services.current_version().number == 1


def test_the_publish_form_asks_for_the_note_in_every_language(client):
    prepare_a_second_version()
    log_in(client, Role.OPERATOR)

    page = client.get("/admin/publishing/")

    assert "disabled" not in publish_form_fields(page.text)
    assert '<label for="note">Note in French' in page.text
    assert '<label for="note_en">Note in English</label>' in page.text
    assert 'id="note_en" lang="en"' in page.text
    # The override's reason is revealed by the stylesheet once an override is chosen.
    assert 'class="field override-reason' in page.text


def test_publishing_keeps_the_note_in_each_language_and_the_history_reads_its_own(client):
    prepare_a_second_version()
    log_in(client, Role.OPERATOR)

    client.post(
        "/admin/publishing/publish",
        data={"note": "Durée dans la finalité", "note_en": "Duration in the purpose"},
    )

    assert services.current_version().notes == {
        "fr": "Durée dans la finalité",
        "en": "Duration in the purpose",
    }
    history = words(client.get("/admin/publishing/history"))
    assert "<td>Duration in the purpose" in history
    assert "<td>First publication of the portal's cookie policy." in history


def test_a_note_missing_in_the_reader_s_language_is_shown_in_the_source_one_marked(client):
    prepare_a_second_version()
    log_in(client, Role.OPERATOR)

    client.post("/admin/publishing/publish", data={"note": "Durée dans la finalité"})

    assert services.current_version().notes == {"fr": "Durée dans la finalité"}
    history = words(client.get("/admin/publishing/history"))
    assert '<td><span lang="fr">Durée dans la finalité</span>' in history
    changes = words(client.get("/en/cookies/changes"))
    assert '<p class="note" dir="auto" lang="fr">Durée dans la finalité</p>' in changes


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"note": ""}, "Say in a few words what this version changes."),
        ({"note": "Durée", "note_en": "x" * 2001}, "2000"),
    ],
)
def test_a_bad_note_comes_back_on_its_field(client, data, message):
    prepare_a_second_version()
    log_in(client, Role.OPERATOR)

    refused = client.post("/admin/publishing/publish", data=data)

    assert refused.status_code == 422
    assert message in refused.text
    assert 'aria-invalid="true"' in refused.text
    assert services.current_version().number == 1


def test_the_draft_shows_its_word_level_change(client):
    load_demo_portal()
    change_the_french_purpose("Garder l'utilisateur connecté d'une page à l'autre, deux semaines.")
    log_in(client, Role.OPERATOR)

    page = client.get("/admin/publishing/")

    assert "Changes since version 1" in page.text
    assert "<ins>, deux semaines</ins>" in page.text


def prepare_a_second_version():
    """The demo, published, with the sessionid purpose changed in French and in English."""
    load_demo_portal()
    change_the_french_purpose()
    unit = sessionid_purpose()
    english = unit.current_version("en")
    save_text(unit, "en", "Keeps the session two weeks at most.", None, base_version_id=english.id)
    db.session.commit()


def publish_twice():
    prepare_a_second_version()
    services.publish_policy(note="Second", actor=None)


def test_two_versions_are_compared(client):
    publish_twice()
    log_in(client, Role.TRANSLATOR)

    page = client.get("/admin/publishing/compare?from=1&to=2")

    assert "From version 1 to version 2" in page.text
    assert "two weeks at most" in page.text


def test_a_bad_comparison_is_explained_not_an_error(client):
    publish_twice()
    log_in(client, Role.OPERATOR)

    missing = client.get("/admin/publishing/compare?from=abc&to=2", follow_redirects=True)
    unknown = client.get("/admin/publishing/compare?from=1&to=99999999999")

    assert "Choose two versions to compare." in missing.text
    assert unknown.status_code == 404


def test_rolling_back_publishes_the_old_content_as_a_new_version(client):
    publish_twice()
    log_in(client, Role.OPERATOR)

    response = client.post(
        "/admin/publishing/versions/1/rollback",
        data={"note": "Retour à la première formulation", "note_en": "Back to the first wording"},
        follow_redirects=True,
    )

    assert "The draft is version 1's content again, published as version 3." in words(response)
    third = db.session.scalar(sa.select(PolicyVersion).where(PolicyVersion.number == 3))
    first = db.session.scalar(sa.select(PolicyVersion).where(PolicyVersion.number == 1))
    assert third.content_hash == first.content_hash
    assert third.notes["en"] == "Back to the first wording"
    assert "two weeks at most" not in client.get("/en/cookies").text


def test_the_rollback_confirmation_says_what_will_happen_and_then_it_does(client):
    added, section_added = publish_a_second_demo_version()
    added_id, section_id = added.id, section_added.id
    log_in(client, Role.OPERATOR)

    confirmation = client.get("/admin/publishing/versions/1/rollback")
    text = words(confirmation)
    assert "then it is published as version 3, in one step" in text
    assert (
        "Archived, so kept in the inventory but taken off the page (it is not in version 1): "
        "_pk_id.*." in text
    )
    assert "Section removed from the page, with its texts and their history" in text
    assert "Réseaux sociaux" in text
    assert "1 text returns to version 1's wording, saved as a new text version" in text
    assert "The portal settings the page shows return to version 1's values:" in text
    assert "vie-privee@bastia.example.org" in text
    assert '<label for="note">Note in French' in confirmation.text

    response = client.post(
        "/admin/publishing/versions/1/rollback",
        data={"note": "Retour à la version 1"},
        follow_redirects=True,
    )

    assert "The draft is version 1's content again, published as version 3." in words(response)
    page = client.get("/admin/publishing/")
    assert "Nothing to publish: the draft is what visitors read." in page.text
    assert "Nothing changed." in page.text
    assert db.session.get(CookieEntry, added_id).archived
    assert db.session.get(PolicyText, section_id) is None


def test_a_rollback_without_a_note_comes_back_with_the_confirmation(client):
    publish_twice()
    log_in(client, Role.OPERATOR)

    refused = client.post("/admin/publishing/versions/1/rollback", data={"note": " "})

    assert refused.status_code == 422
    assert "Say why you restore this version." in refused.text
    assert "What happens to the draft" in refused.text
    assert services.current_version().number == 2


def test_a_rollback_to_the_current_or_a_missing_version_is_refused(client):
    publish_twice()
    log_in(client, Role.OPERATOR)

    current = client.get("/admin/publishing/versions/2/rollback", follow_redirects=True)
    posted = client.post(
        "/admin/publishing/versions/2/rollback", data={"note": "Again"}, follow_redirects=True
    )
    missing = client.get("/admin/publishing/versions/9/rollback")

    assert "Version 2 is the current version: visitors read it already." in current.text
    assert "Version 2 is the current version: visitors read it already." in posted.text
    assert missing.status_code == 404
    assert client.post("/admin/publishing/versions/9/rollback").status_code == 404
    assert services.current_version().number == 2


def test_the_history_lists_every_version_with_its_note(client):
    publish_twice()
    log_in(client, Role.TRANSLATOR)

    page = client.get("/admin/publishing/history")

    assert "First publication of the portal's cookie policy." in words(page)
    assert "Second" in page.text
    assert 'href="/en/cookies/v/1"' in page.text
    assert "/rollback" not in page.text  # translators do not roll back


def test_the_history_offers_to_roll_back_to_each_older_version(client):
    publish_twice()
    log_in(client, Role.OPERATOR)

    page = client.get("/admin/publishing/history")

    assert 'href="/admin/publishing/versions/1/rollback"' in page.text
    assert 'href="/admin/publishing/versions/2/rollback"' not in page.text


def test_the_changes_mark_names_written_in_the_source_language(client, make_category):
    load_demo_portal()
    make_category(slug="newsletters", name="Lettres d'information")
    log_in(client, Role.OPERATOR)

    page = client.get("/admin/publishing/").text

    assert '<li lang="fr">Lettres d&#39;information</li>' in page
