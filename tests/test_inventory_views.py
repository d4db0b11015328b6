"""The inventory's pages, used as people use them: through forms, links and buttons."""

import re
from datetime import date
from html import unescape

import pytest

from portal_cookies import checks
from portal_cookies.extensions import db
from portal_cookies.models import (
    AuditEvent,
    Category,
    ConsentBasis,
    CookieEntry,
    DurationKind,
    DurationUnit,
    ExemptionGround,
    Party,
    Provider,
    TextUnit,
)
from portal_cookies.texts import save_text
from tests.helpers import count_queries, count_rows, error_summary, log_in

INVENTORY = "/admin/inventory"


def page_of(response) -> str:
    return response.get_data(as_text=True)


def field_value(html: str, name: str) -> str:
    """What an input or textarea of the page holds."""
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'<textarea[^>]*name="{name}"[^>]*>\r?\n?([^<]*)</textarea>', html
    )
    assert match, f"no field {name}"
    return unescape(match.group(1))


def rows() -> dict[str, int]:
    return {
        model.__name__: count_rows(model)
        for model in (CookieEntry, Category, Provider, TextUnit, AuditEvent)
    }


@pytest.fixture
def operator(client):
    return log_in(client, "operator")


@pytest.fixture
def entry_form(make_provider, make_category):
    """What an operator types to add an entry; a test changes what it is about."""
    provider, category = make_provider(name="Matomo"), make_category(slug="statistics")

    def form(**changes) -> dict:
        values = {
            "provider": str(provider.id),
            "category": str(category.id),
            "names": "_pk_id.*\n_pk_ses.*, _pk_ref.*",
            "storage_kind": "http_cookie",
            "party": "third",
            "domain": ".Matomo.cloud",
            "locations": ["front_office", "api"],
            "function": "Mesure d'audience",
            "purpose": "Compte les visites du portail.",
            "duration_kind": "fixed",
            "duration_value": "13",
            "duration_unit": "months",
            "consent_basis": "consent",
            "exemption_ground": "",
            "visible": "y",
            "last_reviewed_on": "2024-05-02",
            "notes": "Vu avec le DPO.",
        }
        return {key: value for key, value in (values | changes).items() if value is not None}

    return form


