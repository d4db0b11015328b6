"""The catalogue of known cookies: importing the Open Cookie Database, reading its retention,
and what it suggests on the command line, in JSON and on the entry form."""

import csv
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from portal_cookies.catalogue import services as catalogue
from portal_cookies.extensions import db
from portal_cookies.models import (
    AuditEvent,
    CookieEntry,
    DurationKind,
    DurationUnit,
    KnownCookie,
    Role,
)
from portal_cookies.service_errors import ServiceError
from tests.browser import log_in_through_the_form, screenshot_on_failure
from tests.helpers import (
    CATALOGUE_HEADER,
    catalogue_file,
    count_queries,
    count_rows,
    log_in,
)

GOOGLE = ("Google", "https://business.safety.google/privacy/")
# A few rows in the Open Cookie Database's shape: a wildcard, generic names, odd retention.
ROWS = [
    (
        "id-ga",
        "Google Analytics",
        "Analytics",
        "_ga",
        "",
        "ID used to identify users",
        "2 years",
        *GOOGLE,
        "0",
    ),
    (
        "id-ga-prefix",
        "Google Analytics",
        "Analytics",
        "_ga_",
        "",
        "ID used to identify users",
        "2 years",
        *GOOGLE,
        "1",
    ),
    (
        "id-gid",
        "Google Analytics",
        "Analytics",
        "_gid",
        "",
        "Distinguishes users",
        "1 Day ",
        *GOOGLE,
        "0",
    ),
    (
        "id-short",
        "Short Ads",
        "Marketing",
        "_g",
        "",
        "A two-letter prefix",
        "30 mins",
        "Short Ads",
        "",
        "1",
    ),
    (
        "id-ga-ads",
        "Ads Platform",
        "Marketing",
        "_ga",
        "ads.example.com (3rd party)",
        "Ad targeting",
        "Persistent",
        "Ads Inc",
        "javascript:alert(1)",
        "0",
    ),
    (
        "id-lang",
        "LinkedIn",
        "Functional",
        "lang",
        ".linkedin.com (3rd party)",
        "Remembers the language",
        "session",
        "LinkedIn",
        "https://www.linkedin.com/legal/",
        "0",
    ),
    (
        "id-session",
        "Instagram",
        "Functional",
        "sessionid",
        "",
        "Keeps people logged in",
        "Seesion",
        "Meta",
        "",
        "0",
    ),
    (
        "id-sspr",
        "Some Platform",
        "Security",
        "SSPR_*",
        "",
        "Star-suffixed prefix",
        "3 months - 1 year",
        "Some Company",
        "",
        "0",
    ),
]


def catalogue_csv(rows=ROWS, header=CATALOGUE_HEADER) -> bytes:
    return catalogue_file(rows, header)


def known(source_id: str) -> KnownCookie:
    return db.session.scalar(sa.select(KnownCookie).where(KnownCookie.source_id == source_id))


@pytest.fixture
def imported():
    return catalogue.import_catalogue(catalogue_csv())


def requires_shipped_snapshot():
    if not catalogue.SHIPPED_CATALOGUE.is_file():
        pytest.skip(f"the shipped snapshot is absent ({catalogue.SHIPPED_CATALOGUE})")


# --- Retention ------------------------------------------------------------------------------

