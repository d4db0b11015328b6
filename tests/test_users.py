"""Accounts in the browser (/admin/users/), and the password change a one-time password forces."""

import re

import pytest
import sqlalchemy as sa

from portal_cookies.extensions import db
from portal_cookies.lookup import MAX_ID
from portal_cookies.models import AuditEvent, Role, User
from portal_cookies.users import services
from tests.helpers import PASSWORD, count_rows

NEW_PASSWORD = "my very own passphrase"
ONE_TIME = re.compile(r'<code class="one-time-password" id="one-time-password">([^<]+)</code>')


def flashes(response) -> str:
    match = re.search(r'<div class="flashes".*?</div>', response.get_data(as_text=True), re.S)
    return match.group(0) if match else ""


def field_error(response, field: str) -> str | None:
    match = re.search(
        rf'<p class="field__error" id="{field}-error">([^<]*)</p>', response.get_data(as_text=True)
    )
    return match.group(1) if match else None


def one_time_password(response) -> str:
    match = ONE_TIME.search(response.get_data(as_text=True))
    assert match, "the page shows no one-time password"
    return match.group(1)


def stored(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def login(client, email: str, password: str):
    return client.post("/login", data={"email": email, "password": password})


def database_state() -> list[tuple]:
    """Every account as stored, and the number of audit events: what no refusal may change."""
    db.session.expire_all()
    accounts = db.session.execute(
        sa.select(
            User.email,
            User.role,
            User.active,
            User.password_hash,
            User.session_generation,
            User.must_change_password,
        ).order_by(User.id)
    ).all()
    return [*accounts, count_rows(AuditEvent)]


@pytest.fixture
def admin(auth):
    return auth.login(Role.ADMIN)


# --- The list ------------------------------------------------------------------------------


def test_the_list_shows_every_account_by_email(client, admin, make_user):
    make_user(Role.TRANSLATOR, email="zoe@example.org")
    retired = make_user(Role.OPERATOR, email="bob@example.org")
    services.deactivate(retired, actor=admin)
    page = client.get("/admin/users/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    rows = re.findall(
        r"<tr[^>]*>\s*<th scope=\"row\"><a href=\"/admin/users/(\d+)\">([^<]+)<", html
    )
    assert [email for _id, email in rows] == sorted(
        [admin.email, "bob@example.org", "zoe@example.org"]
    )
    bob_row = html[
        html.index("bob@example.org") : html.index("</tr>", html.index("bob@example.org"))
    ]
    assert "operator" in bob_row and "deactivated" in bob_row and "never" in bob_row


def test_accounts_are_for_admins_only(client, auth):
    auth.login(Role.OPERATOR)
    assert client.get("/admin/users/").status_code == 403
    assert (
        client.post(
            "/admin/users/new", data={"email": "x@example.org", "role": "admin"}
        ).status_code
        == 403
    )
    assert count_rows(User) == 1


# --- Creating an account, and its first login ------------------------------------------------


def create(client, email="new@example.org", role="operator"):
    return client.post("/admin/users/new", data={"email": email, "role": role})


def test_a_new_account_shows_its_one_time_password_once(client, admin):
    response = create(client, email="New@Example.org")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    password = one_time_password(response)
    user = db.session.scalar(sa.select(User).where(User.email == "new@example.org"))
    assert user.role == Role.OPERATOR and user.must_change_password
    # Nowhere else: not in the session, not in a flash, not on the pages that follow.
    with client.session_transaction() as session:
        assert password not in repr(dict(session))
    for path in ("/admin/users/", f"/admin/users/{user.id}"):
        assert password not in client.get(path).get_data(as_text=True)
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "create", AuditEvent.object_id == user.id)
    )
    assert event.actor_id == admin.id
    assert event.after == {"email": "new@example.org", "role": "operator"}


def test_the_one_time_password_forces_a_new_password_before_anything_else(app, client, admin):
    password = one_time_password(create(client))
    browser = app.test_client()
    assert login(browser, "new@example.org", password).status_code == 302
    for path in ("/admin/", "/admin/inventory/", "/admin/translation/", "/admin/users/"):
        response = browser.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"] == "/account"
    assert browser.post("/admin/inventory/entries/new", data={}).headers["Location"] == "/account"
    page = browser.get("/account").get_data(as_text=True)
    assert "You logged in with a one-time password." in page
    # What stays open: the public pages, the language switch, logging out.
    assert browser.get("/healthz").status_code == 200
    assert browser.post("/language", data={"language": "fr", "next": "/account"}).status_code == 302


