"""Logging in and out, passwords, and the interface language of an account."""

import re

import pytest
import sqlalchemy as sa

from portal_cookies.auth import services
from portal_cookies.extensions import db
from portal_cookies.models import User
from portal_cookies.users import services as users
from tests.helpers import PASSWORD, error_summary, page_language

NEW_PASSWORD = "a brand new passphrase"
GENERIC_FAILURE = "Wrong e-mail or password, or the account is disabled."


def flashes(response) -> str:
    match = re.search(r'<div class="flashes".*?</div>', response.get_data(as_text=True), re.S)
    return match.group(0) if match else ""


def is_logged_in(client) -> bool:
    response = client.get("/admin/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def login(client, email, password=PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def stored_user(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def test_login_leads_to_the_dashboard(client, make_user):
    user = make_user()
    response = login(client, user.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"
    page = client.get("/admin/")
    assert page.status_code == 200
    assert "You are logged in." in flashes(page)
    assert user.email in page.get_data(as_text=True)


def test_login_ignores_case_and_spaces_in_the_email(client, make_user):
    make_user(email="someone@example.org")
    assert login(client, "  SomeOne@Example.ORG ").status_code == 302
    assert is_logged_in(client)


def test_wrong_password_and_unknown_email_read_the_same(client, make_user):
    user = make_user()
    wrong_password = login(client, user.email, "not the password at all")
    unknown_email = login(client, "nobody@example.org")
    assert wrong_password.status_code == unknown_email.status_code == 200
    assert GENERIC_FAILURE in error_summary(wrong_password)
    assert error_summary(wrong_password) == error_summary(unknown_email)
    assert not is_logged_in(client)


def test_a_deactivated_account_cannot_log_in(client, make_user):
    user = make_user()
    users.deactivate(user, actor=None)
    response = login(client, user.email)
    assert response.status_code == 200
    assert GENERIC_FAILURE in error_summary(response)
    assert not is_logged_in(client)


def test_deactivating_an_account_ends_its_open_session(client, auth):
    user = auth.login()
    assert is_logged_in(client)
    users.deactivate(user, actor=None)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/account", "/account"),
        ("/admin/inventory/?q=sessionid", "/admin/inventory/?q=sessionid"),
        ("https://evil.example/", "/admin/"),
        ("//evil.example", "/admin/"),
        ("/\\evil.example", "/admin/"),
        ("/\t/evil.example", "/admin/"),
        ("/admin/\nSet-Cookie: x=1", "/admin/"),
    ],
)
def test_login_follows_next_only_to_this_site(client, make_user, next_url, expected):
    user = make_user()
    response = login(client, user.email, next=next_url)
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_the_login_page_keeps_next_for_the_form(client):
    page = client.get("/login?next=/account").get_data(as_text=True)
    assert re.search(r'name="next" type="hidden" value="/account"', page)


def test_logout_is_post_only(client, auth):
    auth.login()
    assert client.get("/logout").status_code == 405
    assert is_logged_in(client)
    response = client.post("/logout")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert not is_logged_in(client)


@pytest.mark.parametrize("cookie_name", ["session", "remember_token"])
def test_login_cookies_are_httponly_and_samesite_lax(client, make_user, cookie_name):
    user = make_user()
    response = login(client, user.email, remember="y")
    cookie = next(
        header
        for header in response.headers.getlist("Set-Cookie")
        if header.startswith(f"{cookie_name}=")
    )
    attributes = {part.strip().lower() for part in cookie.split(";")}
    assert "httponly" in attributes
    assert "samesite=lax" in attributes


def test_passwords_are_stored_as_scrypt_hashes(make_user):
    user = make_user()
    stored = db.session.scalar(sa.select(User.password_hash).where(User.id == user.id))
    assert stored.startswith("scrypt:")
    assert PASSWORD not in stored


def test_installations_hash_with_werkzeugs_memory_hard_cost(make_user, production_password_method):
    # The rest of the suite hashes cheaply (tests/conftest.py).
    user = make_user()
    stored = db.session.scalar(sa.select(User.password_hash).where(User.id == user.id))
    assert stored.startswith("scrypt:32768:8:1$")


def change_password(client, current=PASSWORD, new=NEW_PASSWORD, confirm=None):
    return client.post(
        "/account",
        data={
            "current_password": current,
            "new_password": new,
            "confirm_password": new if confirm is None else confirm,
            "submit_password": "Change password",
        },
    )


