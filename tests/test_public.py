"""What visitors get: the stored bytes of the current version, cacheable, and never a cookie;
an old version saying which version replaced it; a 404 that leads back to the policy.

Versions are stored as rows here (``make_published``), without the publishing services, so
these tests say what the public addresses do with whatever publication stored.
"""

import json
import re
from datetime import UTC, datetime, timedelta

import jinja2
import pytest
from flask import session
from werkzeug.http import http_date

from portal_cookies import create_app
from portal_cookies import published as published_versions
from portal_cookies.extensions import db
from portal_cookies.models import Role
from tests.helpers import (
    RequestClient,
    count_queries,
    log_in,
    page_language,
    settings_for,
    stored_pages,
)

PUBLISHED_AT = datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=UTC)
NOT_PUBLISHED = "This portal has not published its cookie policy yet"

HTML = "text/html; charset=utf-8"
JSON = "application/json"
# Public address -> (what it serves of the version: index in stored_pages' tuple, media type).
ADDRESSES = {
    "/{lang}/cookies": (0, HTML),
    "/{lang}/cookies.json": (1, JSON),
    "/{lang}/cookies/changes": (2, HTML),
    "/{lang}/cookies/v/{number}": (0, HTML),
    "/{lang}/cookies/v/{number}.json": (1, JSON),
}
CURRENT_ONLY = [address for address in ADDRESSES if "{number}" not in address]


def address(template: str, lang: str = "fr", number: int = 1) -> str:
    return template.format(lang=lang, number=number)


def stored(number: int, lang: str, template: str) -> bytes:
    return stored_pages(number)[lang][ADDRESSES[template][0]].encode("utf-8")


def public_paths(app, **values) -> list[str]:
    """Every address of the public blueprint, from the app's url_map, built with ``values``."""
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("public.")]
    return sorted(rule.build({name: values[name] for name in rule.arguments})[1] for rule in rules)


def assert_no_cookie(response, what: str) -> None:
    assert "Set-Cookie" not in response.headers, f"{what} sets a cookie"


@pytest.fixture
def published(make_published):
    return make_published(1, published_at=PUBLISHED_AT)


def test_the_public_blueprint_has_the_addresses_of_the_design(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint}
    assert {
        "public.healthz",
        "public.favicon",
        "public.cookie_policy_redirect",
        "public.cookie_policy",
        "public.cookie_policy_json",
        "public.changes",
        "public.version",
        "public.version_json",
    } == {endpoint for endpoint in endpoints if endpoint.startswith("public.")}


# -- What each address serves -------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("template", ADDRESSES)
def test_each_address_serves_the_bytes_stored_at_publication(client, published, template, lang):
    response = client.get(address(template, lang))

    assert response.status_code == 200
    assert response.headers["Content-Type"] == ADDRESSES[template][1]
    assert response.get_data() == stored(1, lang, template)


def test_an_old_version_stays_readable_at_its_number(client, make_published):
    make_published(1)
    make_published(2)

    assert client.get("/fr/cookies").get_data() == stored(2, "fr", "/{lang}/cookies")
    assert client.get("/fr/cookies/v/2").get_data() == stored(2, "fr", "/{lang}/cookies")
    old = client.get("/fr/cookies/v/1").get_data(as_text=True)
    assert "<h1>Politique « cookies » v1 (fr)</h1>" in old
    data = json.loads(client.get("/en/cookies/v/1.json").get_data())
    assert data == json.loads(stored(1, "en", "/{lang}/cookies.json")) | {"superseded_by": 2}


# -- A version another one replaced ---------------------------------------------------------

REPLACED_AT = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)


@pytest.fixture
def replaced(make_published):
    """Version 1, replaced by version 2 at REPLACED_AT (March 10 in Paris)."""
    make_published(1, published_at=PUBLISHED_AT)
    return make_published(2, published_at=REPLACED_AT)


