"""The drift report (issue 11, point 3): what a browser really stored, from a HAR or a
cookies.txt file, compared with the inventory; its draft entries and the dashboard's figures."""

import io
import json
import re
import time
import tracemalloc

import pytest

from portal_cookies.extensions import db
from portal_cookies.inventory import services as inventory
from portal_cookies.inventory.observed_files import read_observed_file
from portal_cookies.models import (
    CookieEntry,
    DriftCheck,
    DriftFinding,
    DriftKind,
    DurationKind,
    DurationUnit,
    Party,
    Role,
    StorageKind,
)
from portal_cookies.portal import update_portal
from portal_cookies.service_errors import ServiceError
from tests.helpers import count_rows, know_cookie, log_in, upload_recording

PORTAL = "https://portal.example.org"
DATE = "Mon, 14 Dec 2026 09:00:00 GMT"


def header(name, value):
    return {"name": name, "value": value}


def har_entry(url, *, page="page_1", request_headers=(), response_headers=(), started=None):
    """One request as Chromium's developer tools export it."""
    return {
        "pageref": page,
        "startedDateTime": started or "2026-12-14T09:00:00.000Z",
        "time": 12.5,
        "request": {
            "method": "GET",
            "url": url,
            "httpVersion": "HTTP/1.1",
            "headers": [header("Host", url.split("/")[2]), *request_headers],
            "queryString": [],
            "cookies": [],
            "headersSize": -1,
            "bodySize": 0,
        },
        "response": {
            "status": 200,
            "statusText": "OK",
            "httpVersion": "HTTP/1.1",
            "headers": [header("Date", DATE), *response_headers],
            "cookies": [],
            "content": {"size": 0, "mimeType": "text/html"},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1,
        },
        "cache": {},
        "timings": {"send": 0, "wait": 10, "receive": 2.5},
    }


def har(*entries):
    return {
        "log": {
            "version": "1.2",
            "creator": {"name": "WebInspector", "version": "537.36"},
            "pages": [
                {
                    "startedDateTime": "2026-12-14T09:00:00.000Z",
                    "id": "page_1",
                    "title": f"{PORTAL}/datasets/",
                    "pageTimings": {"onContentLoad": 120, "onLoad": 300},
                }
            ],
            "entries": list(entries),
        }
    }


def har_file(*entries) -> io.BytesIO:
    return io.BytesIO(json.dumps(har(*entries), indent=2).encode())


def three_cookies_har() -> io.BytesIO:
    """The portal sets "portal_pref" (undeclared), a script set "_consent" (only ever sent),
    and a tracker on another site sets "trk"."""
    return har_file(
        har_entry(
            f"{PORTAL}/datasets/",
            response_headers=[
                header("Set-Cookie", "sessionid=s3cr3t; Path=/; HttpOnly"),
                header("Set-Cookie", "portal_pref=dark; Path=/; Max-Age=2592000"),
            ],
        ),
        har_entry(
            f"{PORTAL}/static/app.js",
            request_headers=[header("Cookie", "sessionid=s3cr3t; portal_pref=dark")],
        ),
        har_entry(
            f"{PORTAL}/api/datasets",
            request_headers=[
                header("Cookie", "sessionid=s3cr3t; portal_pref=dark; _consent=yes-all")
            ],
        ),
        har_entry(
            "https://tracker.example.net/pixel.gif",
            response_headers=[
                header(
                    "Set-Cookie",
                    "trk=abc123; Domain=.example.net; Path=/; Expires=Tue, 14 Dec 2027 "
                    "09:00:00 GMT; SameSite=None; Secure",
                )
            ],
        ),
    )


@pytest.fixture
def portal():
    return update_portal(actor=None, name="Portail", base_url=PORTAL)


@pytest.fixture
def session_entry(portal, make_cookie):
    return make_cookie(
        names=["sessionid"],
        duration_kind=DurationKind.SESSION,
        duration_value=None,
        duration_unit=None,
    )


def findings(report, kind):
    return {(finding.name, finding.domain): finding for finding in report.of_kind(kind)}


# --- The report ---------------------------------------------------------------------------


