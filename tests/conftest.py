"""Fixtures in the Flask tutorial's shape: app, client, runner, and makers for test data.

The suite runs on SQLite, or on PostgreSQL when TEST_DATABASE_URL is set. One database per
run; every table is emptied after each test.
"""

import os
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from portal_cookies import create_app
from portal_cookies.auth import services as auth_services
from portal_cookies.extensions import db
from portal_cookies.models import Role, User

PASSWORD = "correct horse battery staple"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if TEST_DATABASE_URL:
        return TEST_DATABASE_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


def test_settings(url: str) -> dict[str, object]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test secret, not for production",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
    }


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = create_app(test_settings(database_url(tmp_path_factory)))
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
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
        return auth_services.create_user(email, role, password)

    return make


class AuthActions:
    """Log a test client in and out as a person would, through the login form."""

    def __init__(self, client: FlaskClient, make_user: Callable[..., User]):
        self._client = client
        self._make_user = make_user
        self.user: User | None = None

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


def count_rows(model: type) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0
