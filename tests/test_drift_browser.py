"""The drift report from a HAR file a real browser recorded (issue 11's "done when"): Chromium
visits a small site that sets an undeclared first-party cookie, a cookie from a script and a
third-party cookie from another loopback host name."""

import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from portal_cookies.extensions import db
from portal_cookies.models import DriftFinding, DriftKind, Party, Role
from portal_cookies.portal import update_portal
from tests.browser import launch, require_chromium
from tests.helpers import know_cookie, log_in, upload_recording

pytestmark = pytest.mark.browser


def site(port: int):
    """The portal at 127.0.0.1, a tracker at localhost: two sites to the browser."""

    @Request.application
    def application(request: Request) -> Response:
        if request.path == "/pixel.gif":
            response = Response(b"GIF89a", mimetype="image/gif")
            response.set_cookie("tracker_id", "t-1", max_age=86400)
            return response
        if request.path == "/app.js":
            script = 'document.cookie = "script_set=1; path=/; max-age=3600";'
            return Response(script, mimetype="text/javascript")
        if request.path == "/next":
            return Response("<!doctype html><title>Next</title><p>Next", mimetype="text/html")
        page = (
            "<!doctype html><title>Portal</title><p>Datasets"
            f'<img src="http://localhost:{port}/pixel.gif" alt="">'
            '<script src="/app.js"></script>'
        )
        response = Response(page, mimetype="text/html")
        response.set_cookie("site_pref", "dark", max_age=30 * 86400)
        return response

    return application


@pytest.fixture
def little_site() -> Iterator[int]:
    server = make_server("127.0.0.1", 0, lambda environ, start: app(environ, start))
    app = site(server.server_port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def test_a_har_recorded_by_chromium_names_all_three_cookies(
    client, little_site, tmp_path, make_cookie, make_provider
):
    require_chromium()
    port = little_site
    har_path = tmp_path / "recording.har"
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(record_har_path=str(har_path))
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{port}/")
        page.wait_for_load_state("networkidle")
        page.goto(f"http://127.0.0.1:{port}/next")
        context.close()  # writes the HAR
        browser.close()
    update_portal(actor=None, name="Portail", base_url=f"http://127.0.0.1:{port}/")
    know_cookie("site_pref")
    log_in(client, Role.OPERATOR)

    assert upload_recording(client, har_path.read_bytes()).status_code == 302

    undeclared = {
        finding.name: finding
        for finding in db.session.scalars(
            db.select(DriftFinding).where(DriftFinding.kind == DriftKind.UNDECLARED)
        )
    }
    assert set(undeclared) == {"site_pref", "script_set", "tracker_id"}
    assert (undeclared["site_pref"].party, undeclared["site_pref"].seen_in) == (
        Party.FIRST,
        "set-cookie",
    )
    assert (undeclared["script_set"].party, undeclared["script_set"].seen_in) == (
        Party.FIRST,
        "cookie",
    )
    assert (undeclared["tracker_id"].party, undeclared["tracker_id"].domain) == (
        Party.THIRD,
        "localhost",
    )
    draft = client.get(f"/admin/inventory/drift/findings/{undeclared['site_pref'].id}/entry").text
    assert "site_pref</textarea>" in draft
    assert "Accept this suggestion" in draft