def test_a_har_file_names_the_undeclared_first_party_script_set_and_third_party_cookies(
    session_entry,
):
    report = inventory.drift_report_from_file(three_cookies_har(), source="a.har", actor=None)

    undeclared = findings(report, DriftKind.UNDECLARED)
    assert set(undeclared) == {
        ("portal_pref", "portal.example.org"),
        ("_consent", "portal.example.org"),
        ("trk", "example.net"),
    }
    first = undeclared["portal_pref", "portal.example.org"]
    assert (first.party, first.seen_in, first.page) == (
        Party.FIRST,
        "set-cookie",
        f"{PORTAL}/datasets/",
    )
    assert first.header == "portal_pref=…; Path=/; Max-Age=2592000"
    assert first.lifetime_seconds == 2592000
    script = undeclared["_consent", "portal.example.org"]
    assert (script.party, script.seen_in) == (Party.FIRST, "cookie")
    assert script.header == "sessionid=…; portal_pref=…; _consent=…"
    third = undeclared["trk", "example.net"]
    assert third.party == Party.THIRD
    assert third.lifetime_seconds == 365 * 86400
    # The values people's sessions carry are not kept.
    assert "s3cr3t" not in repr(report) and "abc123" not in repr(report)
    assert report.drifts
    stored = db.session.scalar(db.select(DriftCheck))
    assert (stored.source, stored.portal_host, len(stored.findings)) == (
        "a.har",
        "portal.example.org",
        3,
    )


def test_declared_entries_never_observed_are_reported(portal, make_cookie):
    unused = make_cookie(names=["old_banner"])
    archived = make_cookie(names=["older"], archived=True)
    storage = make_cookie(names=["draft"], storage_kind=StorageKind.LOCAL_STORAGE)
    report = inventory.build_drift_report(read_observed_file(three_cookies_har()))

    never = report.of_kind(DriftKind.NEVER_OBSERVED)
    # A HAR file shows no web storage: its entries are not judged.
    assert [finding.entry for finding in never] == [unused]
    assert archived not in [finding.entry for finding in report.findings]
    assert storage not in [finding.entry for finding in report.findings]


def observe(*lines, url=f"{PORTAL}/", request_cookie=None):
    entry = har_entry(
        url,
        response_headers=[header("Set-Cookie", line) for line in lines],
        request_headers=[header("Cookie", request_cookie)] if request_cookie else [],
    )
    return inventory.drift_report_from_file(har_file(entry), source="x.har", actor=None)


def test_prefix_patterns_and_parent_domains_declare_what_they_cover(portal, make_cookie):
    make_cookie(names=["_pk_id.*", "_pk_ses.*"], domain="")
    make_cookie(names=["trk"], party=Party.THIRD, domain=".example.net")

    recording = har_file(
        har_entry(
            f"{PORTAL}/",
            response_headers=[
                header("Set-Cookie", "_pk_id.1.a8f3=x; Path=/; Max-Age=60"),
                # Set for the portal's parent domain, by the portal: still the portal's entry.
                header("Set-Cookie", "_pk_ses.1.a8f3=x; Domain=example.org; Max-Age=60"),
                header("Set-Cookie", "_pk_other=x; Max-Age=60"),
            ],
        ),
        har_entry("https://cdn.example.net/x.js", request_headers=[header("Cookie", "trk=1")]),
    )

    report = inventory.drift_report_from_file(recording, source="x.har", actor=None)

    assert set(findings(report, DriftKind.UNDECLARED)) == {("_pk_other", "portal.example.org")}


def test_a_prefix_pattern_on_another_domain_does_not_declare(portal, make_cookie):
    make_cookie(names=["_pk_id.*"], party=Party.THIRD, domain="matomo.example.com")

    report = observe("_pk_id.1.a8f3=x; Max-Age=60")

    assert set(findings(report, DriftKind.UNDECLARED)) == {("_pk_id.1.a8f3", "portal.example.org")}


@pytest.mark.parametrize(
    ("declared", "set_cookie", "longer"),
    [
        ((DurationKind.FIXED, 1, DurationUnit.DAYS), "c=1; Max-Age=172800", True),
        ((DurationKind.FIXED, 13, DurationUnit.MONTHS), "c=1; Max-Age=33955200", False),
        ((DurationKind.FIXED, 13, DurationUnit.MONTHS), "c=1; Max-Age=63072000", True),
        ((DurationKind.SESSION, None, None), "c=1; Max-Age=3600", True),
        ((DurationKind.SESSION, None, None), "c=1; Path=/", False),
        ((DurationKind.UNTIL_DELETED, None, None), "c=1; Max-Age=999999999", False),
        # Expires is counted from the response's Date.
        (
            (DurationKind.FIXED, 1, DurationUnit.DAYS),
            "c=1; expires=Wed, 16-Dec-2026 09:00:00 GMT",
            True,
        ),
        (
            (DurationKind.FIXED, 2, DurationUnit.DAYS),
            "c=1; Expires=Wed, 16 Dec 2026 09:00:00 GMT",
            False,
        ),
        # Max-Age wins over Expires; attribute names in any case.
        (
            (DurationKind.FIXED, 1, DurationUnit.HOURS),
            "c=1; MAX-AGE=60; Expires=Wed, 16 Dec 2027 09:00:00 GMT",
            False,
        ),
    ],
)
def test_lifetimes_longer_than_declared_are_reported(
    portal, make_cookie, declared, set_cookie, longer
):
    kind, value, unit = declared
    entry = make_cookie(names=["c"], duration_kind=kind, duration_value=value, duration_unit=unit)

    report = observe(set_cookie)

    found = report.of_kind(DriftKind.LONGER_LIFETIME)
    assert [(f.entry, f.name) for f in found] == ([(entry, "c")] if longer else [])
    assert not report.of_kind(DriftKind.UNDECLARED)


