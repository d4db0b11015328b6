"""Journeys through the real pages, in Debian's Chromium driven by Playwright (tests/browser.py)."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect, sync_playwright

from portal_cookies.demo import load_demo_portal
from portal_cookies.extensions import db
from portal_cookies.models import CookieEntry, CookieName, DurationUnit, PortalSettings, Role
from portal_cookies.texts import save_text, set_source_text
from tests.accessibility import PageAudit
from tests.browser import (
    launch,
    log_in_through_the_form,
    new_context,
    require_chromium,
    screenshot_on_failure,
)
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def inventory_basics(make_category, make_provider, make_cookie):
    """A category and a provider to choose, and an entry the search must not find."""
    category = make_category(slug="necessary", name="Strictly necessary")
    provider = make_provider(name="Opendatasoft")
    make_cookie(names=["csrftoken"], category=category, provider=provider)


@pytest.mark.usefixtures("inventory_basics")
def test_an_operator_adds_a_cookie_finds_it_and_switches_to_french(
    page, make_user, tmp_path, audit
):
    operator = make_user(Role.OPERATOR)
    with screenshot_on_failure(page, tmp_path):
        page.goto("/login")
        audit.check(page)
        page.fill("#email", operator.email)
        page.fill("#password", PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page).to_have_url(re.compile(r"/admin/$"))
        audit.check(page)

        page.get_by_role("link", name="Add a cookie").click()
        audit.check(page)
        page.select_option("#provider", label="Opendatasoft")
        page.select_option("#category", label="Strictly necessary")
        page.fill("#names", "sessionid")
        page.select_option("#storage_kind", value="http_cookie")
        page.check("input[name=party][value=first]")
        page.check("input[name=locations][value=front_office]")
        page.check("input[name=locations][value=back_office]")
        page.fill("#function", "Authentication")
        page.fill("#purpose", "Keeps you logged in while you use the portal.")
        page.check("input[name=duration_kind][value=fixed]")
        page.fill("#duration_value", "2")
        page.select_option("#duration_unit", value="weeks")
        page.check("input[name=consent_basis][value=exempt]")
        page.select_option("#exemption_ground", value="authentication")
        page.get_by_role("button", name="Save").click()
        expect(page.locator(".flash--success")).to_contain_text("sessionid")
        audit.check(page)

        saved = db.session.scalar(
            sa.select(CookieEntry).join(CookieName).where(CookieName.name == "sessionid")
        )
        assert saved is not None
        assert (saved.duration_value, saved.duration_unit) == (2, DurationUnit.WEEKS)
        assert saved.locations == ["front_office", "back_office"]

        page.goto("/admin/inventory/")
        results = page.locator("main table tbody")
        expect(results).to_contain_text("csrftoken")
        page.fill("#q", "sessionid")
        page.press("#q", "Enter")
        expect(page).to_have_url(re.compile(r"[?&]q=sessionid"))
        expect(results).to_contain_text("sessionid")
        expect(results).not_to_contain_text("csrftoken")
        audit.check(page)

        page.get_by_role("button", name="FR", exact=True).click()
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        expect(page).to_have_url(re.compile(r"[?&]q=sessionid"))  # back on the same page
        # Needs the French catalog: "Dashboard" is "Tableau de bord".
        expect(page.locator("nav.mainnav")).to_contain_text("Tableau de bord")
        audit.check(page)


def test_a_translator_empties_the_outdated_queue_with_the_keyboard(
    page, make_user, make_cookie, tmp_path, audit
):
    db.session.add(PortalSettings(name="Portal", base_url="https://portal.example.org"))
    entries = [
        make_cookie(names=["sessionid"], purpose="Garder la session ouverte."),
        make_cookie(names=["csrftoken"], purpose="Protéger les formulaires."),
    ]
    for entry, english in zip(entries, ["Keeps the session open.", "Protects forms."], strict=True):
        save_text(entry.purpose_unit, "en", english, None, base_version_id=None)
    db.session.commit()
    set_source_text(entries[0].purpose_unit, "Garder la session ouverte deux semaines.", None)
    set_source_text(entries[1].purpose_unit, "Protéger les formulaires et l'API.", None)
    db.session.commit()
    translator = make_user(Role.TRANSLATOR)

    with screenshot_on_failure(page, tmp_path):
        page.goto("/login")
        page.focus("#email")
        page.keyboard.type(translator.email)
        page.keyboard.press("Tab")
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"/admin/$"))

        page.goto("/admin/translation/?language=en&filter=outdated")
        expect(page.get_by_role("heading", name="2 texts to look at")).to_be_visible()
        audit.check(page)
        page.locator("table.queue a").first.focus()
        page.keyboard.press("Enter")

        for added, translation in [
            ("deux semaines", "Keeps the session open for two weeks."),
            ("et l'API", "Protects forms and the API."),
        ]:
            expect(page.locator(".outdated ins")).to_contain_text(added)
            expect(page.locator("#text")).to_be_focused()
            audit.check(page)
            page.focus("#text")
            page.keyboard.press("Control+A")
            page.keyboard.type(translation)
            page.keyboard.press("Control+Enter")

        expect(page.locator(".flashes")).to_contain_text("That was the last text of this list.")
        expect(page.get_by_role("heading", name="0 texts to look at")).to_be_visible()

    assert [entry.purpose_unit.text("en") for entry in entries] == [
        "Keeps the session open for two weeks.",
        "Protects forms and the API.",
    ]


def test_a_change_goes_from_the_inventory_to_visitors(
    live_server, csrf_enabled, make_user, tmp_path, audit
):
    require_chromium()
    load_demo_portal()  # publishes version 1
    operator, translator = make_user(Role.OPERATOR), make_user(Role.TRANSLATOR)
    sessionid = db.session.scalar(
        sa.select(CookieEntry).join(CookieName).where(CookieName.name == "sessionid")
    )
    new_french = "Garder l'utilisateur connecté pendant deux semaines au plus."
    new_english = "Keeps the user logged in for two weeks at most."

    with sync_playwright() as playwright:
        browser = launch(playwright)
        people = [new_context(browser, live_server) for _ in range(3)]
        operator_page, translator_page, visitor_page = (person.new_page() for person in people)
        try:
            with screenshot_on_failure(operator_page, tmp_path):
                log_in_through_the_form(operator_page, operator)
                operator_page.goto(f"/admin/inventory/entries/{sessionid.id}")
                operator_page.fill("#purpose", new_french)
                operator_page.get_by_role("button", name="Save").click()
                expect(operator_page.locator(".flash--success")).to_contain_text("sessionid")
                audit.check(operator_page)

            with screenshot_on_failure(translator_page, tmp_path):
                log_in_through_the_form(translator_page, translator)
                translator_page.goto("/admin/translation/?language=en&filter=outdated")
                translator_page.locator("table.queue a").first.click()
                changed = translator_page.locator(".outdated ins", has_text="semaines")
                expect(changed).to_be_visible()
                audit.check(translator_page)
                translator_page.fill("#text", new_english)
                translator_page.keyboard.press("Control+Enter")
                expect(translator_page.locator(".flashes")).to_contain_text("Translation saved.")

            with screenshot_on_failure(operator_page, tmp_path):
                operator_page.goto("/admin/publishing/")
                expect(operator_page.locator("main")).to_contain_text("the draft can be published")
                audit.check(operator_page)
                operator_page.get_by_role("link", name="English").click()
                expect(operator_page.locator("body")).to_contain_text(new_english)
                expect(operator_page.locator("body")).to_contain_text("Preview")
                audit.check(operator_page)
                # The preview's links stay in the preview: its change log, then the French
                # page, each with the banner that leads back.
                operator_page.get_by_role("link", name="Changes").click()
                expect(operator_page).to_have_url(
                    re.compile(r"/admin/publishing/preview/en/changes$")
                )
                expect(operator_page.locator("#v2")).to_contain_text("Draft, not published yet.")
                audit.check(operator_page)
                operator_page.get_by_role("link", name="Français").click()
                expect(operator_page).to_have_url(
                    re.compile(r"/admin/publishing/preview/fr/changes$")
                )
                expect(operator_page.locator(".preview-banner")).to_be_visible()
                operator_page.get_by_role("link", name="Retour à la publication").click()
                expect(operator_page).to_have_url(re.compile(r"/admin/publishing/$"))
                operator_page.fill("#note", "Cookie de session : durée dans la finalité.")
                operator_page.fill("#note_en", "Session cookie: duration stated in the purpose.")
                operator_page.get_by_role("button", name="Publish", exact=True).click()
                expect(operator_page.locator(".flash--success")).to_contain_text(
                    "Version 2 is published."
                )

            with screenshot_on_failure(visitor_page, tmp_path):
                visitor_page.goto("/en/cookies")
                expect(visitor_page.locator("main")).to_contain_text(new_english)
                expect(visitor_page.locator("body")).to_contain_text("Version 2")
                audit.check(visitor_page)
                visitor_page.goto("/fr/cookies")
                expect(visitor_page.locator("main")).to_contain_text(new_french)
                visitor_page.goto("/en/cookies/changes")
                expect(visitor_page.locator("#v2")).to_contain_text(
                    "Session cookie: duration stated in the purpose."
                )
                expect(visitor_page.locator("#v2")).to_contain_text("sessionid")
                audit.check(visitor_page)
                visitor_page.goto("/en/cookies/v/1")
                expect(visitor_page.locator("main")).not_to_contain_text(new_english)
                expect(visitor_page.locator(".superseded")).to_contain_text(
                    "This version was replaced on"
                )
                audit.check(visitor_page)
                visitor_page.get_by_role("link", name="Read the current cookie policy").click()
                expect(visitor_page).to_have_url(re.compile(r"/en/cookies$"))
                expect(visitor_page.locator("main")).to_contain_text(new_english)
                not_found = visitor_page.goto("/en/cookies/v/99")
                assert not_found is not None and not_found.status == 404
                expect(visitor_page.locator("header.masthead")).to_be_visible()
                audit.check(visitor_page)
                visitor_page.get_by_role("link", name="English").click()
                expect(visitor_page).to_have_url(re.compile(r"/en/cookies$"))

            with screenshot_on_failure(operator_page, tmp_path):
                # Rolling back says what it will do, then leaves nothing to publish.
                operator_page.get_by_role("link", name="Roll back to version 1…").click()
                expect(operator_page.locator("main")).to_contain_text(
                    "2 texts return to version 1's wording"
                )
                audit.check(operator_page)
                operator_page.fill("#note", "Retour à la formulation de la version 1.")
                operator_page.get_by_role("button", name="Roll back and publish").click()
                expect(operator_page.locator(".flash--success")).to_contain_text(
                    "published as version 3"
                )
                operator_page.goto("/admin/publishing/")
                expect(operator_page.locator("#publish-status")).to_contain_text(
                    "Nothing to publish: the draft is what visitors read."
                )
                expect(
                    operator_page.get_by_role("button", name="Publish", exact=True)
                ).to_be_disabled()
                audit.check(operator_page)
            assert people[2].cookies() == [], "a visitor was given a cookie"
        finally:
            browser.close()


def test_the_accessibility_checkers_report_what_they_find(page, checkers, tmp_path):
    """The journeys' audit is only worth something if it can fail."""
    audit = PageAudit(tmp_path)
    page.set_content("<!doctype html><title>t</title><p><img src='/x.png'><b id=a id=a>x</p>")

    audit.check(page)
    audit.validate_markup()

    assert any(problem.startswith("axe image-alt") for problem in audit.problems), audit.problems
    assert any(problem.startswith("Nu checker") for problem in audit.problems), audit.problems