FIXED = DurationKind.FIXED


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13 months", (FIXED, 13, DurationUnit.MONTHS)),
        ("2 years", (FIXED, 2, DurationUnit.YEARS)),
        ("1 Year ", (FIXED, 1, DurationUnit.YEARS)),
        ("2 year", (FIXED, 2, DurationUnit.YEARS)),
        ("1 day", (FIXED, 1, DurationUnit.DAYS)),
        ("3 weeks", (FIXED, 3, DurationUnit.WEEKS)),
        ("48 hours", (FIXED, 48, DurationUnit.HOURS)),
        # Below an hour, rounded up to the hour: never declared shorter than it lives.
        ("30 minutes", (FIXED, 1, DurationUnit.HOURS)),
        ("30 secs", (FIXED, 1, DurationUnit.HOURS)),
        ("1440 Minutes", (FIXED, 24, DurationUnit.HOURS)),
        # Over 999 days, in years.
        ("3650 days", (FIXED, 10, DurationUnit.YEARS)),
        ("3652 days", (FIXED, 10, DurationUnit.YEARS)),
        ("1500 days", (FIXED, 5, DurationUnit.YEARS)),
        ("2 years after last activity", (FIXED, 2, DurationUnit.YEARS)),
        ("13 months by default, modifiable", (FIXED, 13, DurationUnit.MONTHS)),
        # A range: its longer end.
        ("3 months - 1 year", (FIXED, 1, DurationUnit.YEARS)),
        ("Session to 30 days", (FIXED, 30, DurationUnit.DAYS)),
        ("session", (DurationKind.SESSION, None, None)),
        ("End of session (browser)", (DurationKind.SESSION, None, None)),
        ("Seesion", (DurationKind.SESSION, None, None)),
        ("forever", (DurationKind.UNTIL_DELETED, None, None)),
        ("no expiration", (DurationKind.UNTIL_DELETED, None, None)),
        ("persistent", None),
        ("Unknown", None),
        ("1 hour or longer", None),
        ("180 days after last activity or 10 years when opting out", None),
        ("0 days", None),
        ("10 Nov 2030", None),
        ("", None),
    ],
)
def test_free_text_retention_becomes_a_structured_duration_or_nothing(text, expected):
    duration = catalogue.parse_retention(text)
    assert (duration and (duration.kind, duration.value, duration.unit)) == expected


def test_every_retention_of_the_shipped_snapshot_reads_as_a_duration_or_is_left_to_confirm():
    requires_shipped_snapshot()
    with catalogue.SHIPPED_CATALOGUE.open(encoding="utf-8", newline="") as file:
        retentions = {row["Retention period"] for row in csv.DictReader(file)}
    unread = {text for text in retentions if catalogue.parse_retention(text) is None}
    # What none can read as one duration: to be confirmed by a person, shown as written.
    assert unread == {
        "",
        " 1 hour or longer",
        "0 day",
        "0 days",
        "1 hour or longer",
        "1 year (in some countries, the period may be longer)",
        "10 Nov 2030",
        "14 days if you select “Remember Me” when logging in. Otherwise, Session.",
        "180 days after last activity or 10 years when opting out",
        "30 minutes, 3w or 1y depending on value",
        "Awin",
        "Deleted when oauth state is validated",
        "Immediately removed",
        "Local Storage",
        "Persistent",
        "Unknown",
        "Varies",
        "undefined",
        "various",
    }
    assert (len(retentions), len(retentions - unread)) == (175, 156)


# --- Import ---------------------------------------------------------------------------------


def test_a_catalogue_imports_with_its_retention_read_and_its_prefixes_marked(imported):
    assert imported == catalogue.ImportCounts(added=len(ROWS), updated=0, removed=0, unchanged=0)
    ga = known("id-ga")
    assert (ga.platform, ga.category, ga.data_controller, ga.wildcard) == (
        "Google Analytics",
        "Analytics",
        "Google",
        False,
    )
    assert (ga.duration_kind, ga.duration_value, ga.duration_unit) == (
        DurationKind.FIXED,
        2,
        DurationUnit.YEARS,
    )
    assert known("id-ga-prefix").wildcard
    # A name ending in "*" is a prefix too, looked up without its star.
    sspr = known("id-sspr")
    assert (sspr.wildcard, sspr.name_key) == (True, "sspr_")
    # Only web addresses are kept as links.
    assert known("id-ga-ads").privacy_url == ""
    assert known("id-ga-ads").duration_kind is None


