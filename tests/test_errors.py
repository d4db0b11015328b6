"""Error pages people can read, a failed request that saves nothing, and safe headers."""

import re

import pytest
import sqlalchemy as sa
from flask_login import current_user

from portal_cookies import create_app
from portal_cookies.extensions import db
from portal_cookies.models import Role, User
from tests.helpers import PASSWORD, page_language, settings_for


def test_an_unknown_address_gives_a_404_page_in_the_interface_language(client):
    response = client.get("/no/such/page", headers={"Accept-Language": "fr"})
    assert response.status_code == 404
    assert page_language(response) == "fr"
    assert "404" in response.get_data(as_text=True)


@pytest.fixture
def failing_app(app):
    """A fresh app on the test database, with views that fail half-way through a change."""
    settings = {**settings_for(app.config["SQLALCHEMY_DATABASE_URI"]), "TESTING": False}
    failing_app = create_app(settings)

    @failing_app.post("/test/fail-after-flush")
    def fail_after_flush():
        current_user.role = Role.TRANSLATOR
        db.session.add(User(email="half@example.org", password_hash="x", role=Role.OPERATOR))
        db.session.flush()
        raise RuntimeError("the view fails after writing")

    @failing_app.post("/test/fail-in-database")
    def fail_in_database():
        # Nothing has loaded the current user yet: the error page will, after this error.
        db.session.add(User(email="twice@example.org", password_hash="x", role=Role.OPERATOR))
        db.session.add(User(email="twice@example.org", password_hash="x", role=Role.OPERATOR))
        db.session.flush()

    yield failing_app
    with failing_app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("path", ["/test/fail-after-flush", "/test/fail-in-database"])
def test_a_failing_view_gives_a_500_page_and_saves_nothing(failing_app, make_user, path):
    admin = make_user(Role.ADMIN)
    client = failing_app.test_client()
    client.post("/login", data={"email": admin.email, "password": PASSWORD})

    response = client.post(path)

    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page
    # The page shows the account as saved, not as the failed view left it in memory.
    assert '<span class="badge badge--role">administrator</span>' in page
    db.session.expire_all()
    assert db.session.get(User, admin.id).role == Role.ADMIN
    assert db.session.scalars(sa.select(User.email)).all() == [admin.email]


@pytest.mark.parametrize("path", ["/login", "/no/such/page"])
def test_every_page_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    policy = headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy
    assert re.search(r"(^|;)\s*default-src 'self'", policy)
    assert re.search(r"(^|;)\s*script-src 'self'(;|$)", policy)
    assert "frame-ancestors 'none'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
