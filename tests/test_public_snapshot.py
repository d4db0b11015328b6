"""The current version served from memory: no query while it is fresh, checked once per
POLICY_FRESHNESS_SECONDS, answered compressed to browsers that accept it.

Each test runs another process (a new app on the test database) with the production delay of
one second, and a clock of its own (``clock``) instead of sleeping.
"""

import gzip

import pytest

from portal_cookies import create_app, published
from portal_cookies.extensions import db
from tests.helpers import RequestClient, count_queries, settings_for, stored_pages


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(published, "monotonic", clock)
    return clock


@pytest.fixture
def process(app, clock):
    process = create_app(
        settings_for(app.config["SQLALCHEMY_DATABASE_URI"]) | {"POLICY_FRESHNESS_SECONDS": 1}
    )
    process.test_client_class = RequestClient
    yield process
    with process.app_context():
        db.engine.dispose()


def count(process, action) -> int:
    with process.app_context():
        return count_queries(action)


def html(number: int, lang: str = "fr") -> bytes:
    return stored_pages(number)[lang][0].encode("utf-8")


ADDRESSES = ["/fr/cookies", "/en/cookies.json", "/fr/cookies/changes"]


@pytest.mark.parametrize("path", ADDRESSES)
def test_a_warm_request_sends_no_query(process, make_published, path):
    make_published(1)
    visitor = process.test_client()
    assert visitor.get(path).status_code == 200

    assert count(process, lambda: visitor.get(path)) == 0


def test_a_conditional_request_is_a_304_without_a_query_or_a_body(process, make_published):
    make_published(1)
    visitor = process.test_client()
    first = visitor.get("/fr/cookies")

    queries = count(
        process,
        lambda: visitor.get("/fr/cookies", headers={"If-None-Match": first.headers["ETag"]}),
    )
    response = visitor.get("/fr/cookies", headers={"If-None-Match": first.headers["ETag"]})

    assert queries == 0
    assert response.status_code == 304
    assert response.get_data() == b""
    assert response.headers["ETag"] == first.headers["ETag"]
    assert response.headers["Vary"] == "Accept-Encoding"
    assert response.headers["Cache-Control"] == first.headers["Cache-Control"]


def test_a_new_version_is_served_once_the_delay_has_passed(process, make_published, clock):
    make_published(1)
    visitor = process.test_client()
    assert visitor.get("/fr/cookies").get_data() == html(1)
    make_published(2)

    clock.now += 0.9
    assert visitor.get("/fr/cookies").get_data() == html(1)
    clock.now += 0.2
    assert count(process, lambda: visitor.get("/fr/cookies")) == 2  # the check, and the load
    assert visitor.get("/fr/cookies").get_data() == html(2)
    assert count(process, lambda: visitor.get("/fr/cookies")) == 0


def test_a_check_is_one_small_query_when_nothing_was_published(process, make_published, clock):
    make_published(1)
    visitor = process.test_client()
    visitor.get("/fr/cookies")
    clock.now += 1.5

    assert count(process, lambda: visitor.get("/fr/cookies")) == 1
    assert count(process, lambda: visitor.get("/fr/cookies")) == 0


@pytest.mark.parametrize("path", [*ADDRESSES, "/fr/cookies/v/1", "/en/cookies/v/1.json"])
def test_gzip_is_served_to_who_accepts_it_and_is_the_same_page(process, make_published, path):
    make_published(1)
    make_published(2)
    visitor = process.test_client()
    plain = visitor.get(path)

    response = visitor.get(path, headers={"Accept-Encoding": "gzip, deflate, br"})

    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Vary"] == "Accept-Encoding"
    assert plain.headers["Vary"] == "Accept-Encoding"
    assert "Content-Encoding" not in plain.headers
    assert int(response.headers["Content-Length"]) == len(response.get_data())
    assert gzip.decompress(response.get_data()) == plain.get_data()
    # Two representations, two validators; each one's own gets its 304.
    assert response.headers["ETag"] != plain.headers["ETag"]
    again = visitor.get(
        path, headers={"Accept-Encoding": "gzip", "If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304


@pytest.mark.parametrize("accept", ["", "identity", "gzip;q=0", "br"])
def test_no_gzip_to_who_does_not_accept_it(process, make_published, accept):
    make_published(1)

    response = process.test_client().get("/fr/cookies", headers={"Accept-Encoding": accept})

    assert "Content-Encoding" not in response.headers
    assert response.get_data() == html(1)


def test_a_head_request_gets_the_headers_without_the_body(process, make_published):
    make_published(1)
    visitor = process.test_client()
    page = visitor.get("/fr/cookies")

    response = visitor.head("/fr/cookies")

    assert response.status_code == 200
    assert response.get_data() == b""
    assert response.headers["Content-Length"] == page.headers["Content-Length"]
    assert response.headers["ETag"] == page.headers["ETag"]


def test_the_fast_path_answers_as_flask_would(process, make_published):
    """The same headers from the snapshot as from the view (which answers the pages the fast
    path passes on), security headers included, and no cookie."""
    make_published(1)
    visitor = process.test_client()
    visitor.get("/fr/cookies")  # the snapshot is warm

    fast = visitor.get("/fr/cookies", headers={"Accept-Encoding": "gzip"})
    with process.test_request_context("/fr/cookies", headers={"Accept-Encoding": "gzip"}):
        view = process.full_dispatch_request()

    assert fast.get_data() == view.get_data()
    assert dict(fast.headers) == dict(view.headers)
    assert "Set-Cookie" not in fast.headers


def test_a_publication_in_this_process_is_served_at_once(process, make_published):
    make_published(1)
    visitor = process.test_client()
    visitor.get("/fr/cookies")
    make_published(2)

    with process.app_context():
        published.expect_new_version()

    assert visitor.get("/fr/cookies").get_data() == html(2)
