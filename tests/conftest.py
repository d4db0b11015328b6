"""Fixtures in the Flask tutorial's shape: app, client, runner, and makers for test data.

The suite runs on SQLite, or on PostgreSQL when TEST_DATABASE_URL is set. One database per
run; every table is emptied after each test. Plain helpers live in tests/helpers.py.
"""

import json
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from playwright.sync_api import Page, sync_playwright
from werkzeug.serving import make_server

from portal_cookies import create_app
from portal_cookies.extensions import db
from portal_cookies.models import Role, User
from portal_cookies.models import people as accounts_model
from portal_cookies.users import services as users_services
from tests.accessibility import PageAudit, install_checkers
from tests.browser import launch, new_context, require_chromium
from tests.helpers import (
    PASSWORD,
    RequestClient,
    database_url,
    settings_for,
    stamp_migration_head,
    stored_pages,
)

# scrypt's memory-hard cost (PASSWORD_METHOD) takes about 0.2 s per hash and per login:
# the suite makes and logs in thousands of accounts, so it hashes with a small cost instead.
# tests/test_auth.py checks the cost production uses.
TEST_PASSWORD_METHOD = "scrypt:1024:8:1"
_PRODUCTION_PASSWORD_METHOD = accounts_model.PASSWORD_METHOD


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashes() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts_model, "PASSWORD_METHOD", TEST_PASSWORD_METHOD)
        yield


@pytest.fixture
def production_password_method(monkeypatch: pytest.MonkeyPatch) -> str:
    """Hash as every installation does, for this test only."""
    monkeypatch.setattr(accounts_model, "PASSWORD_METHOD", _PRODUCTION_PASSWORD_METHOD)
    return _PRODUCTION_PASSWORD_METHOD


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = create_app(settings_for(database_url(tmp_path_factory)))
    app.test_client_class = RequestClient
    with app.app_context():
        db.drop_all()
        db.create_all()
        stamp_migration_head()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_database(app: Flask) -> Iterator[None]:
    """Each test starts from empty tables, inside an app context."""
    with app.app_context():
        yield
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def make_user() -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make(role: Role | str = Role.OPERATOR, email: str | None = None, password: str = PASSWORD):
        role = Role(role)
        email = email or f"{role.value}{next(counter)}@example.org"
        return users_services.create_user(email, role, password)

    return make


class AuthActions:
    """Log a test client in and out as a person would, through the login form."""

    def __init__(self, client: FlaskClient, make_user: Callable[..., User]):
        self._client = client
        self._make_user = make_user
        self.user: User | None = None

    @property
    def client(self) -> FlaskClient:
        return self._client

    def login(self, role: Role | str = Role.OPERATOR, user: User | None = None) -> User:
        self.user = user or self._make_user(role)
        response = self._client.post(
            "/login", data={"email": self.user.email, "password": PASSWORD}
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        return self.user

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client: FlaskClient, make_user: Callable[..., User]) -> AuthActions:
    return AuthActions(client, make_user)


@pytest.fixture
def second_auth(app: Flask, make_user: Callable[..., User]) -> AuthActions:
    """A second browser: its own client, its own session."""
    return AuthActions(app.test_client(), make_user)