def test_a_cookie_deleted_by_the_response_stores_nothing(portal, make_cookie):
    make_cookie(
        names=["c"],
        duration_kind=DurationKind.FIXED,
        duration_value=1,
        duration_unit=DurationUnit.HOURS,
    )

    report = observe("c=; Max-Age=0", "gone=; Expires=Thu, 01 Jan 1970 00:00:00 GMT")

    assert report.cookie_count == 0


def test_the_party_is_judged_against_the_portals_site(make_cookie):
    update_portal(actor=None, name="Portail", base_url="https://data.example.org/portal/")

    report = observe("a=1", "b=1; Domain=example.org", url="https://www.example.org/")
    other = observe("c=1", url="https://example.com/")

    assert {f.name: f.party for f in report.findings} == {"a": Party.FIRST, "b": Party.FIRST}
    assert [f.party for f in other.findings] == [Party.THIRD]


def test_without_the_portals_address_the_report_asks_for_it(make_cookie):
    with pytest.raises(ServiceError, match="portal's address"):
        inventory.drift_report_from_file(three_cookies_har(), source="a.har", actor=None)
    assert count_rows(DriftCheck) == 0


def test_a_new_report_replaces_the_last(session_entry):
    inventory.drift_report_from_file(three_cookies_har(), source="a.har", actor=None)
    inventory.drift_report_from_file(
        har_file(har_entry(f"{PORTAL}/", request_headers=[header("Cookie", "sessionid=1")])),
        source="b.har",
        actor=None,
    )

    assert [check.source for check in db.session.scalars(db.select(DriftCheck))] == ["b.har"]
    assert count_rows(DriftFinding) == 0


# --- cookies.txt --------------------------------------------------------------------------


def test_a_cookies_txt_file_is_read(portal, make_cookie):
    make_cookie(
        names=["sessionid"],
        duration_kind=DurationKind.SESSION,
        duration_value=None,
        duration_unit=None,
    )
    in_a_year = int(time.time()) + 365 * 86400
    text = (
        "# Netscape HTTP Cookie File\n"
        "# https://curl.se/docs/http-cookies.html\n"
        "\n"
        "#HttpOnly_portal.example.org\tFALSE\t/\tTRUE\t0\tsessionid\tabc\n"
        f".example.net\tTRUE\t/\tTRUE\t{in_a_year}\ttrk\tsecret-value\n"
        f"portal.example.org\tFALSE\t/\tFALSE\t{in_a_year}\tlang\n"
    )

    report = inventory.drift_report_from_file(
        io.BytesIO(text.encode()), source="cookies.txt", actor=None
    )

    undeclared = findings(report, DriftKind.UNDECLARED)
    assert set(undeclared) == {("trk", "example.net"), ("lang", "portal.example.org")}
    trk = undeclared["trk", "example.net"]
    assert (trk.party, trk.seen_in) == (Party.THIRD, "cookies-txt")
    assert 364 * 86400 < trk.lifetime_seconds <= 365 * 86400
    assert "secret-value" not in trk.header
    assert not report.of_kind(DriftKind.NEVER_OBSERVED)


# --- Malformed files ----------------------------------------------------------------------