def change_password(client, current, new):
    return client.post(
        "/account",
        data={
            "current_password": current,
            "new_password": new,
            "confirm_password": new,
            "submit_password": "Change password",
        },
    )


def test_the_new_password_must_differ_from_the_one_time_one(app, client, admin):
    password = one_time_password(create(client))
    browser = app.test_client()
    login(browser, "new@example.org", password)
    response = change_password(browser, password, password)
    assert response.status_code == 200
    assert (
        field_error(response, "new_password")
        == "The new password must differ from the current one."
    )
    assert browser.get("/admin/").headers["Location"] == "/account"


def test_once_changed_the_new_password_works_and_the_one_time_one_no_longer(app, client, admin):
    password = one_time_password(create(client))
    browser = app.test_client()
    login(browser, "new@example.org", password)
    response = change_password(browser, password, NEW_PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"
    assert browser.get("/admin/inventory/").status_code == 200
    browser.post("/logout")
    assert login(browser, "new@example.org", password).status_code == 200
    assert login(browser, "new@example.org", NEW_PASSWORD).status_code == 302
    assert not db.session.scalar(
        sa.select(User.must_change_password).where(User.email == "new@example.org")
    )


def test_the_one_time_password_of_a_deactivated_account_works_once_reactivated(app, client, admin):
    password = one_time_password(create(client))
    user = db.session.scalar(sa.select(User).where(User.email == "new@example.org"))
    client.post(f"/admin/users/{user.id}/deactivate")
    assert login(app.test_client(), user.email, password).status_code == 200
    client.post(f"/admin/users/{user.id}/reactivate")
    assert login(app.test_client(), user.email, password).status_code == 302


@pytest.mark.parametrize(
    ("email", "role", "field", "message"),
    [
        ("", "", "email", "Enter the e-mail address."),
        ("", "operator", "email", "Enter the e-mail address."),
        ("new@example.org", "", "role", "Choose a role."),
        ("not an e-mail", "operator", "email", "This is not a valid e-mail address."),
        (
            "a@" + "b" * 400 + ".org",
            "operator",
            "email",
            "Field cannot be longer than 320 characters.",
        ),
        ("TAKEN@example.org", "translator", "email", "An account with this e-mail already exists."),
        ("new@example.org", "superuser", "role", "Choose one of the options."),
    ],
    ids=["empty", "no e-mail", "no role", "malformed", "too long", "duplicate", "unknown role"],
)
def test_the_create_form_refuses_bad_input_and_creates_nothing(
    client, admin, make_user, email, role, field, message
):
    make_user(email="taken@example.org")
    before = database_state()
    response = create(client, email=email, role=role)
    assert response.status_code == 200
    assert field_error(response, field) == message
    assert "The form has errors; nothing was saved." in response.get_data(as_text=True)
    assert not ONE_TIME.search(response.get_data(as_text=True))
    assert database_state() == before


# --- An account's page: role, deactivation, reset --------------------------------------------


def test_changing_a_role_from_the_account_page(client, admin, make_user):
    user = make_user(Role.TRANSLATOR)
    response = client.post(f"/admin/users/{user.id}", data={"role": "operator"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/users/{user.id}"
    assert f"{user.email} is now operator." in flashes(client.get(response.headers["Location"]))
    assert stored(user).role == Role.OPERATOR
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "change_role"))
    assert (event.actor_id, event.before, event.after) == (
        admin.id,
        {"role": "translator"},
        {"role": "operator"},
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [({}, "Choose one of the options."), ({"role": "superuser"}, "Choose one of the options.")],
    ids=["empty", "unknown role"],
)
def test_the_role_form_refuses_bad_input(client, admin, make_user, data, message):
    user = make_user(Role.TRANSLATOR)
    before = database_state()
    response = client.post(f"/admin/users/{user.id}", data=data)
    assert response.status_code == 200
    assert field_error(response, "role") == message
    assert database_state() == before


def test_the_last_admin_cannot_demote_themselves(client, admin):
    before = database_state()
    response = client.post(f"/admin/users/{admin.id}", data={"role": "operator"})
    assert response.status_code == 200
    assert "is the last active administrator" in field_error(response, "role")
    assert database_state() == before


def test_an_admin_who_steps_down_leaves_the_accounts(client, admin, make_user):
    make_user(Role.ADMIN)
    response = client.post(f"/admin/users/{admin.id}", data={"role": "operator"})
    assert response.headers["Location"] == "/admin/"
    assert client.get("/admin/users/").status_code == 403


def test_deactivating_an_account_logs_it_out_at_once(client, admin, make_user, second_auth):
    user = second_auth.login(Role.TRANSLATOR)
    assert second_auth.client.get("/admin/").status_code == 200
    response = client.post(f"/admin/users/{user.id}/deactivate")
    assert response.headers["Location"] == f"/admin/users/{user.id}"
    assert f"{user.email} is deactivated and logged out." in flashes(
        client.get(f"/admin/users/{user.id}")
    )
    assert second_auth.client.get("/admin/").headers["Location"].startswith("/login")
    assert login(second_auth.client, user.email, PASSWORD).status_code == 200


@pytest.mark.parametrize("others", [0, 1], ids=["last admin", "another admin remains"])
def test_admins_cannot_deactivate_themselves(client, admin, make_user, others):
    for _other in range(others):
        make_user(Role.ADMIN)
    before = database_state()
    response = client.post(f"/admin/users/{admin.id}/deactivate")
    assert response.status_code == 302
    assert "You cannot deactivate your own account." in flashes(
        client.get(response.headers["Location"])
    )
    assert database_state() == before


def test_an_admin_may_deactivate_another_admin(client, admin, make_user):
    other = make_user(Role.ADMIN)
    assert client.post(f"/admin/users/{other.id}/deactivate").status_code == 302
    assert not stored(other).active
    # Now the last active administrator: the role stays.
    response = client.post(f"/admin/users/{admin.id}", data={"role": "translator"})
    assert "is the last active administrator" in field_error(response, "role")


def test_reactivating_from_the_account_page(client, admin, make_user):
    user = make_user()
    services.deactivate(user, actor=admin)
    response = client.post(f"/admin/users/{user.id}/reactivate")
    assert f"{user.email} may log in again." in flashes(client.get(response.headers["Location"]))
    assert stored(user).active
    again = client.post(f"/admin/users/{user.id}/reactivate")
    assert f"The account {user.email} is already active." in flashes(
        client.get(again.headers["Location"])
    )


def test_a_reset_ends_the_accounts_open_session_and_shows_a_new_password(
    app, client, admin, make_user, second_auth
):
    user = second_auth.login(Role.OPERATOR)
    response = client.post(f"/admin/users/{user.id}/reset-password")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    password = one_time_password(response)
    assert password not in flashes(response)
    with client.session_transaction() as session:
        assert password not in repr(dict(session))
    assert second_auth.client.get("/admin/").headers["Location"].startswith("/login")
    assert login(second_auth.client, user.email, PASSWORD).status_code == 200
    assert login(second_auth.client, user.email, password).status_code == 302
    assert second_auth.client.get("/admin/").headers["Location"] == "/account"
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "reset_password"))
    assert (event.actor_id, event.object_id) == (admin.id, user.id)
    assert password not in repr((event.before, event.after))


