"""``flask inventory scan`` against a small site this test serves on the loopback interface.

The site (127.0.0.1) sets a cookie in a response, sets a cookie and two web storage keys from
a script on a page reachable only by a link, and loads an image from a third party:
``localhost``, another site to the browser though the same interface. A cross-site cookie
must say ``SameSite=None; Secure``; Chromium takes ``Secure`` cookies from plain
http://localhost, which browsers treat as a secure context, so no certificate is needed.
The site also has a form and a button the scanner must leave alone, links it must not
follow, and a sibling on another port that only ``--same-site`` reaches.
"""

import json
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from portal_cookies.inventory import services as inventory
from portal_cookies.inventory.scan import Scope, worth_following
from portal_cookies.models import StorageKind
from portal_cookies.portal import update_portal
from portal_cookies.service_errors import ServiceError
from tests.browser import CHROMIUM, require_chromium

# Addresses that are not web pages though their names do not say so.
CONTENT_TYPES = {"/data": "application/json"}
PAGE = "<!doctype html><html lang=en><title>{title}</title><body>{body}</body></html>"


@dataclass
class Host:
    """One server: its address and every request it answered."""

    base: str = ""
    requests: list[tuple[str, str]] = field(default_factory=list)

    def paths(self, method: str = "GET") -> set[str]:
        return {path for verb, path in self.requests if verb == method}


@dataclass
class Site:
    home: Host
    third_party: Host
    sibling: Host