@pytest.mark.parametrize(
    ("fields", "field_with_error", "message"),
    [
        (
            {"current": "not my password at all"},
            "current_password",
            "This is not your current password.",
        ),
        ({"new": "too short", "confirm": "too short"}, "new_password", "12 and 256 characters"),
        ({"confirm": "something else entirely"}, "confirm_password", "The passwords differ."),
    ],
    ids=["wrong current password", "too short", "confirmation differs"],
)
def test_a_refused_password_change_says_why_and_changes_nothing(
    client, auth, fields, field_with_error, message
):
    user = auth.login()
    response = change_password(client, **fields)
    assert response.status_code == 200
    error = re.search(
        rf'<p class="field__error" id="{field_with_error}-error">(.*?)</p>',
        response.get_data(as_text=True),
    )
    assert error is not None and message in error.group(1)
    assert stored_user(user).check_password(PASSWORD)


def test_changing_the_password_logs_out_the_other_sessions(client, auth, second_auth):
    user = auth.login()
    second_auth.login(user=user)
    response = change_password(client)
    assert response.status_code == 302
    page = client.get("/account")
    assert page.status_code == 200
    assert "Other sessions were logged out." in flashes(page)
    assert not is_logged_in(second_auth.client)
    assert stored_user(user).check_password(NEW_PASSWORD)
    assert login(second_auth.client, user.email, PASSWORD).status_code == 200
    assert login(second_auth.client, user.email, NEW_PASSWORD).status_code == 302


def test_the_preferred_language_is_saved_and_used(client, auth, second_auth):
    user = auth.login()
    response = client.post("/account", data={"locale": "fr", "submit_preferences": "Save"})
    assert response.status_code == 302
    assert stored_user(user).locale == "fr"
    # The account's choice wins over the browser's, in every session of the account.
    second_auth.login(user=user)
    for browser in (client, second_auth.client):
        page = browser.get("/account", headers={"Accept-Language": "en"})
        assert page_language(page) == "fr"


def test_following_the_browser_again_clears_the_preference(client, auth):
    user = auth.login()
    services.set_preferred_locale(user, "fr")
    client.post("/account", data={"locale": "", "submit_preferences": "Save"})
    assert stored_user(user).locale is None
    assert page_language(client.get("/account", headers={"Accept-Language": "en"})) == "en"


def test_the_language_switch_works_anonymously(client, app):
    response = client.post("/language", data={"language": "fr", "next": "/login"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert page_language(client.get("/login", headers={"Accept-Language": "en"})) == "fr"
    # Kept in this browser's session only: another browser is not affected.
    assert page_language(app.test_client().get("/login")) == "en"


def test_the_language_switch_is_saved_to_the_account(client, auth, second_auth):
    user = auth.login()
    response = client.post("/language", data={"language": "fr", "next": "/account"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    assert stored_user(user).locale == "fr"
    second_auth.login(user=user)
    assert page_language(second_auth.client.get("/account")) == "fr"


def test_the_language_switch_refuses_an_unknown_language(client):
    response = client.post("/language", data={"language": "xx", "next": "/login"})
    assert response.status_code == 302
    page = client.get("/login")
    assert page_language(page) == "en"
    assert "This language is not available." in flashes(page)


def test_the_browser_language_is_used_on_the_login_page(client):
    assert page_language(client.get("/login", headers={"Accept-Language": "fr"})) == "fr"
    assert page_language(client.get("/login", headers={"Accept-Language": "de, en;q=0.5"})) == "en"


def test_a_wrong_method_says_which_ones_the_address_accepts(client):
    response = client.get("/logout")

    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]


def test_browsers_and_password_managers_can_fill_in_the_login_and_password_fields(client, auth):
    def autocomplete(html: str, name: str) -> str:
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        return re.search(r'autocomplete="([^"]*)"', tag).group(1)

    login_page = client.get("/login").text
    auth.login()
    account_page = client.get("/account").text

    assert autocomplete(login_page, "email") == "username"
    assert autocomplete(login_page, "password") == "current-password"
    assert autocomplete(account_page, "current_password") == "current-password"
    assert autocomplete(account_page, "new_password") == "new-password"
    assert autocomplete(account_page, "confirm_password") == "new-password"