MALFORMED = {
    "not JSON": (b'{"log": {"entries": [ {"request": nope} ]}}', "not valid JSON"),
    "no entries": (b'{"log": {"version": "1.2", "pages": []}}', "no “log.entries”"),
    "not a HAR": (b'{"cookies": []}', "no “log.entries”"),
    "entries not a list": (b'{"log": {"entries": {}}}', "is not a list"),
    "entry without address": (b'{"log": {"entries": [{"request": {}}]}}', "entry 1 has no"),
    "truncated": (
        json.dumps(har(har_entry(f"{PORTAL}/"), har_entry(f"{PORTAL}/a"))).encode()[:-300],
        "ends too early, in entry 2",
    ),
    "empty": (b"  \n", "The file is empty"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "not UTF-8"),
    "cookies.txt line": (b"# Netscape HTTP Cookie File\nexample.org\tTRUE\t/\n", "Line 2"),
    "cookies.txt expiry": (b"example.org\tTRUE\t/\tFALSE\tsoon\tn\tv\n", "expiry “soon”"),
}


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_a_malformed_file_says_what_is_wrong_and_changes_nothing(session_entry, case):
    inventory.drift_report_from_file(three_cookies_har(), source="a.har", actor=None)
    content, message = MALFORMED[case]

    with pytest.raises(ServiceError) as refused:
        inventory.drift_report_from_file(io.BytesIO(content), source="bad", actor=None)

    assert message in refused.value.message
    check = db.session.scalar(db.select(DriftCheck))
    assert (check.source, len(check.findings)) == ("a.har", 3)


# --- Large files --------------------------------------------------------------------------


class GeneratedHar(io.RawIOBase):
    """A HAR file of ``count`` requests, written as it is read: the test never holds it."""

    def __init__(self, count: int, padding: int):
        self._parts = self._generate(count, padding)
        self._pending = b""
        self.size = 0

    @staticmethod
    def _generate(count, padding):
        yield b'{"log": {"version": "1.2", "creator": {"name": "test"}, "entries": ['
        for number in range(count):
            entry = har_entry(
                f"{PORTAL}/page/{number}",
                request_headers=[header("Cookie", f"sessionid=1; seen_{number % 50}=1")],
                response_headers=[header("X-Padding", "x" * padding)],
            )
            yield (b"," if number else b"") + json.dumps(entry).encode()
        yield b"]}}"

    def readable(self):
        return True

    def read(self, size=-1):
        while len(self._pending) < max(size, 1):
            part = next(self._parts, None)
            if part is None:
                break
            self._pending += part
        chunk, self._pending = self._pending[:size], self._pending[size:]
        self.size += len(chunk)
        return chunk


def test_a_large_har_file_is_read_as_a_stream(session_entry):
    stream = GeneratedHar(count=10_000, padding=4_000)

    tracemalloc.start()
    try:
        report = inventory.build_drift_report(read_observed_file(stream))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert stream.size > 45_000_000
    assert report.observation_count == 20_000
    assert len(report.of_kind(DriftKind.UNDECLARED)) == 50
    assert peak < 8_000_000, f"{peak} bytes held to read {stream.size}"


# --- In the browser -----------------------------------------------------------------------


def chosen(page: str, ident: int) -> bool:
    """Whether the page's form has the option of value ``ident`` selected (whatever other
    attributes it has: a name in another language than the page's carries ``lang``)."""
    return re.search(rf'<option[^>]*\bselected\b[^>]*value="{ident}"', page) is not None


def test_an_upload_shows_the_report_and_one_click_makes_a_draft_entry(
    client, session_entry, make_provider, make_category
):
    provider = make_provider(name="Opendatasoft")
    category = make_category(slug="functional", name="Fonctionnels")
    know_cookie("portal_pref")
    log_in(client, Role.OPERATOR)

    response = upload_recording(client, three_cookies_har().getvalue())
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    for name in ("portal_pref", "_consent", "trk"):
        assert f"<code>{name}</code>" in page
    assert "Set-Cookie response header" in page
    assert "only in a Cookie request header" in page
    finding = db.session.scalar(db.select(DriftFinding).where(DriftFinding.name == "portal_pref"))
    finding_id = finding.id
    draft_url = f"/admin/inventory/drift/findings/{finding_id}/entry"
    assert f'href="{draft_url}"' in page

    draft = client.get(draft_url).text
    # Prefilled from the observation; the suggestion is shown, not applied.
    assert re.search(r'<textarea[^>]*name="names"[^>]*>\s*portal_pref</textarea>', draft)
    assert re.search(r'checked[^>]*value="fixed"', draft) and 'value="30"' in draft
    assert "Remembers the display preferences." in draft
    assert not chosen(draft, provider.id)

    accepted = client.get(f"{draft_url}?accept=0").text
    assert chosen(accepted, provider.id) and chosen(accepted, category.id)
    assert "Remembers the display preferences.</textarea>" in accepted

    saved = client.post(
        draft_url,
        data={
            "provider": provider.id,
            "category": category.id,
            "names": "portal_pref",
            "storage_kind": "http_cookie",
            "party": "first",
            "domain": "",
            "locations": "front_office",
            "function": "Préférences",
            "purpose": "Retenir l'affichage choisi.",
            "duration_kind": "fixed",
            "duration_value": "1",
            "duration_unit": "months",
            "consent_basis": "consent",
            "visible": "y",
        },
    )
    entry = db.session.scalar(db.select(CookieEntry).order_by(CookieEntry.id.desc()).limit(1))
    assert saved.status_code == 302
    assert saved.headers["Location"] == f"/admin/inventory/entries/{entry.id}"
    assert entry.name_list == ["portal_pref"]
    assert db.session.get(DriftFinding, finding_id) is None
    assert "<code>portal_pref</code>" not in client.get("/admin/inventory/drift/").text