def test_a_newer_catalogue_adds_updates_and_removes_rows_and_leaves_the_inventory_alone(
    imported, make_cookie
):
    entry = make_cookie(names=["_ga"])
    before = (entry.updated_at, count_rows(CookieEntry), count_rows(AuditEvent))
    newer = [row for row in ROWS if row[0] != "id-gid"]
    newer[0] = (*ROWS[0][:6], "13 months", *ROWS[0][7:])
    newer.append(
        (
            "id-new",
            "Matomo",
            "Analytics",
            "_pk_id.",
            "",
            "Visitor ID",
            "13 months",
            "Matomo",
            "https://matomo.org/privacy-policy/",
            "1",
        )
    )

    counts = catalogue.import_catalogue(catalogue_csv(newer))

    assert counts == catalogue.ImportCounts(added=1, updated=1, removed=1, unchanged=len(ROWS) - 2)
    assert known("id-gid") is None
    assert (known("id-ga").duration_value, known("id-ga").duration_unit) == (13, "months")
    db.session.refresh(entry)
    assert (entry.updated_at, count_rows(CookieEntry), count_rows(AuditEvent)) == before
    assert entry.name_list == ["_ga"]


def bad_row(**changes) -> bytes:
    row = dict(zip(CATALOGUE_HEADER.split(","), ROWS[0], strict=True)) | changes
    return catalogue_csv([*ROWS[1:], tuple(row.values())])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "its first line must name the columns ID, Platform"),
        (b"ID;Platform\n1;x\n", "its first line must name the columns"),
        (b"names,provider,category\n_ga,Google,statistics\n", "must name the columns"),
        (
            catalogue_csv(header=CATALOGUE_HEADER.replace("Domain", "Domains")),
            "must name the columns",
        ),
        (catalogue_csv()[:-10] + b"\xff\xfe\n", "it is not UTF-8 text"),
        (catalogue_csv([]), "holds no cookie"),
        (catalogue_csv([ROWS[0][:9]]), "Line 2: 9 columns instead of 10."),
        (catalogue_csv([ROWS[0], ROWS[0]]), "Line 3: the ID id-ga appears twice."),
        (bad_row(**{"Wildcard match": "yes"}), "must be 0 or 1"),
        (bad_row(**{"Cookie / Data Key name": " "}), "“Cookie / Data Key name” is empty"),
        (bad_row(Platform="x" * 201), "“Platform” is longer than 200 characters"),
        (CATALOGUE_HEADER.encode() + b'\n"id,"x\n', "not a readable CSV"),
    ],
    ids=[
        "empty",
        "semicolons",
        "an inventory export",
        "a renamed column",
        "not UTF-8",
        "no row",
        "a short row",
        "a duplicate ID",
        "a wildcard neither 0 nor 1",
        "no name",
        "a field too long",
        "broken quoting",
    ],
)
def test_a_foreign_or_damaged_file_is_refused_and_the_catalogue_stays(imported, data, message):
    before = db.session.execute(sa.select(KnownCookie.source_id, KnownCookie.name)).all()
    with pytest.raises(ServiceError) as refused:
        catalogue.import_catalogue(data)
    assert message in refused.value.message
    assert db.session.execute(sa.select(KnownCookie.source_id, KnownCookie.name)).all() == before


def test_a_refusal_lists_the_first_mistakes_and_counts_the_rest():
    rows = [(f"id-{n}", "P", "Analytics", "c", "", "", "1 day", "", "", "2") for n in range(8)]
    with pytest.raises(ServiceError) as refused:
        catalogue.import_catalogue(catalogue_csv(rows))
    assert refused.value.message.count("must be 0 or 1") == 5
    assert "Line 2:" in refused.value.message
    assert "And 3 more." in refused.value.message
    assert count_rows(KnownCookie) == 0


def test_the_shipped_snapshot_imports_whole():
    requires_shipped_snapshot()
    counts = catalogue.import_shipped_catalogue_if_empty()
    assert counts == catalogue.ImportCounts(added=2264, updated=0, removed=0, unchanged=0)
    assert catalogue.import_shipped_catalogue_if_empty() is None
    again = catalogue.import_catalogue(catalogue.SHIPPED_CATALOGUE.read_bytes())
    assert again == catalogue.ImportCounts(added=0, updated=0, removed=0, unchanged=2264)


