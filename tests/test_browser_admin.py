"""The admin interface in a real browser (tests/browser.py): every page each role is offered,
in English and in French, checked by axe-core and the Nu checker; refused forms and where they
take the focus; the layout on a laptop (1366 pixels wide) and on a phone (390)."""

import re

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, gettext
from playwright.sync_api import Locator, Page, expect

from portal_cookies.demo import load_demo_portal
from portal_cookies.extensions import db
from portal_cookies.inventory import services as inventory
from portal_cookies.models import (
    Category,
    CookieEntry,
    PolicyText,
    Provider,
    Role,
    TextOrigin,
    TextState,
)
from portal_cookies.publishing import services as publishing
from tests.browser import log_in_through_the_form, screenshot_on_failure
from tests.helpers import PASSWORD, translate

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
LANGUAGES = ["en", "fr"]

# What the top bar's navigation offers each role, in its order; everyone also has the account
# page, in the top bar's account menu.
ACCOUNT = "/account"
EVERYONE = [
    "/admin/",
    "/admin/inventory/",
    "/admin/inventory/categories/",
    "/admin/inventory/providers/",
    "/admin/policy-texts/",
    "/admin/translation/",
    "/admin/publishing/",
]
NAVIGATION = {
    Role.TRANSLATOR: EVERYONE,
    Role.OPERATOR: [*EVERYONE, "/admin/audit/"],
    Role.ADMIN: [*EVERYONE, "/admin/audit/", "/admin/users/", "/admin/settings/"],
}


def first(model: type):
    return db.session.scalars(sa.select(model).order_by(model.id)).first()


def load_two_versions() -> None:
    """The demo, and a version 2 without its last entry: the history then offers a rollback
    and a comparison."""
    load_demo_portal()
    last = db.session.scalars(sa.select(CookieEntry).order_by(CookieEntry.id.desc())).first()
    inventory.archive_entry(last, actor=None)
    publishing.publish_policy(note="One cookie fewer.", actor=None)


def inner_pages(role: Role, user) -> list[str]:
    """Pages the navigation's pages lead to, as ``role`` sees them. The operator's are the
    administrator's, less the accounts: the journeys leave them out, to spare a minute."""
    if role == Role.OPERATOR:
        return []
    entry = first(CookieEntry)
    unit = entry.purpose_unit
    pages = [
        f"/admin/inventory/entries/{entry.id}",
        f"/admin/policy-texts/{first(PolicyText).id}",
        f"/admin/translation/{unit.id}/en",
        f"/admin/translation/{unit.id}/en/history",
        f"/admin/translation/{unit.id}/fr/history",
        "/admin/translation/export",
        "/admin/publishing/history",
        "/admin/publishing/compare?from=1&to=2",
    ]
    if role in Role.EDITORS:
        pages += [
            "/admin/inventory/entries/new",
            f"/admin/inventory/categories/{first(Category).id}",
            f"/admin/inventory/providers/{first(Provider).id}",
            "/admin/policy-texts/new",
        ]
    if role == Role.ADMIN:
        pages += ["/admin/users/new", f"/admin/users/{user.id}"]
    return pages


def switch_language(page: Page, language: str) -> None:
    page.locator(f".langswitch button[value={language}]").click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def offered_links(page: Page) -> list[str]:
    return page.locator("nav.mainnav a").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    )


@pytest.mark.parametrize("role", [Role.ADMIN, Role.OPERATOR, Role.TRANSLATOR])
def test_each_role_opens_every_page_it_is_offered_in_english_and_french(
    page, role, make_user, tmp_path, audit
):
    """Each page of the top bar in both languages; in French, also the pages they lead to."""
    load_two_versions()
    user = make_user(role)
    with screenshot_on_failure(page, tmp_path):
        log_in_through_the_form(page, user)
        for language, pages in [("en", []), ("fr", inner_pages(role, user))]:
            switch_language(page, language)
            assert offered_links(page) == NAVIGATION[role]
            expect(page.locator(f".topbar__tools a[href='{ACCOUNT}']")).to_have_count(1)
            for path in [*NAVIGATION[role], ACCOUNT, *pages]:
                response = page.goto(path)
                assert response is not None and response.status == 200, path
                expect(page.locator("html")).to_have_attribute("lang", language)
                audit.check(page)


def expect_refused(page: Page, audit, language: str, field_id: str) -> None:
    """The page of a refused form: its title says so, the focus is on the summary of the
    errors, whose link leads to the field, which says it is invalid and why."""
    with force_locale(language):
        prefix = gettext("Error:")
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    assert page.title().startswith(prefix + " "), page.title()
    audit.check(page)
    summary.locator(f"a[href='#{field_id}']").click()
    field = page.locator(f"#{field_id}")
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")
    explanations = [
        page.locator(f"#{ident}").inner_text()
        for ident in (field.get_attribute("aria-describedby") or "").split()
    ]
    link_text = summary.locator(f"a[href='#{field_id}']").inner_text()
    assert any(text and text in link_text for text in explanations), (explanations, link_text)