def test_admins_cannot_reset_their_own_password_here(client, admin):
    before = database_state()
    response = client.post(f"/admin/users/{admin.id}/reset-password")
    assert response.status_code == 302
    assert "Change your own password on your account page." in flashes(
        client.get(response.headers["Location"])
    )
    assert database_state() == before


@pytest.mark.parametrize("user_id", ["999999", str(MAX_ID + 1), "9" * 40])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/admin/users/{}"),
        ("POST", "/admin/users/{}"),
        ("POST", "/admin/users/{}/deactivate"),
        ("POST", "/admin/users/{}/reactivate"),
        ("POST", "/admin/users/{}/reset-password"),
    ],
)
def test_an_account_that_does_not_exist_is_not_found(client, admin, method, path, user_id):
    before = database_state()
    response = client.open(path.format(user_id), method=method, data={"role": "operator"})
    assert response.status_code == 404
    assert database_state() == before


@pytest.mark.usefixtures("csrf_enabled")
def test_the_buttons_need_the_pages_token(client, make_user):
    admin = make_user(Role.ADMIN)
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/login", data={"email": admin.email, "password": PASSWORD, "csrf_token": token})
    user = make_user()
    assert client.post(f"/admin/users/{user.id}/deactivate").status_code == 400
    assert stored(user).active