def test_a_replaced_version_says_so_above_its_content(client, replaced):
    response = client.get("/en/cookies/v/1")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert (
        'This version was replaced on <time datetime="2026-03-09T23:30:00Z">10 March 2026</time>'
        " by version 2."
    ) in page
    assert '<a href="/en/cookies">Read the current cookie policy</a>' in page
    assert page.index('<div class="superseded" role="note">') < page.index("<h1>")
    assert_no_cookie(response, "/en/cookies/v/1")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_around_the_notice_a_replaced_version_keeps_its_stored_bytes(client, replaced, lang):
    page = client.get(f"/{lang}/cookies/v/1").get_data(as_text=True)

    notice = re.search(r'<div class="superseded".*?</div>\n\s*', page, re.DOTALL)
    assert f'<a href="/{lang}/cookies">' in notice.group()
    assert page.replace(notice.group(), "").encode() == stored(1, lang, "/{lang}/cookies")


def test_the_current_version_says_nothing_of_the_kind(client, replaced):
    for path in ("/en/cookies", "/en/cookies/v/2"):
        page = client.get(path).get_data(as_text=True)
        assert "superseded" not in page and "replaced" not in page, path
    assert "superseded_by" not in json.loads(client.get("/en/cookies/v/2.json").get_data())


def test_a_replaced_version_s_json_says_by_which(client, replaced):
    response = client.get("/en/cookies/v/1.json")

    data = json.loads(response.get_data())
    assert data["superseded_by"] == 2
    assert list(data)[:3] == ["format", "version", "superseded_by"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_a_replaced_version_gets_its_own_etag_and_date(client, make_published):
    make_published(1, published_at=PUBLISHED_AT)
    before = client.get("/en/cookies/v/1")
    make_published(2, published_at=REPLACED_AT)

    after = client.get("/en/cookies/v/1")

    assert after.headers["ETag"] not in (
        before.headers["ETag"],
        client.get("/en/cookies").headers["ETag"],
    )
    assert after.headers["Last-Modified"] == http_date(REPLACED_AT)
    stale = client.get("/en/cookies/v/1", headers={"If-None-Match": before.headers["ETag"]})
    assert stale.status_code == 200
    fresh = client.get("/en/cookies/v/1", headers={"If-None-Match": after.headers["ETag"]})
    assert fresh.status_code == 304
    assert_no_cookie(fresh, "a 304 of a replaced version")


def test_a_version_names_the_one_right_after_it(client, make_published):
    for number in (1, 2, 3):
        make_published(number)

    assert "by version 2." in client.get("/en/cookies/v/1").get_data(as_text=True)
    assert json.loads(client.get("/en/cookies/v/2.json").get_data())["superseded_by"] == 3


def test_a_replaced_version_costs_one_query_once_warm(client, replaced):
    client.get("/en/cookies/v/1")

    assert count_queries(lambda: client.get("/en/cookies/v/1")) == 1


@pytest.mark.parametrize("template", CURRENT_ONLY)
def test_a_new_version_is_served_at_once_even_with_the_old_one_in_cache(
    client, make_published, template
):
    make_published(1)
    for _warm in range(2):
        assert client.get(address(template)).get_data() == stored(1, "fr", template)

    make_published(2)

    assert client.get(address(template)).get_data() == stored(2, "fr", template)


def test_another_process_serves_the_new_version_after_a_publish(app, client, make_published):
    """Another app on the same database stands for another process behind the balancer."""
    other = create_app(settings_for(app.config["SQLALCHEMY_DATABASE_URI"]))
    other.test_client_class = RequestClient
    make_published(1)
    assert other.test_client().get("/fr/cookies").get_data() == stored(1, "fr", "/{lang}/cookies")

    make_published(2)

    assert other.test_client().get("/fr/cookies").get_data() == stored(2, "fr", "/{lang}/cookies")
    assert client.get("/fr/cookies").get_data() == stored(2, "fr", "/{lang}/cookies")
    with other.app_context():
        db.engine.dispose()


def test_head_answers_with_the_headers_and_no_body(client, published):
    response = client.head("/fr/cookies")

    assert response.status_code == 200
    assert response.get_data() == b""
    assert int(response.headers["Content-Length"]) == len(stored(1, "fr", "/{lang}/cookies"))
    assert response.headers["ETag"] == client.get("/fr/cookies").headers["ETag"]


def test_the_json_may_be_read_by_a_consent_banner_on_another_origin(client, published):
    for template in ADDRESSES:
        allowed = client.get(address(template)).headers.get("Access-Control-Allow-Origin")
        assert allowed == ("*" if ADDRESSES[template][1] == JSON else None), template


@pytest.mark.parametrize("path", ["/fr/cookies", "/fr/cookies.json", "/cookies", "/de/cookies"])
def test_public_responses_keep_the_security_headers(client, published, path):
    headers = client.get(path).headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


# -- /cookies -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept_language", "source", "expected"),
    [
        ("en-GB,en;q=0.9,fr;q=0.5", "fr", "/en/cookies"),
        ("fr-FR,fr;q=0.9", "en", "/fr/cookies"),
        ("de-DE,de;q=0.9,en;q=0.2", "fr", "/en/cookies"),
        # Nothing the reader reads: the portal's source language.
        ("de", "fr", "/fr/cookies"),
        ("de", "en", "/en/cookies"),
        ("*", "en", "/en/cookies"),
        (None, "en", "/en/cookies"),
    ],
)
def test_cookies_redirects_to_the_best_published_language(
    client, make_published, accept_language, source, expected
):
    make_published(1, source_language=source)
    headers = {"Accept-Language": accept_language} if accept_language else {}

    response = client.get("/cookies", headers=headers)

    assert response.status_code == 302
    assert response.headers["Location"] == expected
    assert "Accept-Language" in response.headers["Vary"]
    assert response.headers["Cache-Control"] == "public, max-age=300"