def test_a_draft_entry_without_the_catalogue_offers_no_suggestion(client, session_entry):
    log_in(client, Role.OPERATOR)
    upload_recording(client, three_cookies_har().getvalue())
    finding = db.session.scalar(db.select(DriftFinding).where(DriftFinding.name == "trk"))

    page = client.get(f"/admin/inventory/drift/findings/{finding.id}/entry").text

    assert "The catalogue knows nothing of this cookie." in page
    assert re.search(r'checked[^>]*name="party"[^>]*value="third"', page)
    assert 'value="example.net"' in page


def test_a_malformed_upload_is_refused_on_the_form(client, session_entry):
    log_in(client, Role.OPERATOR)

    response = upload_recording(client, b'{"log": {"entries": [{"request": ', "cut.har")

    assert response.status_code == 422
    assert "The HAR file cannot be read" in response.text
    assert count_rows(DriftCheck) == 0


def test_a_translator_reads_the_report_without_the_upload_form(client, session_entry):
    inventory.drift_report_from_file(three_cookies_har(), source="a.har", actor=None)
    log_in(client, Role.TRANSLATOR)

    page = client.get("/admin/inventory/drift/").text

    assert "<code>trk</code>" in page
    assert 'type="file"' not in page and "Create a draft entry" not in page


def test_the_dashboard_lists_entries_with_drift_findings(client, portal, make_cookie):
    unused = make_cookie(names=["old_banner"])
    short = make_cookie(names=["portal_pref"], duration_value=1, duration_unit=DurationUnit.DAYS)
    inventory.drift_report_from_file(three_cookies_har(), source="a.har", actor=None)
    log_in(client, Role.OPERATOR)

    page = " ".join(client.get("/admin/").text.split())

    assert (
        f'<a href="/admin/inventory/entries/{unused.id}">old_banner</a>: declared but never '
        "observed" in page
    )
    assert (
        f'<a href="/admin/inventory/entries/{short.id}">portal_pref</a>: “portal_pref” kept 30 '
        "days, longer than declared" in page
    )
    # sessionid, _consent and trk.
    assert '<a href="/admin/inventory/drift/#undeclared-title">3 undeclared cookies</a>' in page


# --- The command line ---------------------------------------------------------------------


def test_flask_inventory_drift_prints_a_line_per_finding_and_exits_1(
    runner, session_entry, tmp_path
):
    path = tmp_path / "recording.har"
    path.write_bytes(three_cookies_har().getvalue())

    result = runner.invoke(args=["inventory", "drift", str(path)])

    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len([line for line in lines if line.startswith("undeclared\t")]) == 3
    assert any(
        line.startswith("undeclared\t_consent\tportal.example.org\tfirst party\tcookie on")
        for line in lines
    )
    assert lines[-1].startswith(
        "4 cookies seen 8 times, judged against portal.example.org: 3 undeclared"
    )


def test_flask_inventory_drift_exits_0_when_nothing_drifts(runner, session_entry, tmp_path):
    path = tmp_path / "recording.har"
    path.write_bytes(
        har_file(
            har_entry(f"{PORTAL}/", request_headers=[header("Cookie", "sessionid=1")])
        ).getvalue()
    )

    result = runner.invoke(args=["inventory", "drift", str(path)])

    assert result.exit_code == 0, result.output
    assert "0 undeclared, 0 never observed, 0 longer than declared" in result.output


def test_flask_inventory_drift_refuses_a_malformed_file(runner, session_entry, tmp_path):
    path = tmp_path / "recording.har"
    path.write_bytes(b'{"log": {}}')

    result = runner.invoke(args=["inventory", "drift", str(path)])

    assert result.exit_code == 1
    assert "This is not a HAR file: it has no “log.entries”." in result.output
    assert count_rows(DriftCheck) == 0