# --- Suggestions ----------------------------------------------------------------------------


def summary(suggestions):
    return [(s.source_id, s.quality.value, s.doubtful) for s in suggestions]


@pytest.mark.usefixtures("imported")
def test_the_surest_match_comes_first_and_the_doubtful_last():
    found = catalogue.suggest("_ga", domain="tracker.ads.example.com")
    assert summary(found) == [
        ("id-ga-ads", "name_and_domain", False),
        ("id-ga", "name_only", False),
        ("id-short", "prefix", True),  # a two-letter prefix says little
    ]
    found = catalogue.suggest("_ga_x", domain="tracker.ads.example.com")
    assert summary(found)[0] == ("id-ga-prefix", "prefix", False)


@pytest.mark.usefixtures("imported")
def test_a_prefix_matches_the_names_that_start_with_it():
    assert summary(catalogue.suggest("_ga_ABC123")) == [
        ("id-ga-prefix", "prefix", False),
        ("id-short", "prefix", True),
    ]
    assert summary(catalogue.suggest("sspr_token")) == [("id-sspr", "prefix", False)]
    # An inventory pattern is looked up as its prefix.
    assert summary(catalogue.suggest("_ga_*"))[0] == ("id-ga-prefix", "name_only", False)


@pytest.mark.usefixtures("imported")
def test_generic_names_matched_by_name_only_are_doubtful():
    assert summary(catalogue.suggest("sessionid")) == [("id-session", "name_only", True)]
    assert summary(catalogue.suggest("lang")) == [("id-lang", "name_only", True)]
    # The same generic name on the catalogue's own domain is that cookie.
    assert summary(catalogue.suggest("lang", domain="www.linkedin.com")) == [
        ("id-lang", "name_and_domain", False)
    ]
    # No domain given, or none in the catalogue: nothing to compare.
    assert summary(catalogue.suggest("_gid", domain=""))[0] == ("id-gid", "name_only", False)
    # A name the catalogue places on another domain is probably another cookie.
    assert summary(catalogue.suggest("lang", domain="data.example.org")) == [
        ("id-lang", "name_only", True)
    ]


@pytest.mark.usefixtures("imported")
def test_a_suggestion_carries_provider_category_description_duration_link_and_source():
    suggestion = catalogue.suggest("_GID")[0]
    assert (suggestion.provider, suggestion.platform, suggestion.category) == (
        "Google",
        "Google Analytics",
        "Analytics",
    )
    assert suggestion.description == "Distinguishes users"
    assert str(suggestion.duration) == "fixed 1 day"
    assert suggestion.retention == "1 Day"
    assert suggestion.privacy_url == "https://business.safety.google/privacy/"
    assert (suggestion.source, suggestion.source_id) == ("Open Cookie Database", "id-gid")
    (unread,) = [s for s in catalogue.suggest("_ga") if s.source_id == "id-ga-ads"]
    assert (unread.duration, unread.retention) == (None, "Persistent")


@pytest.mark.usefixtures("imported")
@pytest.mark.parametrize(
    "name", ["", "   ", "*", "x" * 256, "nothing_known", "%", "_%_", "_ga\x00", "_g\ta"]
)
def test_names_the_catalogue_does_not_know_get_no_suggestion(name):
    assert catalogue.suggest(name) == []


def test_a_suggestion_is_one_query_whatever_the_catalogue_size():
    requires_shipped_snapshot()
    catalogue.import_shipped_catalogue_if_empty()
    assert count_queries(lambda: catalogue.suggest("_ga_ABC123", "www.example.org")) == 1


# --- The command line -----------------------------------------------------------------------


