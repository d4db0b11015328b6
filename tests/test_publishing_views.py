"""The publishing pages: preview, gate, publish, history, compare, roll back."""

import sqlalchemy as sa

from portal_cookies.demo import load_demo_portal
from portal_cookies.extensions import db
from portal_cookies.models import CookieName, PolicyVersion, Role
from portal_cookies.publishing import services
from portal_cookies.texts import save_text, set_source_text
from tests.helpers import log_in


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
    assert refused.status_code == 422
    assert "sessionid · Cookie purpose (English)" in refused.text
    assert services.current_version().number == 1


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
        data={"note": "Back to the first wording"},
        follow_redirects=True,
    )

    assert "published again as version 3" in response.text
    third = db.session.scalar(sa.select(PolicyVersion).where(PolicyVersion.number == 3))
    first = db.session.scalar(sa.select(PolicyVersion).where(PolicyVersion.number == 1))
    assert third.content_hash == first.content_hash
    assert "two weeks at most" not in client.get("/en/cookies").text


def test_the_history_lists_every_version_with_its_note(client):
    publish_twice()
    log_in(client, Role.TRANSLATOR)

    page = client.get("/admin/publishing/history")

    assert "First publication" in page.text
    assert "Second" in page.text
    assert 'href="/en/cookies/v/1"' in page.text


def test_the_changes_mark_names_written_in_the_source_language(client, make_category):
    load_demo_portal()
    make_category(slug="newsletters", name="Lettres d'information")
    log_in(client, Role.OPERATOR)

    page = client.get("/admin/publishing/").text

    assert '<li lang="fr">Lettres d&#39;information</li>' in page
