"""Logins that end: logging out, idle and remembered logins expiring, the cookies' and the
responses' security headers, and the hosts the app answers to."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from portal_cookies import create_app
from portal_cookies.extensions import db
from portal_cookies.models import LoginSession, Role
from tests.helpers import PASSWORD, count_rows, csrf_token, log_in, settings_for

IDLE_TIMEOUT = timedelta(hours=8)  # SESSION_IDLE_TIMEOUT's default
REMEMBER_LIFETIME = timedelta(days=30)  # REMEMBER_TOKEN_LIFETIME's default


def login(client: FlaskClient, user, **extra):
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, **extra})
    assert response.status_code == 302
    return response


def opens_the_dashboard(client: FlaskClient) -> bool:
    response = client.get("/admin/")
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response.location.startswith("/login")
    return response.status_code == 200


def browser_with(app: Flask, cookies: dict[str, str]) -> FlaskClient:
    """A new browser holding only ``cookies``, as someone who copied them would."""
    browser = app.test_client()
    for name, value in cookies.items():
        browser.set_cookie(name, value)
    return browser


def cookie_value(client: FlaskClient, name: str) -> str:
    cookie = client.get_cookie(name)
    assert cookie is not None, f"no {name} cookie"
    return cookie.value


def set_cookie_header(response, name: str) -> str:
    return next(
        header for header in response.headers.getlist("Set-Cookie") if header.startswith(f"{name}=")
    )


def move_logins_back(by: timedelta) -> None:
    """Every login happened, and was last used, ``by`` earlier: the clock moved on."""
    for login_session in db.session.scalars(sa.select(LoginSession)):
        login_session.created_at -= by
        login_session.last_seen_at -= by
        if login_session.remember_until is not None:
            login_session.remember_until -= by
    db.session.commit()


# -- logging out ends the login everywhere --------------------------------------------------


def test_a_session_cookie_copied_before_logging_out_opens_nothing_after(app, client, make_user):
    login(client, make_user())
    copied = {"session": cookie_value(client, "session")}
    assert opens_the_dashboard(browser_with(app, copied))

    client.post("/logout")

    assert not opens_the_dashboard(browser_with(app, copied))


def test_a_remember_cookie_copied_before_logging_out_opens_nothing_after(app, client, make_user):
    login(client, make_user(), remember="y")
    copied = {"remember_token": cookie_value(client, "remember_token")}
    assert opens_the_dashboard(browser_with(app, copied))

    client.post("/logout")

    assert not opens_the_dashboard(browser_with(app, copied))


def test_logging_out_in_one_browser_leaves_the_others_logged_in(client, auth, second_auth):
    user = auth.login()
    second_auth.login(user=user)

    auth.logout()

    assert not opens_the_dashboard(client)
    assert opens_the_dashboard(second_auth.client)


def test_a_new_password_keeps_this_browser_remembered(app, client, make_user):
    login(client, make_user(), remember="y")
    response = client.post(
        "/account",
        data={
            "current_password": PASSWORD,
            "new_password": "a brand new passphrase",
            "confirm_password": "a brand new passphrase",
            "submit_password": "Change password",
        },
    )
    assert response.status_code == 302

    remembered = {"remember_token": cookie_value(client, "remember_token")}
    assert opens_the_dashboard(browser_with(app, remembered))


# -- logins expire ----------------------------------------------------------------------------


def test_an_unused_login_ends_after_the_idle_timeout(client, make_user):
    login(client, make_user())

    move_logins_back(IDLE_TIMEOUT - timedelta(minutes=2))
    assert opens_the_dashboard(client)
    # Using it counted: the idle time starts again from now.
    move_logins_back(IDLE_TIMEOUT - timedelta(minutes=2))
    assert opens_the_dashboard(client)

    move_logins_back(IDLE_TIMEOUT)
    assert not opens_the_dashboard(client)


def test_the_idle_timeout_is_a_setting(app, client, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_TIMEOUT", 600)
    login(client, make_user())

    move_logins_back(timedelta(minutes=11))

    assert not opens_the_dashboard(client)


def test_a_remembered_login_outlives_the_idle_timeout_but_not_its_lifetime(app, client, make_user):
    login(client, make_user(), remember="y")
    remembered = {"remember_token": cookie_value(client, "remember_token")}

    move_logins_back(REMEMBER_LIFETIME - timedelta(days=1))
    assert opens_the_dashboard(browser_with(app, remembered))

    move_logins_back(timedelta(days=1, minutes=1))
    assert not opens_the_dashboard(browser_with(app, remembered))
    assert not opens_the_dashboard(client)


def test_the_remember_cookie_lasts_as_long_as_the_remembered_login(client, make_user):
    response = login(client, make_user(), remember="y")

    cookie = set_cookie_header(response, "remember_token")
    expires = next(
        parsedate_to_datetime(part.split("=", 1)[1])
        for part in cookie.split(";")
        if part.strip().lower().startswith("expires=")
    )
    assert abs(expires - (datetime.now(UTC) + REMEMBER_LIFETIME)) < timedelta(hours=1)


def test_expired_logins_are_removed_when_someone_logs_in(client, make_user):
    user = make_user()
    login(client, user)
    client.post("/logout")
    log_in(client, Role.OPERATOR)
    move_logins_back(IDLE_TIMEOUT)

    login(client, user)

    assert count_rows(LoginSession) == 1


# -- a new session and CSRF secret at each login and logout ----------------------------------


def test_logging_in_and_out_renews_the_csrf_secret_and_keeps_the_language(client, make_user):
    with client.session_transaction() as session:
        session["csrf_token"] = "secret before logging in"
        session["locale"] = "fr"

    login(client, make_user())
    with client.session_transaction() as session:
        assert session.get("csrf_token") != "secret before logging in"
        assert session["locale"] == "fr"
        session["csrf_token"] = "secret while logged in"

    client.post("/logout")
    with client.session_transaction() as session:
        assert session.get("csrf_token") != "secret while logged in"
        assert session["locale"] == "fr"


@pytest.mark.usefixtures("csrf_enabled")
def test_a_form_of_the_logged_in_session_is_refused_after_logging_out(client, make_user):
    user = make_user()
    token = csrf_token(client.get("/login").text)
    client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    token = csrf_token(client.get("/account").text)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302

    # The token of the logged-in pages no longer passes, even to log in again.
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code in (200, 400)
    assert not opens_the_dashboard(client)


# -- cookies and headers over HTTPS -----------------------------------------------------------


@pytest.fixture
def secure_app(app: Flask) -> Iterator[Flask]:
    """The app as deployed behind HTTPS: SESSION_COOKIE_SECURE on."""
    secure = create_app(
        {**settings_for(app.config["SQLALCHEMY_DATABASE_URI"]), "SESSION_COOKIE_SECURE": True}
    )
    yield secure
    with secure.app_context():
        db.engine.dispose()


def test_the_remember_cookie_is_secure_when_the_session_cookie_is(secure_app, make_user):
    browser = secure_app.test_client()
    response = browser.post(
        "/login",
        data={"email": make_user().email, "password": PASSWORD, "remember": "y"},
        base_url="https://localhost",
    )

    for name in ("session", "remember_token"):
        attributes = {part.strip().lower() for part in set_cookie_header(response, name).split(";")}
        assert "secure" in attributes, name


def test_hsts_is_sent_only_when_the_session_cookie_is_secure(secure_app, client):
    secure = secure_app.test_client().get("/login", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"

    assert "Strict-Transport-Security" not in client.get("/login").headers


# -- caching ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/inventory/",
        "/account",
        "/admin/audit/export",
        "/admin/translation/export?language=en",
    ],
)
def test_pages_and_downloads_behind_the_login_are_never_stored(client, path):
    log_in(client, Role.ADMIN)

    response = client.get(path)

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


# -- trusted hosts ----------------------------------------------------------------------------


def test_a_request_for_an_untrusted_host_is_refused_not_redirected(app, monkeypatch):
    # As deployments set it: a comma-separated list in the environment.
    monkeypatch.setenv("FLASK_TRUSTED_HOSTS", "cookies.example.org, admin.example.org")
    configured = create_app(settings_for(app.config["SQLALCHEMY_DATABASE_URI"]))
    try:
        browser = configured.test_client()

        foreign = browser.get("/admin/", headers={"Host": "attacker.example"})
        assert foreign.status_code == 400
        assert "Location" not in foreign.headers

        for host in ("cookies.example.org", "admin.example.org"):
            trusted = browser.get("/admin/", headers={"Host": host})
            assert trusted.status_code == 302
            assert trusted.location.startswith("/login")
    finally:
        with configured.app_context():
            db.engine.dispose()