def test_flask_catalogue_import_prints_what_changed(runner, tmp_path):
    path = tmp_path / "ocd.csv"
    path.write_bytes(catalogue_csv())
    result = runner.invoke(args=["catalogue", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert f"{len(ROWS)} added, 0 updated, 0 removed, 0 unchanged." in result.output
    result = runner.invoke(args=["catalogue", "import", str(path)])
    assert f"0 added, 0 updated, 0 removed, {len(ROWS)} unchanged." in result.output


def test_flask_catalogue_import_refuses_a_foreign_file_with_exit_status_1(runner, tmp_path):
    path = tmp_path / "inventory.csv"
    path.write_text("names,provider\n_ga,Google\n")
    result = runner.invoke(args=["catalogue", "import", str(path)])
    assert result.exit_code == 1
    assert "not an Open Cookie Database CSV" in result.output
    assert count_rows(KnownCookie) == 0


def test_flask_catalogue_suggest_ga_proposes_google_analytics_with_category_and_duration(runner):
    requires_shipped_snapshot()
    result = runner.invoke(args=["catalogue", "import"])
    assert result.exit_code == 0, result.output
    assert "2264 added" in result.output

    result = runner.invoke(args=["catalogue", "suggest", "_ga"])

    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0].split("\t")
    assert first[:5] == [
        "name_only",
        "_ga",
        "Google (Google Analytics)",
        "Analytics",
        "fixed 2 years",
    ]
    assert first[5] == "https://business.safety.google/privacy/"
    assert first[7].startswith("Open Cookie Database ")


@pytest.mark.usefixtures("imported")
def test_flask_catalogue_suggest_marks_doubtful_matches_and_text_to_confirm(runner):
    result = runner.invoke(args=["catalogue", "suggest", "sessionid", "--domain", "example.org"])
    assert result.output.startswith("name_only doubtful\tsessionid\tMeta (Instagram)\t")
    result = runner.invoke(args=["catalogue", "suggest", "_ga", "--domain", "ads.example.com"])
    assert "to confirm: Persistent" in result.output.splitlines()[0]


def test_flask_catalogue_suggest_says_when_it_knows_nothing(runner):
    result = runner.invoke(args=["catalogue", "suggest", "_ga"])
    assert result.exit_code == 1
    assert "the catalogue is empty: run `flask catalogue import`" in result.output


def test_the_demo_portal_comes_with_the_shipped_catalogue(runner):
    requires_shipped_snapshot()
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "Catalogue of known cookies: 2264 from the Open Cookie Database." in result.output
    assert count_rows(KnownCookie) == 2264


# --- The JSON the entry form asks -----------------------------------------------------------


@pytest.mark.usefixtures("imported")
def test_editors_get_suggestions_as_json_with_the_portals_own_provider_and_category(
    client, make_provider, make_category
):
    google = make_provider(name="Google")
    statistics = make_category(slug="statistics")
    log_in(client, Role.OPERATOR)

    response = client.get("/admin/catalogue/suggest", query_string={"name": "_gid"})

    assert response.status_code == 200
    found, short_prefix = response.json["suggestions"]
    assert short_prefix["doubtful"]
    assert found | {"duration": None} == found | {
        "provider": "Google",
        "provider_id": google.id,
        "platform": "Google Analytics",
        "category": "Analytics",
        "category_id": statistics.id,
        "quality": "name_only",
        "doubtful": False,
        "privacy_url": "https://business.safety.google/privacy/",
        "source": "Open Cookie Database",
        "duration": None,
    }
    assert found["duration"] == {"kind": "fixed", "value": 1, "unit": "days", "text": "1 day"}


@pytest.mark.usefixtures("imported")
def test_a_provider_or_category_the_portal_lacks_comes_without_an_id(client):
    log_in(client, Role.ADMIN)
    response = client.get("/admin/catalogue/suggest?name=sessionid")
    (found,) = response.json["suggestions"]
    assert (found["provider_id"], found["category_id"], found["doubtful"]) == (None, None, True)
    assert found["duration"]["kind"] == "session"


@pytest.mark.usefixtures("imported")
@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("", 200),
        ("?name=", 200),
        ("?name=%00%ff&domain=%e9", 200),
        ("?name=_ga&domain=" + "a" * 300, 400),
        ("?name=" + "x" * 256, 400),
        ("?name=_ga&name=lang&domain=..", 200),
    ],
)
def test_the_json_answers_any_query_without_an_error_page(client, query, status):
    log_in(client, Role.OPERATOR)
    response = client.get("/admin/catalogue/suggest" + query)
    assert response.status_code == status
    assert response.is_json
    if status == 400:
        assert "at most" in response.json["error"]


