"""The published policy through a database outage, and /healthz.

While the database does not answer, the policy's addresses keep serving what the process
last read (its bytes are in memory); what it never read is a 503 that asks to come back
later, never a 500, and a .json address says so in JSON. /healthz takes the instance out of
the load balancer meanwhile, and everything comes back with the database, without a restart.

Each test runs another process (a new app on the test database): what a process knows is
what it read itself. The outage refuses every connection of that app (``Outage``); on
PostgreSQL, the tests marked ``postgresql`` also cut the network under its open connections
(``TcpProxy``).
"""

import json
import logging
import re

import pytest
import sqlalchemy as sa

from portal_cookies import create_app
from portal_cookies.extensions import db
from portal_cookies.models import Role
from tests.helpers import (
    TEST_DATABASE_URL,
    RequestClient,
    log_in,
    settings_for,
    stamp_migration_head,
    stored_pages,
)
from tests.tcp_proxy import TcpProxy


class Outage:
    """The database out of reach for one app: its pooled connections dropped, every new one
    refused with the driver's own error, as when the server is down."""

    def __init__(self, app):
        with app.app_context():
            self.engine = db.engine

    def begin(self) -> None:
        self.engine.dispose()
        sa.event.listen(self.engine, "do_connect", self._refuse)

    def end(self) -> None:
        if sa.event.contains(self.engine, "do_connect", self._refuse):
            sa.event.remove(self.engine, "do_connect", self._refuse)

    @staticmethod
    def _refuse(dialect, *_arguments):
        raise dialect.loaded_dbapi.OperationalError("connection refused (the test's outage)")


def new_process(url: str):
    process = create_app(settings_for(url))
    process.test_client_class = RequestClient
    return process


@pytest.fixture
def process(app):
    """Another process on the test database, which has read nothing yet."""
    process = new_process(app.config["SQLALCHEMY_DATABASE_URI"])
    yield process
    with process.app_context():
        db.engine.dispose()


@pytest.fixture
def outage(process):
    outage = Outage(process)
    yield outage
    outage.end()


def html(number: int, lang: str = "fr") -> bytes:
    return stored_pages(number)[lang][0].encode("utf-8")


def assert_unavailable(response, *, json_expected: bool, public: bool = True) -> None:
    """A 503 that asks to come back later, in the address's kind; on a public address,
    without a cookie."""
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.headers["Cache-Control"] == "no-store"
    if public:
        assert "Set-Cookie" not in response.headers
    if json_expected:
        assert response.headers["Content-Type"] == "application/problem+json"
        problem = json.loads(response.get_data())
        assert problem["status"] == 503
        assert problem["title"] == unavailable_title(response)
    else:
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        assert f"<h1>{unavailable_title(response)}</h1>" in response.get_data(as_text=True)


def unavailable_title(response) -> str:
    """The 503's title, in the language of the policy address asked for; an address that
    matches none (``/fr/cookie``) has no language of its own, and is answered in English."""
    if re.match(r"/fr/cookies(/|\.json|$)", response.request.path):
        return "Temporairement indisponible"
    return "Temporarily unavailable"


# -- What a process read stays readable -----------------------------------------------------

# Read before the outage: the current policy in French, and version 1 in French.
READ_BEFORE = ["/fr/cookies", "/fr/cookies/v/1"]


@pytest.mark.parametrize(
    "path",
    [
        *READ_BEFORE,
        # Never read, but the whole version came into memory with its first page.
        "/en/cookies",
        "/fr/cookies.json",
        "/en/cookies.json",
        "/fr/cookies/changes",
        "/en/cookies/v/1.json",
        # The current version at its number.
        "/en/cookies/v/2",
        "/cookies",
    ],
)
def test_the_policy_stays_readable_while_the_database_is_down(
    client, process, outage, make_published, path
):
    make_published(1)
    make_published(2)
    visitor = process.test_client()
    for address in READ_BEFORE:
        assert visitor.get(address).status_code == 200
    served = client.get(path, headers={"Accept-Language": "en"})

    outage.begin()
    response = visitor.get(path, headers={"Accept-Language": "en"})

    assert response.status_code == served.status_code
    assert response.get_data() == served.get_data()
    for header in ("Content-Type", "ETag", "Last-Modified", "Location", "Cache-Control"):
        assert response.headers.get(header) == served.headers.get(header), header
    assert "Set-Cookie" not in response.headers


