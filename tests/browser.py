"""Driving Debian's Chromium through Playwright, for the browser journeys.

The journeys run with CSRF protection on, as in production, so the forms are exercised as
people use them. Their fixtures (``page``, ``audit``) are in conftest.py.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.helpers import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}: apt-get install chromium")


def launch(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def new_context(browser, live_server: str, **options):
    # bypass_csp lets the accessibility check inject axe-core into the pages.
    context = browser.new_context(base_url=live_server, locale="en-GB", bypass_csp=True, **options)
    context.set_default_timeout(5_000)
    return context


@contextmanager
def screenshot_on_failure(page: Page, folder: Path) -> Iterator[None]:
    try:
        yield
    except BaseException:
        path = folder / "failure.png"
        page.screenshot(path=path, full_page=True)
        print(f"Screenshot of the page at the failure ({page.url}): {path}")
        raise


def log_in_through_the_form(page: Page, user) -> None:
    page.goto("/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