def submit(form: Locator) -> None:
    form.locator("[type=submit]").first.click()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refused_form_leads_to_each_error_and_its_field(
    page, language, make_user, tmp_path, audit
):
    load_demo_portal()
    admin = make_user(Role.ADMIN)
    unit = first(CookieEntry).purpose_unit
    with screenshot_on_failure(page, tmp_path):
        page.goto("/login")
        switch_language(page, language)
        submit(page.locator("main form"))
        expect_refused(page, audit, language, "email")
        page.fill("#email", admin.email)
        page.fill("#password", "not the password")
        submit(page.locator("main form"))
        expect(page.locator(".error-summary")).to_be_focused()
        page.fill("#password", PASSWORD)
        submit(page.locator("main form"))
        expect(page).to_have_url(re.compile(r"/admin/(#email)?$"))  # the fragment stays

        page.goto("/admin/inventory/entries/new")
        submit(page.locator("form.entry-form"))
        expect_refused(page, audit, language, "provider")

        page.goto(f"/admin/translation/{unit.id}/en")
        page.fill("#text", "")
        page.locator("#save").click()
        expect_refused(page, audit, language, "text")

        page.goto("/admin/settings/")
        page.fill("#base_url", "not an address")
        submit(page.locator("main form[method=post]"))
        expect_refused(page, audit, language, "base_url")

        page.goto("/admin/users/new")
        page.fill("#email", "not an e-mail")
        page.select_option("#role", value="translator")
        submit(page.locator("main form[method=post]"))
        expect_refused(page, audit, language, "email")


def on_one_line(page: Page, selector: str) -> bool:
    """Whether the boxes ``selector`` finds all share a horizontal band: one line."""
    return page.evaluate(
        """selector => {
            const boxes = [...document.querySelectorAll(selector)]
                .map(element => element.getBoundingClientRect())
                .filter(box => box.width > 0);
            const bottom = Math.min(...boxes.map(box => box.bottom));
            return Math.max(...boxes.map(box => box.top)) < bottom;
        }""",
        selector,
    )


def rows_with_uneven_cells(page: Page) -> list[int]:
    """Rows of the inventory whose cells do not all end at the row's bottom border."""
    return page.evaluate(
        """() => [...document.querySelectorAll("table.inventory tbody tr")].flatMap((row, at) => {
            const bottoms = [...row.cells].map(cell => cell.getBoundingClientRect().bottom);
            return new Set(bottoms.map(Math.round)).size === 1 ? [] : [at];
        })"""
    )


def test_the_inventory_and_the_top_bar_fit_a_laptop_screen(page, make_user, tmp_path):
    load_demo_portal()
    admin = make_user(Role.ADMIN)
    page.set_viewport_size(LAPTOP)
    with screenshot_on_failure(page, tmp_path):
        log_in_through_the_form(page, admin)
        for language in LANGUAGES:
            switch_language(page, language)
            page.goto("/admin/inventory/?status=all")
            expect(page.locator("table.inventory tbody tr")).to_have_count(4)
            assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
            table = page.locator(".table-wrap")
            assert table.evaluate("wrap => wrap.scrollWidth <= wrap.clientWidth"), language
            assert rows_with_uneven_cells(page) == []
            expect(page.locator("#category")).to_be_visible()  # the filters are not folded
            assert on_one_line(page, ".brand, .mainnav > ul > li, .topbar__tools > *"), language


def test_the_administration_menu_works_with_the_keyboard(page, make_user, tmp_path, audit):
    admin = make_user(Role.ADMIN)
    with screenshot_on_failure(page, tmp_path):
        log_in_through_the_form(page, admin)
        accounts = page.get_by_role("link", name="Accounts")
        expect(accounts).to_be_hidden()
        page.get_by_text("Administration", exact=True).focus()
        page.keyboard.press("Enter")
        expect(accounts).to_be_visible()
        audit.check(page)  # the open menu too
        page.keyboard.press("Tab")
        expect(page.get_by_role("link", name="Audit log")).to_be_focused()
        page.keyboard.press("Escape")
        expect(accounts).to_be_hidden()
        expect(page.get_by_text("Administration", exact=True)).to_be_focused()
        page.keyboard.press("Enter")
        accounts.click()
        expect(page.get_by_role("heading", name="Accounts")).to_be_visible()


def test_on_a_phone_the_inventory_is_a_list_of_cards_and_its_filters_fold(
    page, make_user, tmp_path, audit
):
    load_demo_portal()
    operator = make_user(Role.OPERATOR)
    page.set_viewport_size(PHONE)
    with screenshot_on_failure(page, tmp_path):
        log_in_through_the_form(page, operator)
        page.goto("/admin/inventory/")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        expect(page.locator("#category")).to_be_hidden()
        page.get_by_text("Filters", exact=True).click()
        expect(page.locator("#category")).to_be_visible()
        card = page.locator("table.inventory tbody tr").first
        lefts = card.locator("th, td").evaluate_all(
            "cells => cells.map(cell => Math.round(cell.getBoundingClientRect().left))"
        )
        assert len(set(lefts)) == 1, lefts  # the cells stand one under the other
        provider = card.locator('td[data-label="Provider"]')
        label = provider.evaluate("cell => getComputedStyle(cell, '::before').content")
        assert label == '"Provider"'
        audit.check(page)


def test_a_memory_suggestion_used_with_the_keyboard_is_saved_as_from_memory(
    page, make_user, make_cookie, tmp_path
):
    done = make_cookie(purpose="Même texte.")
    translate(done.purpose_unit, "Same text.")
    new = make_cookie(purpose="Même texte.")
    translator = make_user(Role.TRANSLATOR)
    with screenshot_on_failure(page, tmp_path):
        log_in_through_the_form(page, translator)
        page.goto(f"/admin/translation/{new.purpose_unit.id}/en")
        page.keyboard.press("Alt+1")
        expect(page.locator("#text")).to_have_value("Same text.")
        page.keyboard.press("Control+Shift+Enter")
        expect(page.locator(".flashes")).to_contain_text("Translation saved.")

    db.session.expire_all()
    saved = new.purpose_unit.current_version("en")
    assert (saved.text, saved.origin, saved.state) == (
        "Same text.",
        TextOrigin.MEMORY,
        TextState.DRAFT,
    )