def test_cookies_redirects_to_a_fixed_language_when_the_content_names_no_source(
    client, make_published
):
    make_published(1, pages=stored_pages(1, ("fr", "co", "en")), content={"format": 1})

    assert client.get("/cookies", headers={"Accept-Language": "de"}).location == "/co/cookies"


# -- HTTP caching ---------------------------------------------------------------------------


def test_pages_carry_a_strong_etag_last_modified_and_cache_control(client, published):
    response = client.get("/fr/cookies")

    etag, weak = response.get_etag()
    assert not weak
    assert response.headers["ETag"] == f'"{etag}"'
    assert etag.startswith(published.content_hash[:32])
    assert response.headers["Last-Modified"] == http_date(PUBLISHED_AT)
    assert response.headers["Cache-Control"] == "public, max-age=300"


def test_the_max_age_is_a_setting(app, client, published, monkeypatch):
    monkeypatch.setitem(app.config, "POLICY_MAX_AGE", 60)

    assert client.get("/fr/cookies").headers["Cache-Control"] == "public, max-age=60"


def test_every_version_language_and_kind_has_its_own_etag(client, make_published):
    make_published(1)
    make_published(2)
    paths = [
        address(template, lang, number)
        for template in ADDRESSES
        for lang in ("fr", "en")
        for number in (1, 2)
    ]
    # /fr/cookies and /fr/cookies/v/2 are the same bytes, rightly with the same tag; the
    # change log is the current version's only.
    distinct = {client.get(path).headers["ETag"] for path in paths}
    assert len(distinct) == 2 * 2 * len(["html", "json"]) + 2 * len(["changes"])


def test_a_rollback_to_the_same_content_gets_a_new_etag(client, make_published):
    pages = stored_pages(1)
    make_published(1, pages=pages)
    first = client.get("/fr/cookies").headers["ETag"]

    make_published(2, pages=pages)

    assert client.get("/fr/cookies").headers["ETag"] != first