def test_a_conditional_request_still_gets_304_while_the_database_is_down(
    process, outage, make_published
):
    make_published(1)
    visitor = process.test_client()
    etag = visitor.get("/fr/cookies").headers["ETag"]

    outage.begin()

    assert visitor.get("/fr/cookies", headers={"If-None-Match": etag}).status_code == 304


def test_a_404_of_the_current_policy_still_leads_to_it_while_the_database_is_down(
    process, outage, make_published
):
    make_published(1)
    visitor = process.test_client()
    visitor.get("/fr/cookies")

    outage.begin()
    response = visitor.get("/de/cookies")

    assert response.status_code == 404
    assert '<a href="/en/cookies" hreflang="en" lang="en">English</a>' in response.text
    problem = json.loads(visitor.get("/de/cookies.json").get_data())
    assert problem["status"] == 404


# -- What a process never read: 503, come back later ------------------------------------------


@pytest.mark.parametrize(
    ("path", "json_expected"),
    [
        ("/fr/cookies", False),
        ("/fr/cookies.json", True),
        ("/fr/cookies/changes", False),
        ("/fr/cookies/v/1", False),
        ("/fr/cookies/v/1.json", True),
        ("/cookies", False),
        ("/fr/cookie", False),
        ("/fr/cookie.json", True),
    ],
)
def test_a_process_that_read_nothing_answers_503_with_retry_after(
    process, outage, make_published, path, json_expected
):
    make_published(1)
    outage.begin()

    assert_unavailable(process.test_client().get(path), json_expected=json_expected)


def test_an_old_version_never_read_is_a_503_not_a_404(process, outage, make_published):
    for number in (1, 2, 3):
        make_published(number)
    visitor = process.test_client()
    visitor.get("/fr/cookies")

    outage.begin()

    assert_unavailable(visitor.get("/fr/cookies/v/2.json"), json_expected=True)
    assert_unavailable(visitor.get("/fr/cookies/v/2"), json_expected=False)
    assert visitor.get("/fr/cookies/v/3").get_data() == html(3)


def test_an_administration_page_answers_503_while_the_database_is_down(process, outage):
    visitor = process.test_client()
    log_in(visitor, Role.ADMIN)

    outage.begin()

    response = visitor.get("/admin/", headers={"Accept-Language": "en"})

    assert_unavailable(response, json_expected=False, public=False)


# -- Coming back ---------------------------------------------------------------------------------


def test_everything_comes_back_with_the_database_without_a_restart(process, outage, make_published):
    make_published(1)
    visitor = process.test_client()
    assert visitor.get("/healthz").status_code == 200
    visitor.get("/fr/cookies")

    outage.begin()
    assert visitor.get("/healthz").status_code == 503
    assert visitor.get("/fr/cookies").get_data() == html(1)
    outage.end()
    make_published(2)

    assert visitor.get("/healthz").json == {"status": "ok", "database": "ok", "schema": "ok"}
    assert visitor.get("/fr/cookies").get_data() == html(2)
    assert visitor.get("/fr/cookies/v/1").status_code == 200
    log_in(visitor, Role.ADMIN)
    assert visitor.get("/admin/users/").status_code == 200