# --- Who may do what ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/", "/entries/new", "/entries/1", "/categories/", "/providers/new"]
)
def test_a_visitor_is_sent_to_log_in(client, path):
    response = client.get(INVENTORY + path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.fixture
def things(make_cookie, make_category, make_provider):
    """An active entry, an archived one, and a category and provider nobody uses."""
    entry = make_cookie(names=["sessionid"])
    archived = make_cookie(names=["old"], archived=True)
    return {
        "entry": entry.id,
        "archived": archived.id,
        "category": make_category().id,
        "provider": make_provider().id,
    }


CHANGES = [
    ("GET", "/entries/new"),
    ("POST", "/entries/new"),
    ("POST", "/entries/{entry}"),
    ("POST", "/entries/{entry}/archive"),
    ("POST", "/entries/{archived}/restore"),
    ("GET", "/entries/{archived}/delete"),
    ("POST", "/entries/{archived}/delete"),
    ("GET", "/categories/new"),
    ("POST", "/categories/new"),
    ("GET", "/categories/{category}"),
    ("POST", "/categories/{category}"),
    ("POST", "/categories/{category}/move"),
    ("POST", "/categories/{category}/delete"),
    ("GET", "/providers/new"),
    ("POST", "/providers/new"),
    ("GET", "/providers/{provider}"),
    ("POST", "/providers/{provider}"),
    ("POST", "/providers/{provider}/delete"),
]


@pytest.mark.parametrize(("method", "path"), CHANGES, ids=[" ".join(c) for c in CHANGES])
def test_a_translator_changes_nothing(client, things, method, path):
    log_in(client, "translator")
    before = rows()

    response = client.open(
        INVENTORY + path.format(**things), method=method, data={"direction": "up"}
    )

    assert response.status_code == 403
    assert rows() == before


def test_a_translator_reads_the_inventory_and_an_entry_as_context(client, auth, make_cookie):
    entry = make_cookie(names=["sessionid"], function="Authentification")
    auth.login("translator")  # once through the real login form

    listing = page_of(client.get(INVENTORY + "/"))
    detail = client.get(f"{INVENTORY}/entries/{entry.id}")

    assert "sessionid" in listing and "Add an entry" not in listing
    assert detail.status_code == 200
    html = page_of(detail)
    assert "Authentification" in html
    assert '<form method="post" novalidate' not in html and "Archive" not in html
    for path in ("/categories/", "/providers/"):
        html = page_of(client.get(INVENTORY + path))
        assert "Edit" not in html and "Delete" not in html


# --- Entries ------------------------------------------------------------------------------


def test_an_operator_adds_an_entry(client, operator, entry_form):
    response = client.post(INVENTORY + "/entries/new", data=entry_form(), follow_redirects=True)

    assert response.status_code == 200
    assert "Entry “_pk_id.*, _pk_ses.*, _pk_ref.*” saved." in page_of(response)
    entry = db.session.scalar(db.select(CookieEntry))
    assert entry.name_list == ["_pk_id.*", "_pk_ses.*", "_pk_ref.*"]
    assert (entry.domain, entry.locations) == (".matomo.cloud", ["front_office", "api"])
    assert (entry.duration_value, entry.duration_unit) == (13, DurationUnit.MONTHS)
    assert entry.function_unit.source_text == "Mesure d'audience"
    assert entry.created_by.email == operator.email
    assert response.request.path == f"{INVENTORY}/entries/{entry.id}"


def test_choices_that_do_not_apply_are_dropped_not_refused(client, operator, entry_form):
    form = entry_form(duration_kind="session", exemption_ground="security")

    client.post(INVENTORY + "/entries/new", data=form)

    entry = db.session.scalar(db.select(CookieEntry))
    assert (entry.duration_kind, entry.duration_value, entry.duration_unit) == (
        DurationKind.SESSION,
        None,
        None,
    )
    assert (entry.consent_basis, entry.exemption_ground) == (ConsentBasis.CONSENT, None)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"names": "_pk_id.*\nmy cookie"}, "names", "“my cookie” is not a valid cookie name"),
        ({"names": ""}, "names", "Give at least one cookie name."),
        ({"domain": "https://matomo.cloud/"}, "domain", "Give a host name"),
        ({"domain": ""}, "domain", "Give the domain the third party sets it from."),
        ({"duration_value": ""}, "duration_value", "Give the number of"),
        ({"duration_value": "abc"}, "duration_value", "Give a whole number, e.g. 13."),
        ({"duration_value": "0"}, "duration_value", "Give a whole number from 1 to 1000."),
        ({"duration_unit": ""}, "duration_unit", "Choose a unit."),
        ({"duration_kind": None}, "duration_kind", "Choose one of the options."),
        ({"duration_kind": "forever"}, "duration_kind", "Choose one of the options."),
        ({"consent_basis": "exempt"}, "exemption_ground", "Choose the ground of the exemption."),
        ({"locations": None}, "locations", "Choose at least one place where it is used."),
        ({"locations": "moon"}, "locations", "Choose one of the options."),
        ({"function": " "}, "function", "Give the function"),
        ({"purpose": ""}, "purpose", "Say what the cookie is for"),
        ({"provider": ""}, "provider", "Choose a provider."),
        ({"provider": "99999999999999999999"}, "provider", "Choose a provider from the list."),
        ({"category": "abc"}, "category", "Choose a category from the list."),
        ({"last_reviewed_on": "2999-01-01"}, "last_reviewed_on", "cannot be in the future"),
        ({"last_reviewed_on": "yesterday"}, "last_reviewed_on", "Not a valid date value."),
    ],
)
def test_a_wrong_entry_form_says_what_is_wrong_keeps_what_was_typed_and_saves_nothing(
    client, operator, entry_form, changes, field, message
):
    before = rows()

    response = client.post(INVENTORY + "/entries/new", data=entry_form(**changes))

    assert response.status_code == 200
    html = page_of(response)
    assert "The form has errors; nothing was saved." in html
    error = re.search(rf'<p class="field__error" id="{field}-error">([^<]*)</p>', html)
    assert error and message in error.group(1).replace("&#34;", '"'), html
    assert field_value(html, "function") == entry_form(**changes)["function"].strip()
    assert "Compte les visites du portail." in html or field == "purpose"
    assert rows() == before


def test_a_name_declared_by_another_entry_is_refused_on_the_form(
    client, operator, entry_form, make_cookie
):
    make_cookie(names=["_pk_ref.*"], domain=".matomo.cloud", party=Party.THIRD)
    before = rows()

    html = page_of(client.post(INVENTORY + "/entries/new", data=entry_form()))

    assert "“_pk_ref.*” on this domain is already declared by the entry “_pk_ref.*”" in html
    assert rows() == before