@pytest.mark.parametrize(
    "if_none_match",
    ["{etag}", "W/{etag}", '"something-else", {etag}', "*"],
)
@pytest.mark.parametrize("template", ADDRESSES)
def test_a_matching_if_none_match_gets_304_without_a_body(
    client, published, template, if_none_match
):
    etag = client.get(address(template)).headers["ETag"]

    response = client.get(
        address(template), headers={"If-None-Match": if_none_match.format(etag=etag)}
    )

    assert response.status_code == 304
    assert response.get_data() == b""
    assert response.headers["ETag"] == etag
    assert response.headers["Cache-Control"] == "public, max-age=300"


@pytest.mark.parametrize(
    ("if_modified_since", "status"),
    [
        (PUBLISHED_AT, 304),
        (PUBLISHED_AT + timedelta(days=1), 304),
        (PUBLISHED_AT - timedelta(seconds=1), 200),
    ],
)
def test_if_modified_since_gets_304_unless_published_since(
    client, published, if_modified_since, status
):
    response = client.get(
        "/fr/cookies.json", headers={"If-Modified-Since": http_date(if_modified_since)}
    )

    assert response.status_code == status


def test_an_older_etag_gets_the_new_page_even_with_a_recent_date(client, make_published):
    make_published(1, published_at=PUBLISHED_AT)
    old = client.get("/fr/cookies").headers["ETag"]
    make_published(2, published_at=PUBLISHED_AT + timedelta(seconds=0.2))

    response = client.get(
        "/fr/cookies",
        headers={"If-None-Match": old, "If-Modified-Since": http_date(PUBLISHED_AT)},
    )

    assert response.status_code == 200
    assert response.get_data() == stored(2, "fr", "/{lang}/cookies")


# -- One small query ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/cookies", *(address(template) for template in ADDRESSES), "/de/cookies"]
)
def test_a_warm_request_makes_exactly_one_query(client, published, path):
    cold = count_queries(lambda: client.get(path))
    warm = count_queries(lambda: client.get(path))

    assert cold <= 3
    assert warm == 1


def test_a_conditional_request_makes_one_query_too(client, published):
    etag = client.get("/fr/cookies").headers["ETag"]

    assert count_queries(lambda: client.get("/fr/cookies", headers={"If-None-Match": etag})) == 1


def test_no_template_is_rendered_for_a_published_page(client, published, monkeypatch):
    rendered = []
    render = jinja2.Template.render

    def record(template, *args, **kwargs):
        rendered.append(template.name)
        return render(template, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "render", record)
    for path in ["/cookies", *(address(template) for template in ADDRESSES)]:
        assert client.get(path).status_code in (200, 302)
    assert rendered == []
    # The spy sees what renders: a 404 does.
    client.get("/de/cookies")
    assert rendered == ["public/error.html"]


# -- 404s -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [address(template, "en") for template in ADDRESSES])
def test_before_the_first_publication_the_policy_is_a_clear_404(client, path):
    response = client.get(path, headers={"Accept-Language": "fr"})

    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert NOT_PUBLISHED in page
    assert "csrf_token" not in page
    assert 'class="topbar' not in page  # no administration chrome
    assert response.headers["Cache-Control"] == "no-store"
    assert_no_cookie(response, path)


