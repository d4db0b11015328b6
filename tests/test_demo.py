"""`flask demo load`: the demo portal of DESIGN.md §7, and loading it twice changes nothing."""

import re

import sqlalchemy as sa

from portal_cookies.dashboard.services import summarize_inventory
from portal_cookies.extensions import db
from portal_cookies.i18n import format_duration
from portal_cookies.models import (
    AuditEvent,
    CookieEntry,
    PolicyVersion,
    PortalSettings,
    TextVersion,
    User,
)
from tests.helpers import count_rows


def load(runner) -> str:
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_demo_portal_has_the_four_platform_cookies_with_their_durations(app, runner):
    load(runner)
    entries = db.session.scalars(sa.select(CookieEntry)).all()
    with app.test_request_context():
        durations = {
            entry.label: format_duration(
                entry.duration_kind, entry.duration_value, entry.duration_unit, "en"
            )
            for entry in entries
        }
    assert durations == {
        "sessionid": "2 weeks",
        "django_language": "12 months",
        "csrftoken": "12 months",
        "cookies_preferences": "6 months",
    }
    assert {entry.provider.name for entry in entries} == {"Opendatasoft"}
    settings = db.session.scalar(sa.select(PortalSettings))
    assert settings.base_url == "https://mairie-bastia-datacorsica.opendatasoft.com"
    assert (settings.source_language, settings.enabled_languages) == ("fr", ["fr", "en"])


def test_the_demo_portal_is_complete_in_english(runner):
    load(runner)
    overview = summarize_inventory()
    assert overview.active_entries == 4
    assert overview.entries_missing_translation == 0
    assert [row.category.slug for row in overview.per_category] == [
        "necessary",
        "statistics",
        "preferences",
        "marketing",
    ]


def test_the_demo_accounts_log_in_with_the_passwords_printed_once(client, runner):
    output = load(runner)
    passwords = dict(re.findall(r"Account (\S+) \(\w+\), password: (\S+)", output))
    assert set(passwords) == {"admin@example.org", "operator@example.org", "translator@example.org"}

    response = client.post(
        "/login",
        data={"email": "operator@example.org", "password": passwords["operator@example.org"]},
    )
    assert response.status_code == 302
    assert response.location.endswith("/admin/")

    again = load(runner)
    assert "password:" not in again
    assert "already loaded" in again


def test_the_demo_publishes_version_1_in_both_languages(runner):
    output = load(runner)
    assert "Published version 1 of the cookie policy." in output
    version = db.session.scalar(sa.select(PolicyVersion))
    assert version.number == 1
    assert version.notes == {
        "fr": "Première publication de la politique de cookies du portail.",
        "en": "First publication of the portal's cookie policy.",
    }
    pages = {page.language: page for page in version.pages}
    assert set(pages) == {"fr", "en"}
    for name in ("sessionid", "django_language", "csrftoken", "cookies_preferences"):
        assert f'<code dir="ltr">{name}</code>' in pages["en"].html
    assert "2 weeks" in pages["en"].html and "2\u00a0semaines" in pages["fr"].html


def test_loading_the_demo_twice_changes_nothing(runner):
    models = (CookieEntry, TextVersion, User, AuditEvent, PolicyVersion)
    load(runner)
    counts = [count_rows(model) for model in models]
    load(runner)
    assert [count_rows(model) for model in models] == counts


def test_the_demo_page_does_its_legal_duty_in_both_languages_with_working_links(client, runner):
    """Issue 9's "done when": the controller and how to reach them, the privacy policy, the
    complaint page, the way to withdraw consent (twice), each cookie's domain and provider's
    country, the review date; every link of the page leads somewhere."""
    load(runner)
    settings = db.session.scalar(sa.select(PortalSettings))
    for language in ("fr", "en"):
        response = client.get(f"/{language}/cookies")
        page = response.get_data(as_text=True)

        links = re.findall(r'href="([^"]+)"', page)
        assert links.count(settings.consent_centre_url) == 2
        for address in (settings.privacy_policy_url, settings.complaint_url, settings.base_url):
            assert address in links
        assert f"mailto:{settings.contact_email}" in links
        assert settings.controller_name in page
        assert page.count("mairie-bastia-datacorsica.opendatasoft.com</bdi></span>") == 4  # domains
        assert '<time datetime="' in page.partition("<br>")[2].partition("</p>")[0]  # reviewed
        assert "Set-Cookie" not in response.headers and "<script" not in page
        for address in links:
            if address.startswith("/"):
                linked = client.get(address)
                linked.close()
                assert linked.status_code == 200, address