def test_translators_get_no_suggestions(client):
    log_in(client, Role.TRANSLATOR)
    assert client.get("/admin/catalogue/suggest?name=_ga").status_code == 403


# --- The entry form without JavaScript ------------------------------------------------------


@pytest.mark.usefixtures("imported")
def test_the_suggest_button_lists_suggestions_and_keeps_the_form_as_typed(client):
    log_in(client, Role.OPERATOR)
    form = {"names": "_gid\nsessionid", "function": "Mesure d'audience", "suggest": "1"}

    response = client.post("/admin/inventory/entries/new", data=form)

    assert response.status_code == 200
    page = response.text
    assert count_rows(CookieEntry) == 0
    assert "Known cookies named “_gid”" in page
    assert "Distinguishes users" in page
    assert "same name only" in page
    assert "doubtful: many sites use this name" in page
    assert re.search(r"<textarea[^>]*name=\"names\"[^>]*>\s*_gid\nsessionid</textarea>", page)
    assert 'value="Mesure d&#39;audience"' in page
    # Neither a refusal nor a save: the form was not checked.
    assert 'class="error-summary"' not in page


@pytest.mark.usefixtures("imported")
def test_the_suggest_button_on_a_saved_entry_changes_nothing(client, make_cookie):
    entry = make_cookie(names=["_gid"])
    log_in(client, Role.OPERATOR)
    response = client.post(
        f"/admin/inventory/entries/{entry.id}", data={"names": "lang", "suggest": "1"}
    )
    assert response.status_code == 200
    assert "Remembers the language" in response.text
    db.session.refresh(entry)
    assert entry.name_list == ["_gid"]


def test_the_entry_form_offers_suggestions_to_editors_only(client, make_cookie):
    entry = make_cookie()
    log_in(client, Role.OPERATOR)
    page = client.get("/admin/inventory/entries/new").text
    assert 'name="suggest"' in page
    assert "js/catalogue.js" in page
    assert 'data-url="/admin/catalogue/suggest"' in page
    log_in(client, Role.TRANSLATOR)
    page = client.get(f"/admin/inventory/entries/{entry.id}").text
    assert "js/catalogue.js" not in page
    assert 'name="suggest"' not in page


# --- The entry form with JavaScript ---------------------------------------------------------


@pytest.mark.browser
@pytest.mark.usefixtures("imported")
def test_typing_a_name_shows_suggestions_and_use_this_fills_the_form(
    page, make_user, make_provider, make_category, tmp_path
):
    google = make_provider(name="Google")
    statistics = make_category(slug="statistics")
    operator = make_user(Role.OPERATOR)
    with screenshot_on_failure(page, tmp_path):
        log_in_through_the_form(page, operator)
        page.goto("/admin/inventory/entries/new")
        page.fill("#purpose", "Ma finalité.")
        page.locator("#names").press_sequentially("_gid")
        suggestion = page.locator("#catalogue-suggestions .suggestion").first
        expect(suggestion).to_contain_text("Google Analytics")
        # Nothing is filled before the person chooses.
        expect(page.locator("#purpose")).to_have_value("Ma finalité.")

        suggestion.get_by_role("button", name="Use this").click()

        expect(page.locator("#provider")).to_have_value(str(google.id))
        expect(page.locator("#category")).to_have_value(str(statistics.id))
        expect(page.locator("#purpose")).to_have_value("Distinguishes users")
        expect(page.locator("input[name=duration_kind][value=fixed]")).to_be_checked()
        expect(page.locator("#duration_value")).to_have_value("1")
        expect(page.locator("#duration_unit")).to_have_value("days")
        expect(page.locator("#duration_value")).to_be_visible()
        assert count_rows(CookieEntry) == 0