def test_a_name_another_entrys_pattern_covers_is_refused_with_a_link_to_that_entry(
    client, operator, entry_form, make_cookie
):
    matomo = make_cookie(names=["_pk.*"], domain="matomo.cloud", party=Party.THIRD)
    before = rows()

    response = client.post(INVENTORY + "/entries/new", data=entry_form())

    html = unescape(page_of(response))
    message = "“_pk_id.*” on this domain is already covered by “_pk.*” of the entry “_pk.*”"
    link = f'<a href="/admin/inventory/entries/{matomo.id}">Open the entry “_pk.*”</a>'
    field_error = re.search(r'<p class="field__error" id="names-error">(.*?)</p>', html).group(1)
    assert message in field_error and link in field_error
    assert link in unescape(error_summary(response))
    assert rows() == before


def test_an_operator_edits_an_entry_and_sees_its_history(client, operator, entry_form):
    client.post(INVENTORY + "/entries/new", data=entry_form())
    entry = db.session.scalar(db.select(CookieEntry))

    response = client.post(
        f"{INVENTORY}/entries/{entry.id}",
        data=entry_form(
            duration_value="6", consent_basis="exempt", exemption_ground="audience_measurement"
        ),
        follow_redirects=True,
    )

    html = page_of(response)
    assert "Entry “_pk_id.*, _pk_ses.*, _pk_ref.*” saved." in html
    assert (entry.duration_value, entry.exemption_ground) == (
        6,
        ExemptionGround.AUDIENCE_MEASUREMENT,
    )
    history = html[html.index("<h2>History</h2>") :]
    assert "Changed" in history and "Created" in history
    assert "Audience measurement under the CNIL conditions" in history
    assert operator.email in history
    assert field_value(html, "duration_value") == "6"


def test_a_wrong_edit_keeps_what_was_typed_and_changes_nothing(client, operator, make_cookie):
    entry = make_cookie(names=["sessionid"])
    form = {"names": "sessionid\nbad;name", "function": "Nouvelle fonction", "purpose": "P."}

    html = page_of(client.post(f"{INVENTORY}/entries/{entry.id}", data=form))

    assert "“bad;name” is not a valid cookie name" in html
    assert field_value(html, "names") == "sessionid\nbad;name"
    assert field_value(html, "function") == "Nouvelle fonction"
    assert entry.name_list == ["sessionid"]
    assert entry.function_unit.source_text != "Nouvelle fonction"


def test_an_operator_archives_restores_and_deletes_an_entry(client, operator, make_cookie):
    entry = make_cookie(names=["csrftoken"])
    path = f"{INVENTORY}/entries/{entry.id}"

    refused = client.post(path + "/delete", follow_redirects=True)
    assert "Only archived entries can be deleted." in page_of(refused)
    assert "Entry “csrftoken” archived." in page_of(
        client.post(path + "/archive", follow_redirects=True)
    )
    assert "Entry “csrftoken” restored." in page_of(
        client.post(path + "/restore", follow_redirects=True)
    )
    client.post(path + "/archive")
    assert "Delete for good" in page_of(client.get(path + "/delete"))
    deleted = client.post(path + "/delete", follow_redirects=True)

    assert "Entry “csrftoken” deleted." in page_of(deleted)
    assert count_rows(CookieEntry) == 0
    assert client.get(path).status_code == 404


def test_an_unknown_entry_is_not_found(client, operator):
    for entry_id in ("12345", "99999999999999999999"):
        assert client.get(f"{INVENTORY}/entries/{entry_id}").status_code == 404


# --- The list -----------------------------------------------------------------------------


def test_the_list_shows_each_entry_with_its_state(client, operator, make_cookie):
    make_cookie(names=["_ga", "_gid"], visible=False, duration_value=13)
    make_cookie(names=["old"], archived=True)

    html = page_of(client.get(INVENTORY + "/"))

    assert "<h1>Cookie inventory</h1>" in html
    assert '<ul class="names">' in html and "<li>_ga</li><li>_gid</li>" in html
    assert "13 months" in html and "hidden" in html and "English: missing" in html
    assert "1 entry" in html and "Active (1)" in html and "Archived (1)" in html
    assert "<li>old</li>" not in html


