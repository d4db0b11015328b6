"""Figures derived from the whole draft are computed once per state of the draft: every kind
of change to the draft gives it a new revision in the same transaction, so no page shows a
figure of an older draft."""

import json

import pytest
import sqlalchemy as sa

from portal_cookies import checks
from portal_cookies.demo import load_demo_portal
from portal_cookies.draft_revision import current_revision
from portal_cookies.extensions import db
from portal_cookies.inventory import services as inventory
from portal_cookies.models import CookieEntry, CookieName, PolicyText, Role
from portal_cookies.policy_texts import services as policy_texts
from portal_cookies.portal import update_portal
from portal_cookies.publishing import services as publishing
from portal_cookies.service_errors import ServiceError, one_change
from portal_cookies.texts import set_source_text
from tests.helpers import log_in, publish_a_second_demo_version, translate
from tests.test_publishing_services import entry_data


def session_entry() -> CookieEntry:
    return db.session.scalar(sa.select(CookieName).where(CookieName.name == "sessionid")).entry


def edit_an_entry():
    entry = session_entry()
    inventory.update_entry(entry, entry_data(entry, duration_value=3), actor=None)


def save_a_translation():
    translate(session_entry().purpose_unit, "Keeps your login while you browse.")


def change_a_setting():
    update_portal(actor=None, contact_email="autre@bastia.example.org")


def edit_a_policy_text():
    section = db.session.scalar(sa.select(PolicyText).where(PolicyText.key == "introduction"))
    policy_texts.update_section(
        section,
        text="Une autre introduction.",
        text_base_version_id=section.unit.current_version("fr").id,
        actor=None,
    )


def import_a_file():
    document = json.loads(inventory.export_inventory("json"))
    document["entries"][0]["function"]["fr"] = "Authentification forte"
    inventory.apply_import(json.dumps(document).encode(), format="json", actor=None)


DRAFT_CHANGES = {
    "an entry edit": edit_an_entry,
    "a translation saved": save_a_translation,
    "a settings change": change_a_setting,
    "a policy text edit": edit_a_policy_text,
    "an import": import_a_file,
}


def unpublished_changes_shown(client) -> str:
    text = client.get("/admin/").text
    return "nothing to publish" if "nothing to publish" in text else text


@pytest.mark.parametrize("change", DRAFT_CHANGES.values(), ids=DRAFT_CHANGES.keys())
def test_every_kind_of_draft_change_renews_the_revision(change):
    load_demo_portal()
    before = current_revision()
    assert before is not None

    change()

    assert current_revision() not in (None, before)


@pytest.mark.parametrize(
    "change",
    [edit_an_entry, save_a_translation, change_a_setting, edit_a_policy_text, import_a_file],
    ids=["an entry edit", "a translation", "a setting", "a policy text", "an import"],
)
def test_the_dashboard_counts_a_change_made_after_it_was_last_shown(client, change):
    load_demo_portal()
    log_in(client, Role.OPERATOR)
    assert unpublished_changes_shown(client) == "nothing to publish"

    change()

    assert "1 unpublished change" in client.get("/admin/").text


def test_dismissing_a_warning_renews_the_revision():
    load_demo_portal()
    entry = session_entry()
    inventory.update_entry(entry, entry_data(entry, last_reviewed_on=None), actor=None)
    before = current_revision()

    dismissal = checks.dismiss(
        checks.Check.NOT_REVIEWED, reason="Revu hier.", actor=None, entry=entry
    )

    assert dismissal is not None
    assert current_revision() != before


def test_a_rollback_renews_the_revision_and_the_figures_follow(client):
    publish_a_second_demo_version()
    log_in(client, Role.OPERATOR)
    client.get("/admin/publishing/")
    before = current_revision()

    publishing.rollback_to(publishing.get_version(1), note="Retour.", actor=None)

    assert current_revision() != before
    assert "Visitors read version 3" in client.get("/admin/").text
    assert unpublished_changes_shown(client) == "nothing to publish"
    assert "Nothing to publish" in client.get("/admin/publishing/").text


def test_publishing_renews_the_revision_so_nothing_is_left_to_publish(client):
    load_demo_portal()
    log_in(client, Role.OPERATOR)
    edit_an_entry()
    assert "1 unpublished change" in client.get("/admin/").text

    publishing.publish_policy(note="Durée.", actor=None)

    assert unpublished_changes_shown(client) == "nothing to publish"


def test_a_change_refused_or_rolled_back_keeps_the_revision():
    load_demo_portal()
    before = current_revision()

    with pytest.raises(ServiceError), one_change():
        set_source_text(session_entry().purpose_unit, "Jamais enregistré.", None)
        db.session.flush()
        raise ServiceError("refused")

    assert current_revision() == before
    assert session_entry().purpose_unit.source_text != "Jamais enregistré."


def test_logging_in_and_reading_pages_keep_the_revision(client):
    load_demo_portal()
    before = current_revision()

    log_in(client, Role.ADMIN)
    for address in ("/admin/", "/admin/publishing/", "/admin/inventory/", "/admin/translation/"):
        assert client.get(address).status_code == 200

    assert current_revision() == before


def test_the_preview_shows_a_change_saved_after_it_was_last_shown(client):
    load_demo_portal()
    log_in(client, Role.OPERATOR)
    assert "Une autre introduction." not in client.get("/admin/publishing/preview/fr").text

    edit_a_policy_text()

    assert "Une autre introduction." in client.get("/admin/publishing/preview/fr").text


def test_another_instance_sees_a_change_committed_by_this_one(app, client):
    """The cache is per process, the revision in the database: a second app (another
    instance) on the same database computes its own figures, and drops them on a change."""
    from portal_cookies import create_app

    load_demo_portal()
    other = create_app(
        {key: app.config[key] for key in ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "TESTING")}
        | {"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False}
    )
    other.test_client_class = type(client)
    other_client = other.test_client()
    with other.app_context():
        log_in(other_client, Role.OPERATOR)
        assert unpublished_changes_shown(other_client) == "nothing to publish"

    edit_an_entry()

    with other.app_context():
        assert "1 unpublished change" in other_client.get("/admin/").text
        db.session.remove()
        db.engine.dispose()


def test_a_dismissed_warning_keeps_its_reason_on_the_publishing_page_shown_again(client):
    load_demo_portal()
    entry = session_entry()
    inventory.update_entry(entry, entry_data(entry, last_reviewed_on=None), actor=None)
    checks.dismiss(checks.Check.NOT_REVIEWED, reason="Revu hier.", actor=None, entry=entry)
    log_in(client, Role.OPERATOR)

    first = client.get("/admin/publishing/").text
    # Another request, with its own session and a commit of its own (the login), reads what
    # the first one computed.
    db.session.commit()
    again = client.get("/admin/publishing/").text

    assert "Dismissed: Revu hier." in first
    assert "Dismissed: Revu hier." in again