def test_before_the_first_publication_cookies_says_so_in_the_source_language(client):
    response = client.get("/cookies", headers={"Accept-Language": "en"})

    assert response.status_code == 404
    assert page_language(response) == "fr"
    assert "pas encore publié sa politique de cookies" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/en/cookies/v/2", "Page not found"),
        ("/en/cookies/v/0", "Page not found"),
        (f"/en/cookies/v/{2**31}", "Page not found"),
        (f"/en/cookies/v/{10**40}", "Page not found"),
        ("/en/cookies/v/abc", "Page not found"),
        ("/en/cookie", "Page not found"),
        # Not a language of the policy: its source language.
        ("/de/cookies", "Page introuvable"),
        ("/de/cookies/changes", "Page introuvable"),
        ("/de/cookies/v/1", "Page introuvable"),
        ("/fr-FR/cookies", "Page introuvable"),
        ("/%C3%A9/cookies", "Page introuvable"),
        ("/nowhere", "Page introuvable"),
    ],
)
def test_unknown_addresses_are_clear_404s_that_lead_to_the_policy(client, published, path, title):
    response = client.get(path, headers={"Accept-Language": "en"})

    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert f"<h1>{title}</h1>" in page
    assert 'class="topbar' not in page
    assert response.headers["Cache-Control"] == "no-store"
    assert_no_cookie(response, path)
    # The public pages' masthead, and the way back to the policy in each language.
    assert '<header class="masthead">' in page
    assert '<a href="/fr/cookies" hreflang="fr" lang="fr">Français</a>' in page
    assert '<a href="/en/cookies" hreflang="en" lang="en">English</a>' in page


def assert_problem(response, status: int, title: str) -> dict:
    """An error a program can read: RFC 9457 problem details, never a page."""
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/problem+json"
    problem = json.loads(response.get_data())
    assert problem["type"] == "about:blank"
    assert problem["status"] == status
    assert problem["title"] == title
    assert problem["detail"]
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert_no_cookie(response, response.request.path)
    return problem


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/en/cookies/v/2.json", "Page not found"),
        (f"/en/cookies/v/{2**63}.json", "Page not found"),
        ("/en/cookie.json", "Page not found"),
        # Not a language of the policy: its source language, as its page.
        ("/de/cookies.json", "Page introuvable"),
        ("/de/cookies/v/1.json", "Page introuvable"),
    ],
)
def test_a_json_address_answers_404_in_json(client, published, path, title):
    assert_problem(client.get(path, headers={"Accept-Language": "en"}), 404, title)


def test_a_json_address_before_the_first_publication_says_so_in_json(client):
    problem = assert_problem(client.get("/en/cookies.json"), 404, "No cookie policy yet")

    assert "has not published its cookie policy yet" in problem["detail"]


def test_a_method_not_allowed_on_a_json_address_answers_in_json(client, published):
    response = client.post("/fr/cookies.json")

    assert_problem(response, 405, "Method not allowed")
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_a_failure_on_a_json_address_answers_in_json(app, client, published, monkeypatch):
    def fail():
        raise RuntimeError("a bug")

    monkeypatch.setattr(published_versions, "current_snapshot", fail)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)

    assert_problem(client.get("/en/cookies.json"), 500, "Something went wrong")


def test_the_404_masthead_names_the_portal_as_the_current_version_does(client, make_published):
    portal = {"source_language": "fr", "languages": ["fr", "en"], "name": "DataCorsica"}
    make_published(1, content={"portal": portal | {"base_url": "https://data.example.org"}})

    page = client.get("/en/cookies/v/7").get_data(as_text=True)

    assert '<a href="https://data.example.org"><bdi>DataCorsica</bdi></a>' in page
    assert "<title>Page not found · DataCorsica</title>" in page
    assert '<link rel="icon" href="/static/favicon.svg"' in page


def test_a_language_dropped_by_the_current_version_stays_in_its_old_ones(client, make_published):
    make_published(1, pages=stored_pages(1, ("fr", "en", "co")))
    make_published(2)

    assert client.get("/co/cookies").status_code == 404
    old = client.get("/co/cookies/v/1")
    assert old.status_code == 200
    assert '<a href="/co/cookies">' in old.get_data(as_text=True)


@pytest.mark.parametrize(
    ("path", "accept_language", "language", "title"),
    [
        ("/fr/cookies/v/9", "en", "fr", "Page introuvable"),
        ("/en/cookies/v/9", "fr", "en", "Page not found"),
        # Not a language of the policy: its source language, whatever the browser's.
        ("/de/cookies", "en", "fr", "Page introuvable"),
    ],
)
def test_a_404_page_speaks_the_address_language(
    client, published, path, accept_language, language, title
):
    response = client.get(path, headers={"Accept-Language": accept_language})

    assert page_language(response) == language
    assert title in response.get_data(as_text=True)