def test_an_outage_is_logged_once_and_its_end_too(process, outage, make_published, caplog):
    make_published(1)
    visitor = process.test_client()
    visitor.get("/fr/cookies")
    caplog.set_level(logging.INFO, logger=process.logger.name)

    outage.begin()
    for _request in range(3):
        visitor.get("/fr/cookies")
    outage.end()
    visitor.get("/fr/cookies")
    visitor.get("/fr/cookies")

    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 2
    assert messages[0].startswith("The database does not answer (connection refused")
    assert "(the current one: version 1)" in messages[0]
    assert caplog.records[0].levelno == logging.WARNING
    assert messages[1] == "The database answers again."


# -- /healthz ------------------------------------------------------------------------------------


def test_healthz_says_ok_when_the_database_answers_at_the_schema_of_the_code(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "schema": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_says_503_while_the_database_is_down(process, outage):
    outage.begin()
    response = process.test_client().get("/healthz")

    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "unreachable"}


@pytest.fixture
def version_table():
    """Alembic's table in the test database, put back at the head afterwards."""
    yield
    with db.engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    stamp_migration_head()


@pytest.mark.parametrize(
    ("revisions", "schema"),
    [
        (None, "missing"),  # never migrated: no table
        ([], "missing"),  # a table without a revision
        (["0004"], "behind"),  # flask db upgrade not run
        (["f00dfeed"], "unknown"),  # a newer release's revision, or another branch's
    ],
)
def test_healthz_says_503_when_the_schema_is_not_the_code_s(
    client, version_table, revisions, schema
):
    with db.engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE alembic_version"))
        if revisions is not None:
            connection.execute(sa.text("CREATE TABLE alembic_version (version_num VARCHAR(32))"))
            for revision in revisions:
                connection.execute(
                    sa.text("INSERT INTO alembic_version VALUES (:revision)"),
                    {"revision": revision},
                )

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "ok", "schema": schema}


# -- PostgreSQL: the network cut under open connections ------------------------------------------


@pytest.fixture
def proxied_process(app):
    """Another process reaching PostgreSQL through a TcpProxy, and the proxy."""
    if not TEST_DATABASE_URL:
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")
    url = sa.make_url(TEST_DATABASE_URL)
    proxy = TcpProxy((url.host or "127.0.0.1", url.port or 5432))
    proxy.start()
    through_proxy = url.set(host="127.0.0.1", port=proxy.port)
    process = new_process(through_proxy.render_as_string(hide_password=False))
    yield process, proxy
    with process.app_context():
        db.engine.dispose()
    proxy.stop()


@pytest.mark.postgresql
def test_a_cut_network_to_postgresql_keeps_the_policy_readable_and_heals(
    proxied_process, make_published, caplog
):
    process, proxy = proxied_process
    make_published(1)
    make_published(2)
    visitor = process.test_client()
    read = {
        path: visitor.get(path)
        for path in ("/fr/cookies", "/en/cookies.json", "/cookies", "/fr/cookies/v/1")
    }
    assert 'class="superseded"' in read["/fr/cookies/v/1"].text
    assert visitor.get("/healthz").status_code == 200
    with process.app_context():
        checked_in = db.engine.pool.checkedin()
    assert checked_in > 0  # pooled connections, cut below

    proxy.stop()
    for path, before in read.items():
        response = visitor.get(path)
        assert (response.status_code, response.get_data()) == (
            before.status_code,
            before.get_data(),
        )
    assert visitor.get("/fr/cookies/v/2").get_data() == html(2)
    assert_unavailable(visitor.get("/fr/cookies/v/3.json"), json_expected=True)
    assert visitor.get("/healthz").status_code == 503
    log_in(visitor, Role.ADMIN)  # through the test's own connection, not the proxy
    assert_unavailable(visitor.get("/admin/users/"), json_expected=False, public=False)

    proxy.start()
    make_published(3)

    assert visitor.get("/healthz").status_code == 200
    assert visitor.get("/fr/cookies").get_data() == html(3)
    assert visitor.get("/admin/users/").status_code == 200
    warnings = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert any(
        record.getMessage().startswith("The database does not answer") for record in warnings
    )