def test_the_list_filters_from_the_query_string(client, operator, make_cookie, make_category):
    category = make_category(slug="marketing")
    make_cookie(names=["_fbp"], category=category, function="Publicité")
    make_cookie(names=["sessionid"])
    make_cookie(names=["old_fbp"], category=category, archived=True)

    def names(query):
        return re.findall(r"<li>([^<]*)</li>", page_of(client.get(f"{INVENTORY}/?{query}")))

    assert names("q=publicit") == ["_fbp"]
    assert names("category=marketing&status=all&sort=-names") == ["old_fbp", "_fbp"]
    assert names("status=archived") == ["old_fbp"]
    assert names("translation=problem") == ["_fbp", "sessionid"]
    assert names("consent=exempt") == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("sort=colour", "Sort by: Choose one of the options."),
        ("page=abc", "Page: A page is a whole number."),
        ("page=-1", "Page: Number must be between 1 and 100000."),
        ("page=99999999999999999999999", "Page: Number must be between"),
        ("category=nonexistent", "Category: There is no such category."),
        ("provider=xyz", "Provider: There is no such provider."),
        ("provider=99999999999999999999", "Provider: There is no such provider."),
        ("status=deleted", "Status: Choose one of the options."),
        ("party=fourth&consent=maybe", "Party: Choose one of the options."),
        ("translation=perfect", "Translation: Choose one of the options."),
    ],
)
def test_a_wrong_address_is_explained_and_ignored(client, operator, make_cookie, query, message):
    make_cookie(names=["sessionid"])

    response = client.get(f"{INVENTORY}/?{query}")

    assert response.status_code == 200
    html = page_of(response)
    assert "Part of this address was not understood and is ignored" in html
    assert message in html
    assert "<li>sessionid</li>" in html


def test_a_strange_search_is_just_a_search(client, operator, make_cookie):
    make_cookie(names=["sessionid"])
    for query in ("q=%00", "q=%25%5F%5C", "q=" + "x" * 5000, "q=a&q=b"):
        assert client.get(f"{INVENTORY}/?{query}").status_code == 200


def test_the_list_pages_and_a_page_past_the_end_shows_the_last(
    app, client, operator, make_cookie, monkeypatch
):
    monkeypatch.setitem(app.config, "INVENTORY_PAGE_SIZE", 2)
    for name in ("a", "b", "c"):
        make_cookie(names=[name])

    second = page_of(client.get(f"{INVENTORY}/?page=2&sort=names"))
    beyond = page_of(client.get(f"{INVENTORY}/?page=40"))

    assert "<li>c</li>" in second and "<li>a</li>" not in second
    assert 'rel="prev"' in second and "3 entries" in second
    assert "<li>c</li>" in beyond


def test_the_list_takes_the_same_number_of_queries_whatever_its_length(
    client, operator, make_cookie
):
    def show_list() -> None:
        assert client.get(INVENTORY + "/?status=all").status_code == 200

    def queries_for_list() -> int:
        return count_queries(show_list)

    make_cookie()
    few = queries_for_list()
    for _ in range(6):
        make_cookie()

    assert queries_for_list() == few


def test_the_inventory_and_the_engine_show_the_same_problems_for_an_entry(
    client, operator, make_cookie, make_provider
):
    entry = make_cookie(
        names=["_pk_id.*"],
        provider=make_provider(name="Matomo"),
        party=Party.THIRD,
        domain=".matomo.cloud",
        function="Mesure d'audience",
        purpose="Distingue les visiteurs pendant 13 mois.",
        duration_value=25,
        consent_basis=ConsentBasis.EXEMPT,
        exemption_ground=ExemptionGround.AUDIENCE_MEASUREMENT,
    )
    save_text(
        entry.purpose_unit, "en", "Tells visitors apart for a year.", None, base_version_id=None
    )
    db.session.commit()
    problems = checks.check_entry(entry)

    detail = unescape(page_of(client.get(f"{INVENTORY}/entries/{entry.id}")))
    listing = page_of(client.get(INVENTORY + "/"))

    assert [problem.check for problem in problems] == [
        "entry.audience_over_13_months",
        "entry.third_party_without_privacy_url",
        "entry.not_reviewed",
        "text.missing",
        "text.numbers_differ",
    ]
    for problem in problems:
        assert problem.message in detail
    assert "Function in English" in detail and "Purpose in English" in detail
    assert "2 errors" in listing and "3 warnings" in listing
    editor = unescape(page_of(client.get(f"/admin/translation/{entry.purpose_unit_id}/en")))
    assert "Missing here: “13”." in editor