def test_a_portal_team_runs_the_portal_without_a_shell(
    live_server, csrf_enabled, make_user, tmp_path, audit
):
    """Issue 8's "done when": an admin makes an account and sets the contact details, an
    operator edits a section of the page, the new translator translates it with the password
    they were given once, the operator publishes, visitors see all of it, the log shows who."""
    require_chromium()
    load_demo_portal()  # publishes version 1
    admin, operator = make_user(Role.ADMIN), make_user(Role.OPERATOR)
    translator_email = "traductrice@example.org"
    contact = "vie-privee@bastia.example.org"
    consent_centre = "https://mairie-bastia-datacorsica.opendatasoft.com/pages/mes-cookies/"
    new_french = "Ce portail dépose quelques cookies, tous décrits ici, avec leur durée."
    new_english = "This portal stores a few cookies, each described here, with its lifetime."
    new_password = "a passphrase of my own choosing"

    with sync_playwright() as playwright:
        browser = launch(playwright)
        people = [new_context(browser, live_server) for _ in range(4)]
        admin_page, operator_page, translator_page, visitor_page = (p.new_page() for p in people)
        try:
            with screenshot_on_failure(admin_page, tmp_path):
                log_in_through_the_form(admin_page, admin)
                admin_page.get_by_text("Administration", exact=True).click()
                admin_page.get_by_role("link", name="Accounts").click()
                audit.check(admin_page)
                admin_page.get_by_role("link", name="Add an account").click()
                admin_page.fill("#email", translator_email)
                admin_page.select_option("#role", value="translator")
                audit.check(admin_page)
                admin_page.get_by_role("button", name="Create the account").click()
                one_time_password = admin_page.locator("#one-time-password").inner_text()
                audit.check(admin_page)

                admin_page.get_by_text("Administration", exact=True).click()
                admin_page.get_by_role("link", name="Settings").click()
                admin_page.fill("#contact_email", contact)
                admin_page.fill("#consent_centre_url", consent_centre)
                admin_page.get_by_role("button", name="Save the settings").click()
                expect(admin_page.locator(".flash--success")).to_be_visible()
                audit.check(admin_page)

            with screenshot_on_failure(operator_page, tmp_path):
                log_in_through_the_form(operator_page, operator)
                operator_page.get_by_role("link", name="Page texts").click()
                audit.check(operator_page)
                operator_page.get_by_role("link", name="Introduction").first.click()
                operator_page.fill("#text", new_french)
                operator_page.get_by_role("button", name="Save", exact=True).click()
                expect(operator_page.locator(".flash--success")).to_be_visible()
                audit.check(operator_page)

            with screenshot_on_failure(translator_page, tmp_path):
                translator_page.goto("/login")
                translator_page.fill("#email", translator_email)
                translator_page.fill("#password", one_time_password)
                translator_page.get_by_role("button", name="Log in").click()
                expect(translator_page).to_have_url(re.compile(r"/account$"))
                translator_page.goto("/admin/translation/")  # nothing else opens first
                expect(translator_page).to_have_url(re.compile(r"/account$"))
                audit.check(translator_page)
                translator_page.fill("#current_password", one_time_password)
                translator_page.fill("#new_password", new_password)
                translator_page.fill("#confirm_password", new_password)
                translator_page.get_by_role("button", name="Change password").click()
                translator_page.goto("/admin/translation/?language=en&filter=outdated")
                translator_page.locator("table.queue a").first.click()
                expect(translator_page.locator(".outdated ins").first).to_contain_text("quelques")
                translator_page.fill("#text", new_english)
                translator_page.keyboard.press("Control+Enter")
                expect(translator_page.locator(".flashes")).to_contain_text("Translation saved.")

            with screenshot_on_failure(operator_page, tmp_path):
                operator_page.goto("/admin/publishing/")
                expect(operator_page.locator("main")).to_contain_text(contact)
                operator_page.fill("#note", "Introduction rewritten; privacy contact.")
                operator_page.get_by_role("button", name="Publish", exact=True).click()
                expect(operator_page.locator(".flash--success")).to_contain_text(
                    "Version 2 is published."
                )

            with screenshot_on_failure(visitor_page, tmp_path):
                visitor_page.goto("/en/cookies")
                main = visitor_page.locator("main")
                expect(main).to_contain_text(new_english)
                expect(main.locator(f"a[href='mailto:{contact}']")).to_be_visible()
                expect(main.locator(f"a[href='{consent_centre}']").first).to_be_visible()
                audit.check(visitor_page)
                visitor_page.goto("/fr/cookies")
                expect(visitor_page.locator("main")).to_contain_text(new_french)

            with screenshot_on_failure(admin_page, tmp_path):
                admin_page.get_by_text("Administration", exact=True).click()
                admin_page.get_by_role("link", name="Audit log").click()
                log = admin_page.locator("table.audit-log")
                for who in (admin.email, operator.email, translator_email):
                    expect(log).to_contain_text(who)
                expect(log).to_contain_text(contact)
                expect(log).to_contain_text(new_english)
                audit.check(admin_page)
            assert people[3].cookies() == [], "a visitor was given a cookie"
        finally:
            browser.close()