def test_a_404_page_speaks_the_policy_s_source_language(client, make_published):
    make_published(1, source_language="en")

    assert page_language(client.get("/de/cookies", headers={"Accept-Language": "fr"})) == "en"


def test_the_not_published_page_speaks_the_address_language(client):
    response = client.get("/fr/cookies", headers={"Accept-Language": "en"})

    assert page_language(response) == "fr"


def test_a_404_page_ignores_a_logged_in_persons_language(client, published):
    """Their account is never loaded on a public address: it lives in the session."""
    user = log_in(client, Role.OPERATOR)
    user.locale = "fr"
    db.session.commit()

    response = client.get("/en/cookies/v/9", headers={"Accept-Language": "fr"})

    assert page_language(response) == "en"


# -- The icon -------------------------------------------------------------------------------


def test_a_browser_asking_for_favicon_ico_gets_the_icon_without_a_cookie(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon"
    assert response.get_data()[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert_no_cookie(response, "/favicon.ico")
    again = client.get("/favicon.ico", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


# -- No cookie, ever ------------------------------------------------------------------------


def test_no_public_address_sets_a_cookie_before_the_first_publication(app, client):
    for path in public_paths(app, lang="fr", number=1):
        for method in ("GET", "HEAD", "POST"):
            assert_no_cookie(client.open(path, method=method), f"{method} {path}")


@pytest.mark.parametrize("who", ["visitor", "operator"])
def test_no_public_address_ever_sets_a_cookie(app, client, published, csrf_enabled, who):
    if who == "operator":
        log_in(client, Role.OPERATOR)
    values = [
        {"lang": "fr", "number": 1},
        {"lang": "en", "number": 1},
        {"lang": "de", "number": 1},  # unknown language: 404
        {"lang": "fr", "number": 7},  # unknown version: 404
        {"lang": "fr", "number": 10**30},  # beyond the column: 404
    ]
    checked = 0
    for value in values:
        for path in public_paths(app, **value):
            for method in ("GET", "HEAD", "POST", "DELETE"):
                response = client.open(path, method=method)
                assert response.status_code != 500, f"{method} {path}"
                assert_no_cookie(response, f"{method} {path} ({response.status_code})")
                checked += 1
            etag = client.get(path).headers.get("ETag")
            if etag:
                response = client.get(path, headers={"If-None-Match": etag})
                assert response.status_code == 304
                assert_no_cookie(response, f"304 {path}")
    assert checked == len(values) * 8 * 4


def test_a_method_not_allowed_on_a_public_address_gets_the_visitors_page(client, published):
    response = client.post("/fr/cookies")

    assert response.status_code == 405
    assert 'class="topbar' not in response.get_data(as_text=True)
    assert_no_cookie(response, "POST /fr/cookies")


def test_a_failure_on_a_public_address_gets_the_visitors_500_page(
    app, client, published, monkeypatch
):
    def fail():
        raise RuntimeError("the database went away")

    monkeypatch.setattr(published_versions, "current_snapshot", fail)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)

    response = client.get("/en/cookies")

    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page
    assert 'class="topbar' not in page
    assert_no_cookie(response, "a 500 on /en/cookies")


@pytest.mark.parametrize(("path", "saved"), [("/fr/cookies", False), ("/login", True)])
def test_a_session_written_on_a_public_address_is_never_sent(app, path, saved):
    """Even if a later change writes to the session there by mistake."""
    with app.test_request_context(path):
        session["written"] = "by mistake"
        response = app.process_response(app.response_class("page"))

    assert ("Set-Cookie" in response.headers) is saved


@pytest.mark.parametrize("path", ["/fr/cookie", "/fr/cookies/", "/nowhere"])
def test_a_mistyped_address_answers_404_without_a_cookie(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert "Set-Cookie" not in response.headers