def serve(host: Host, pages: dict[str, tuple[str, list[str]]], name: str) -> ThreadingHTTPServer:
    """Serve ``pages`` (path: body and Set-Cookie headers) on 127.0.0.1; ``host.base`` names
    it ``name``. Every request is recorded, POSTs answered but never expected."""

    class Handler(BaseHTTPRequestHandler):
        def answer(self) -> None:
            host.requests.append((self.command, self.path))
            body, cookies = pages.get(self.path, ("", []))
            is_image = self.path.endswith(".gif")
            kind = "image/gif" if is_image else CONTENT_TYPES.get(self.path, "text/html")
            self.send_response(200 if self.path in pages else 404)
            self.send_header("Content-Type", kind)
            for cookie in cookies:
                self.send_header("Set-Cookie", cookie)
            self.end_headers()
            self.wfile.write(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;" if is_image else body.encode())

        do_GET = do_POST = answer

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    host.base = f"http://{name}:{server.server_port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def page(title: str, body: str) -> str:
    return PAGE.format(title=title, body=body)


@pytest.fixture(scope="module")
def served_site() -> Iterator[Site]:
    home, third_party, sibling = Host(), Host(), Host()
    servers = [
        serve(
            third_party,
            {"/pixel.gif": ("", ["tracker=1; Path=/; SameSite=None; Secure"])},
            "localhost",
        ),
        serve(sibling, {"/": (page("Sibling", "<p>Another port</p>"), [])}, "127.0.0.1"),
    ]
    home_pages = {
        "/": (
            page(
                "Home",
                f"""<img alt="" src="{third_party.base}/pixel.gif">
                <a href="/script.html">Script</a> <a href="/form.html">Form</a>
                <a href="#top">Top</a> <a href="mailto:someone@example.org">Mail</a>
                <a href="javascript:void(0)">Nothing</a> <a href="/logout">Log out</a>
                <a href="/report.pdf">Report</a> <a href="/chain/1.html">Chain</a>
                <a href="/data">Data</a>
                <a href="{third_party.base}/elsewhere.html">Elsewhere</a>
                <a href="{sibling.base}/">Sibling</a>""",
            ),
            ["first_party=1; Max-Age=3600; Path=/"],
        ),
        "/script.html": (
            page(
                "Script",
                """<script>
                document.cookie = "script_set=1; max-age=86400; path=/";
                localStorage.setItem("local_key", "1");
                sessionStorage.setItem("session_key", "1");
                </script><a href="/">Home</a>""",
            ),
            [],
        ),
        "/form.html": (
            page(
                "Form",
                """<form method="post" action="/submit"><input name="q" value="x">
                <button>Send</button></form>
                <button type="button" onclick="document.cookie='clicked=1'">Click</button>
                <a href="/autosubmit.html">Sent by itself</a> <a href="/runaway.html">Away</a>""",
            ),
            [],
        ),
        # Scripts that submit a form and leave the site as soon as the page loads.
        "/autosubmit.html": (
            page(
                "Sent by itself",
                """<form id="form" method="post" action="/submit"></form>
                <script>document.getElementById("form").submit();</script>""",
            ),
            [],
        ),
        "/runaway.html": (
            page("Away", f'<script>location.href = "{third_party.base}/elsewhere.html";</script>'),
            [],
        ),
        "/logout": (page("Bye", ""), ["first_party=; Max-Age=0; Path=/"]),
        "/report.pdf": ("%PDF-1.4", []),
        "/data": ("{}", ["data_cookie=1; Path=/"]),
        "/submit": (page("Sent", ""), ["submitted=1; Path=/"]),
        "/chain/1.html": (page("One", '<a href="/chain/2.html">Two</a>'), []),
        "/chain/2.html": (page("Two", '<a href="/chain/3.html">Three</a>'), []),
        "/chain/3.html": (page("Three", ""), []),
    }
    servers.append(serve(home, home_pages, "127.0.0.1"))
    yield Site(home, third_party, sibling)
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def chromium(monkeypatch: pytest.MonkeyPatch) -> None:
    """Scans use Debian's Chromium, as the browser journeys do (tests/browser.py)."""
    require_chromium()
    monkeypatch.setenv("PORTAL_COOKIES_CHROMIUM", str(CHROMIUM))


@pytest.fixture
def site(served_site: Site, chromium: None) -> Site:
    """The site, with no request yet."""
    for host in (served_site.home, served_site.third_party, served_site.sibling):
        host.requests.clear()
    return served_site


def found(result: inventory.ScanResult) -> dict[tuple[StorageKind, str, str], str]:
    """Each thing found, by kind, domain and name: the path of the page where it was first."""
    return {
        (seen.storage_kind, seen.domain, seen.name): urlsplit(seen.page).path
        for seen in result.observations
    }


@pytest.mark.browser
def test_a_scan_finds_cookies_set_by_responses_scripts_and_third_parties_and_storage_keys(site):
    result = inventory.scan_site(site.home.base + "/")

    assert found(result) == {
        (StorageKind.HTTP_COOKIE, "127.0.0.1", "first_party"): "/",
        (StorageKind.HTTP_COOKIE, "localhost", "tracker"): "/",
        (StorageKind.HTTP_COOKIE, "127.0.0.1", "script_set"): "/script.html",
        (StorageKind.LOCAL_STORAGE, "127.0.0.1", "local_key"): "/script.html",
        (StorageKind.SESSION_STORAGE, "127.0.0.1", "session_key"): "/script.html",
        # An address that is no web page is not read, but the cookies it sets count.
        (StorageKind.HTTP_COOKIE, "127.0.0.1", "data_cookie"): "/data",
    }
    lifetimes = {seen.name: seen.lifetime_seconds for seen in result.observations}
    assert 3000 < lifetimes["first_party"] <= 3600
    assert 86000 < lifetimes["script_set"] <= 86400
    assert lifetimes["tracker"] is None  # a session cookie
    assert {seen.seen_in for seen in result.observations} == {"browser", "storage"}


@pytest.mark.browser
def test_a_scan_stays_on_the_origin_and_submits_nothing(site):
    result = inventory.scan_site(site.home.base + "/")

    assert [urlsplit(page).path for page in result.pages] == [
        "/",
        "/script.html",
        "/form.html",
        "/chain/1.html",
        "/chain/2.html",
        "/chain/3.html",
    ]
    assert all(page.startswith(site.home.base) for page in result.pages)
    assert [(urlsplit(unread.url).path, unread.reason) for unread in result.unread] == [
        ("/data", "not a web page (application/json)"),
        ("/autosubmit.html", f"a script submitted a form to {site.home.base}/submit: not sent"),
        (
            "/runaway.html",
            f"a script went off the site to {site.third_party.base}/elsewhere.html: not followed",
        ),
    ]
    assert site.home.paths("POST") == set()
    assert {"/logout", "/report.pdf", "/submit"}.isdisjoint(site.home.paths())
    assert site.third_party.paths() == {"/pixel.gif"}
    assert site.sibling.requests == []
    names = {seen.name for seen in result.observations}
    assert {"clicked", "submitted"}.isdisjoint(names)


@pytest.mark.browser
def test_same_site_also_follows_the_sites_other_ports_but_not_other_hosts(site):
    result = inventory.scan_site(site.home.base + "/", same_site=True)

    assert site.sibling.base + "/" in result.pages
    assert site.third_party.paths() == {"/pixel.gif"}


@pytest.mark.browser
def test_a_scan_opens_no_more_pages_than_asked(site):
    result = inventory.scan_site(site.home.base + "/", pages=2)

    assert result.pages == [site.home.base + "/", site.home.base + "/script.html"]
    assert "/form.html" not in site.home.paths()
    assert "first_party" in {seen.name for seen in result.observations}


@pytest.mark.browser
def test_a_scan_writes_the_har_file_asked_for(site, tmp_path):
    har = tmp_path / "scan.har"

    inventory.scan_site(site.home.base + "/", pages=1, har_path=str(har))

    entries = json.loads(har.read_text())["log"]["entries"]
    requested = {entry["request"]["url"] for entry in entries}
    assert {site.home.base + "/", site.third_party.base + "/pixel.gif"} <= requested
    home = next(entry for entry in entries if entry["request"]["url"] == site.home.base + "/")
    assert any(
        header["name"].lower() == "set-cookie" and "first_party" in header["value"]
        for header in home["response"]["headers"]
    )


@pytest.mark.browser
def test_the_command_lists_what_it_found_and_exits_1_on_drift(site, runner, tmp_path):
    update_portal(actor=None, name="Portail", base_url=site.home.base + "/")
    har = tmp_path / "scan.har"
    result = runner.invoke(
        args=["inventory", "scan", site.home.base + "/", "--pages", "2", "--har", str(har)]
    )

    assert result.exit_code == 1, result.output
    assert "Read 2 pages" in result.output
    for name in ("first_party", "tracker", "script_set", "local_key", "session_key"):
        assert name in result.output
    assert har.exists()


@pytest.mark.browser
def test_the_command_exits_0_when_the_site_stores_nothing(site, runner):
    # The drift report tells first from third party by the portal's address.
    update_portal(actor=None, name="Portail", base_url=site.sibling.base + "/")
    result = runner.invoke(args=["inventory", "scan", site.sibling.base + "/"])

    assert result.exit_code == 0, result.output
    assert "Cookies and storage keys found: 0" in result.output


@pytest.mark.browser
@pytest.mark.usefixtures("chromium")
def test_an_unreachable_site_is_named_and_exits_1(runner):
    # A port just freed is closed; nothing answers there.
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    url = f"http://127.0.0.1:{server.server_port}/"
    server.server_close()

    result = runner.invoke(args=["inventory", "scan", url])

    assert result.exit_code == 1
    assert f"Could not read {url}" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("url", ["ftp://example.org/", "example.org", "http://x:99999/"])
def test_an_address_that_is_not_a_web_address_is_refused(runner, url):
    result = runner.invoke(args=["inventory", "scan", url])

    assert result.exit_code == 1
    assert "is not a web address" in result.output


def test_without_playwright_the_command_says_how_to_install_it(runner, monkeypatch):
    monkeypatch.setitem(sys.modules, "playwright", None)

    result = runner.invoke(args=["inventory", "scan", "http://127.0.0.1:1/"])

    assert result.exit_code == 1
    assert "pip install -r requirements-scan.txt" in result.output
    assert "Traceback" not in result.output


def test_a_chromium_named_but_missing_is_refused(monkeypatch):
    monkeypatch.setenv("PORTAL_COOKIES_CHROMIUM", "/nowhere/chromium")

    with pytest.raises(ServiceError, match="names no file"):
        inventory.scan_site("http://127.0.0.1:1/")


@pytest.mark.parametrize(
    ("start", "same_site", "followed", "not_followed"),
    [
        (
            "https://data.example.org/",
            False,
            ["https://data.example.org/explore", "https://data.example.org:443/"],
            ["http://data.example.org/", "https://data.example.org:8443/", "https://example.org/"],
        ),
        (
            "https://www.example.org/",
            True,
            ["http://example.org/", "https://data.example.org:8443/", "https://www.example.org/"],
            ["https://example.com/", "https://badexample.org/", "ftp://example.org/"],
        ),
        (
            "https://data.example.org/",
            True,
            ["https://api.data.example.org/"],
            ["https://www.example.org/", "https://example.org/"],
        ),
    ],
)
def test_the_site_is_the_starting_origin_or_with_same_site_its_hosts(
    start, same_site, followed, not_followed
):
    scope = Scope(same_site)
    scope.add(start)

    assert [url for url in followed if not scope.includes(url)] == []
    assert [url for url in not_followed if scope.includes(url)] == []


def test_logout_links_and_files_are_not_followed():
    assert worth_following("https://data.example.org/explore/?page=2")
    for url in ("/logout", "/account/sign-out?next=/", "/Logoff", "/export/data.CSV", "/a.pdf"):
        assert not worth_following("https://data.example.org" + url), url