@pytest.fixture
def translated_cookie(make_cookie):
    """An entry with its texts in English too."""

    def make(**overrides):
        entry = make_cookie(
            names=["sessionid"],
            function="Session",
            purpose="Garde la session ouverte.",
            **overrides,
        )
        save_text(entry.purpose_unit, "en", "Keeps the session open.", None, base_version_id=None)
        save_text(entry.function_unit, "en", "Session", None, base_version_id=None)
        db.session.commit()
        return entry

    return make


def test_a_dismissed_warning_is_shown_as_such_and_no_longer_counted(
    client, operator, translated_cookie
):
    entry = translated_cookie(last_reviewed_on=date(2020, 5, 4))
    [warning] = checks.check_entry(entry)
    checks.dismiss_warning(warning, reason="Reviewed with the DPO last week.", actor=operator)

    detail = unescape(page_of(client.get(f"{INVENTORY}/entries/{entry.id}")))
    listing = page_of(client.get(INVENTORY + "/"))

    assert "more than 12 months ago" in detail and "Reviewed with the DPO last week." in detail
    assert "badge--warning" not in listing and "badge--error" not in listing


def test_an_entry_without_problems_says_so(client, operator, translated_cookie):
    entry = translated_cookie(last_reviewed_on=date.today())

    detail = page_of(client.get(f"{INVENTORY}/entries/{entry.id}"))

    assert "No problem found." in detail and 'class="badge badge--warning"' not in detail


@pytest.mark.parametrize("query", ["translation=problem", "status=archived", "category=necessary"])
def test_the_dashboards_links_into_the_list_work(
    client, operator, make_cookie, make_category, query
):
    make_cookie(category=make_category(slug="necessary"))
    response = client.get(f"{INVENTORY}/?{query}")
    assert response.status_code == 200
    assert "not understood" not in page_of(response)


# --- Categories ---------------------------------------------------------------------------


def test_an_operator_manages_categories(client, operator, make_category):
    make_category(slug="necessary", name="Nécessaires")

    created = client.post(
        INVENTORY + "/categories/new",
        data={
            "slug": "statistics",
            "name": "Statistiques",
            "explanation": "Pour compter.",
            "consent_required_default": "y",
        },
        follow_redirects=True,
    )
    category = db.session.scalar(db.select(Category).where(Category.slug == "statistics"))
    moved = client.post(
        f"{INVENTORY}/categories/{category.id}/move",
        data={"direction": "up"},
        follow_redirects=True,
    )
    edited = client.post(
        f"{INVENTORY}/categories/{category.id}",
        data={"slug": "stats", "name": "Statistiques", "explanation": "Pour compter."},
        follow_redirects=True,
    )

    assert "Category “Statistiques” saved." in page_of(created)
    assert "Category “Statistiques” moved." in page_of(moved)
    html = page_of(edited)
    assert html.index("<code>stats</code>") < html.index("<code>necessary</code>")
    assert (category.slug, category.position, category.consent_required_default) == (
        "stats",
        0,
        False,
    )
    deleted = client.post(f"{INVENTORY}/categories/{category.id}/delete", follow_redirects=True)
    assert "Category “Statistiques” deleted." in page_of(deleted)


def test_the_category_form_shows_the_other_languages_read_only(client, operator, make_category):
    category = make_category(name="Statistiques")

    html = page_of(client.get(f"{INVENTORY}/categories/{category.id}"))

    assert field_value(html, "name") == "Statistiques"
    assert "Texts in the source language (French)" in html
    assert "edited in the translation view" in html and "missing" in html


def test_a_category_page_is_named_after_the_category(client, operator, make_category):
    category = make_category(slug="statistics", name="Statistiques")
    url = f"{INVENTORY}/categories/{category.id}"

    untranslated = page_of(client.get(url))
    save_text(category.name_unit, "en", "Statistics", None, base_version_id=None)
    db.session.commit()
    translated = page_of(client.get(url))

    # No English name yet: the French one, marked as French for screen readers.
    assert '<h1>Category “<span lang="fr">Statistiques</span>”</h1>' in untranslated
    assert "<title>Category “Statistiques” · " in untranslated
    assert "<h1>Category “Statistics”</h1>" in translated