@pytest.fixture
def csrf_enabled(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """CSRF protection on, as in production, for this test only."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app served over HTTP on a free loopback port, for a real browser; its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def checkers() -> None:
    reason = install_checkers()
    if reason is not None:
        pytest.skip(f"accessibility checkers unavailable: {reason}")


@pytest.fixture
def audit(checkers: None, tmp_path: Path) -> Iterator[PageAudit]:
    """A journey's pages, checked by axe-core as it goes and by the Nu checker at its end."""
    audit = PageAudit(tmp_path)
    yield audit
    audit.validate_markup()
    if audit.problems:
        pytest.fail("\n".join(audit.problems), pytrace=False)


@pytest.fixture
def page(live_server: str, csrf_enabled: None) -> Iterator[Page]:
    """A page of Chromium on the live server, with CSRF protection on (tests/browser.py)."""
    require_chromium()
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = new_context(browser, live_server)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


@pytest.fixture
def make_category() -> Callable[..., object]:
    """A category made through the inventory's service: ``make_category(slug="marketing")``."""
    from portal_cookies.inventory import services

    counter = iter(range(1, 10_000))

    def make(**overrides):
        number = next(counter)
        values = {
            "slug": f"category-{number}",
            "name": f"Catégorie {number}",
            "explanation": f"Explication de la catégorie {number}.",
            "consent_required_default": True,
            "actor": None,
        }
        return services.create_category(**(values | overrides))

    return make


@pytest.fixture
def make_provider() -> Callable[..., object]:
    """A provider made through the inventory's service: ``make_provider(name="Matomo")``."""
    from portal_cookies.inventory import services

    counter = iter(range(1, 10_000))

    def make(**overrides):
        values = {
            "name": f"Provider {next(counter)}",
            "website": None,
            "privacy_policy_url": None,
            "country": None,
            "safeguard": "",
            "actor": None,
        }
        return services.create_provider(**(values | overrides))

    return make


@pytest.fixture
def make_cookie(make_provider, make_category) -> Callable[..., object]:
    """A cookie entry made through the service, French source texts; any EntryData field,
    ``actor`` and ``archived`` may be given: ``make_cookie(names=["_ga"], party=Party.THIRD)``.
    A provider and a category are made unless given."""
    from portal_cookies.inventory import services
    from portal_cookies.models import (
        ConsentBasis,
        DurationKind,
        DurationUnit,
        Location,
        Party,
        StorageKind,
    )

    counter = iter(range(1, 10_000))

    def make(*, actor=None, archived=False, **overrides):
        number = next(counter)
        values = {
            "provider": None,
            "category": None,
            "names": [f"cookie_{number}"],
            "storage_kind": StorageKind.HTTP_COOKIE,
            "party": Party.FIRST,
            "domain": "",
            "locations": [Location.FRONT_OFFICE],
            "function": f"Fonction {number}",
            "purpose": f"Finalité du cookie {number}.",
            "duration_kind": DurationKind.FIXED,
            "duration_value": 13,
            "duration_unit": DurationUnit.MONTHS,
            "consent_basis": ConsentBasis.CONSENT,
            "exemption_ground": None,
        } | overrides
        values["provider"] = values["provider"] or make_provider()
        values["category"] = values["category"] or make_category()
        entry = services.create_entry(services.EntryData(**values), actor=actor)
        if archived:
            services.archive_entry(entry, actor=actor)
        return entry

    return make


@pytest.fixture
def make_published() -> Callable[..., object]:
    """A published version stored as rows, independent of the publishing services:
    ``make_published(2, pages={"fr": (html, json, changes_html)})``."""
    from portal_cookies.models import PolicyPage, PolicyVersion, text_hash

    def make(
        number: int,
        pages: dict[str, tuple[str, str, str]] | None = None,
        requires_renewed_consent: bool = False,
        source_language: str = "fr",
        published_at: datetime | None = None,
        content: dict | None = None,
    ) -> PolicyVersion:
        pages = pages if pages is not None else stored_pages(number)
        if content is None:
            content = {"portal": {"source_language": source_language, "languages": list(pages)}}
        version = PolicyVersion(
            number=number,
            content=content,
            content_hash=text_hash(json.dumps([content, pages], sort_keys=True)),
            requires_renewed_consent=requires_renewed_consent,
            published_at=published_at or datetime.now(UTC),
            pages=[
                PolicyPage(language=language, html=html, json=data, changes_html=changes)
                for language, (html, data, changes) in pages.items()
            ],
        )
        db.session.add(version)
        db.session.commit()
        return version

    return make