def test_texts_in_the_source_language_say_which_language_they_are_in(
    client, operator, make_cookie, make_category
):
    entry = make_cookie(category=make_category(slug="marketing", name="Publicité"))

    form = page_of(client.get(f"{INVENTORY}/entries/{entry.id}"))
    listed = page_of(client.get(f"{INVENTORY}/"))

    for name in ("function", "purpose"):
        assert re.search(rf'<(input|textarea)[^>]*lang="fr"[^>]*name="{name}"', form), name
    assert '<option lang="fr" selected value="' in form  # the category, named in French
    assert '<td data-label="Category"><span lang="fr">Publicité</span></td>' in listed


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"slug": "Bad slug!", "name": "Nom"}, "Use 1 to 64 lower-case letters"),
        ({"slug": "taken", "name": "Nom"}, "Another category already uses “taken”."),
        ({"slug": "fine", "name": ""}, "Give the category a name."),
        ({}, "Give the category a name."),
    ],
)
def test_a_wrong_category_form_keeps_what_was_typed_and_saves_nothing(
    client, operator, make_category, form, message
):
    make_category(slug="taken")
    mine = make_category(slug="mine")
    before = rows()

    for path in ("/categories/new", f"/categories/{mine.id}"):
        html = page_of(client.post(INVENTORY + path, data=form | {"explanation": "Typed."}))
        assert message in html and field_value(html, "explanation") == "Typed."
    assert rows() == before


def test_a_category_in_use_stays_and_the_message_says_which_entries_use_it(
    client, operator, make_cookie, make_category
):
    category = make_category()
    make_cookie(category=category, names=["_ga"])

    response = client.post(f"{INVENTORY}/categories/{category.id}/delete", follow_redirects=True)

    assert "This category is still used by the entry “_ga”." in page_of(response)
    assert count_rows(Category) == 1


def test_moving_the_first_category_up_is_explained(client, operator, make_category):
    category = make_category()
    for direction in ("up", "sideways"):
        response = client.post(
            f"{INVENTORY}/categories/{category.id}/move",
            data={"direction": direction},
            follow_redirects=True,
        )
        assert 'class="flash flash--error"' in page_of(response)


# --- Providers ----------------------------------------------------------------------------


def test_an_operator_manages_providers(client, operator):
    created = client.post(
        INVENTORY + "/providers/new",
        data={
            "name": "Matomo",
            "website": "https://matomo.org",
            "privacy_policy_url": "",
            "country": "NZ",
            "safeguard": "Décision d'adéquation.",
        },
        follow_redirects=True,
    )
    provider = db.session.scalar(db.select(Provider))
    edited = client.post(
        f"{INVENTORY}/providers/{provider.id}",
        data={"name": "Matomo Cloud", "country": "", "safeguard": ""},
        follow_redirects=True,
    )

    assert "Provider “Matomo” saved." in page_of(created)
    assert "New Zealand" in page_of(created)
    assert "Provider “Matomo Cloud” saved." in page_of(edited)
    assert (provider.name, provider.country, provider.website) == ("Matomo Cloud", None, None)
    deleted = client.post(f"{INVENTORY}/providers/{provider.id}/delete", follow_redirects=True)
    assert "Provider “Matomo Cloud” deleted." in page_of(deleted)


def test_the_provider_form_offers_countries_by_name(client, operator):
    html = page_of(client.get(INVENTORY + "/providers/new"))
    assert '<option value="DE">Germany</option>' in html
    assert 'value="EU"' not in html
    assert "Where data leaves the EU: the legal safeguard" in html


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"name": ""}, "name", "Give the provider&#39;s name."),
        ({"name": "matomo"}, "name", "A provider named “Matomo” already exists."),
        ({"website": "javascript:alert(1)"}, "website", "Give a full web address"),
        ({"privacy_policy_url": "www.x.org"}, "privacy_policy_url", "Give a full web address"),
        ({"country": "XX"}, "country", "Choose a country from the list."),
    ],
)
def test_a_wrong_provider_form_keeps_what_was_typed_and_saves_nothing(
    client, operator, make_provider, form, field, message
):
    make_provider(name="Matomo")
    before = rows()
    typed = {"name": "Google", "safeguard": "Clauses types."} | form

    html = page_of(client.post(INVENTORY + "/providers/new", data=typed))

    error = re.search(rf'<p class="field__error" id="{field}-error">([^<]*)</p>', html)
    assert error and message in error.group(1)
    assert field_value(html, "safeguard") == "Clauses types."
    assert rows() == before


def test_a_provider_in_use_stays(client, operator, make_cookie, make_provider):
    provider = make_provider()
    make_cookie(provider=provider, names=["_ga"])

    response = client.post(f"{INVENTORY}/providers/{provider.id}/delete", follow_redirects=True)

    assert "This provider is still used by the entry “_ga”." in page_of(response)
    assert count_rows(Provider) == 1
