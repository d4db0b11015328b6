"""`flask users ...`, and the app refusing to start without a secret key."""

import pytest
import sqlalchemy as sa

from portal_cookies import ConfigurationError, create_app
from portal_cookies.config import Config
from portal_cookies.extensions import db
from portal_cookies.models import AuditEvent, Role, User
from portal_cookies.users import services
from tests.helpers import PASSWORD, count_rows

NEW_PASSWORD = "another long passphrase"


def can_log_in(app, email: str, password: str) -> bool:
    response = app.test_client().post("/login", data={"email": email, "password": password})
    return response.status_code == 302


def users_command(runner, *args: str, password: str | None = None):
    stdin = ["--password-stdin"] if password is not None else []
    return runner.invoke(args=["users", *args, *stdin], input=f"{password}\n" if stdin else None)


def test_users_create_makes_an_account_that_can_log_in(app, runner):
    result = users_command(
        runner, "create", "Ops@Example.org", "--role", "operator", password=PASSWORD
    )
    assert result.exit_code == 0, result.output
    assert "Created ops@example.org (operator)." in result.output
    user = db.session.scalar(sa.select(User))
    assert (user.email, user.role) == ("ops@example.org", Role.OPERATOR)
    assert can_log_in(app, "ops@example.org", PASSWORD)


def test_users_create_prompts_for_the_password_twice(app, runner):
    result = runner.invoke(
        args=["users", "create", "admin@example.org", "--role", "admin"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    assert can_log_in(app, "admin@example.org", PASSWORD)


@pytest.mark.parametrize(
    ("email", "role", "password", "message"),
    [
        ("Taken@example.org", "operator", PASSWORD, "An account with this e-mail already exists."),
        ("new@example.org", "superuser", PASSWORD, "Invalid value for '--role'"),
        ("new@example.org", "operator", "short", "The password needs at least 12 characters."),
        ("not an e-mail", "operator", PASSWORD, "This is not a valid e-mail address."),
    ],
    ids=["duplicate", "unknown role", "short password", "invalid e-mail"],
)
def test_users_create_refuses_bad_input_clearly(runner, make_user, email, role, password, message):
    make_user(email="taken@example.org")
    result = users_command(runner, "create", email, "--role", role, password=password)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert count_rows(User) == 1


def test_users_list_shows_every_account_with_its_role_and_state(runner, make_user):
    make_user(Role.TRANSLATOR, email="tr@example.org")
    make_user(Role.ADMIN, email="admin@example.org")
    services.deactivate(make_user(Role.ADMIN, email="gone@example.org"), actor=None)
    result = runner.invoke(args=["users", "list"])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "admin@example.org\tadmin\tactive",
        "gone@example.org\tadmin\tdeactivated",
        "tr@example.org\ttranslator\tactive",
    ]


def test_users_set_password_replaces_the_old_one(app, runner, make_user):
    user = make_user()
    result = users_command(runner, "set-password", user.email, password=NEW_PASSWORD)
    assert result.exit_code == 0, result.output
    assert can_log_in(app, user.email, NEW_PASSWORD)
    assert not can_log_in(app, user.email, PASSWORD)


def test_users_set_password_refuses_a_short_one(app, runner, make_user):
    user = make_user()
    result = users_command(runner, "set-password", user.email, password="short")
    assert result.exit_code != 0
    assert "The password needs at least 12 characters." in result.output
    assert can_log_in(app, user.email, PASSWORD)


def test_users_deactivate_stops_logins(app, runner, make_user):
    user = make_user()
    result = runner.invoke(args=["users", "deactivate", user.email])
    assert result.exit_code == 0, result.output
    assert not db.session.get(User, user.id).active
    assert not can_log_in(app, user.email, PASSWORD)


def test_users_deactivate_refuses_the_last_active_admin(app, runner, make_user):
    admin = make_user(Role.ADMIN)
    result = runner.invoke(args=["users", "deactivate", admin.email])
    assert result.exit_code == 1
    assert f"{admin.email} is the last active administrator" in result.output
    assert db.session.get(User, admin.id).active
    assert count_rows(AuditEvent) == 1  # its creation only


def test_users_reactivate_lets_the_account_log_in_again(app, runner, make_user):
    user = make_user()
    services.deactivate(user, actor=None)
    result = runner.invoke(args=["users", "reactivate", user.email])
    assert result.exit_code == 0, result.output
    assert f"Reactivated {user.email}." in result.output
    assert can_log_in(app, user.email, PASSWORD)
    again = runner.invoke(args=["users", "reactivate", user.email])
    assert again.exit_code == 1
    assert f"The account {user.email} is already active." in again.output


def test_users_set_role_changes_what_the_account_may_do(runner, make_user):
    user = make_user(Role.TRANSLATOR)
    result = runner.invoke(args=["users", "set-role", user.email, "operator"])
    assert result.exit_code == 0, result.output
    assert f"{user.email} is now operator." in result.output
    assert db.session.get(User, user.id).role == Role.OPERATOR


@pytest.mark.parametrize(
    ("role", "message"),
    [
        ("superuser", "'superuser' is not one of 'admin', 'operator', 'translator'"),
        ("operator", "the last active administrator"),
    ],
    ids=["unknown role", "last admin"],
)
def test_users_set_role_refuses_clearly(runner, make_user, role, message):
    admin = make_user(Role.ADMIN)
    result = runner.invoke(args=["users", "set-role", admin.email, role])
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.get(User, admin.id).role == Role.ADMIN


def test_users_set_password_ends_a_one_time_password(app, runner):
    user, one_time = services.create_account("new@example.org", Role.OPERATOR, actor=None)
    result = users_command(runner, "set-password", user.email, password=NEW_PASSWORD)
    assert result.exit_code == 0, result.output
    assert not db.session.get(User, user.id).must_change_password
    assert not can_log_in(app, user.email, one_time)


@pytest.mark.parametrize(
    ("command", "password"),
    [("deactivate", None), ("reactivate", None), ("set-role", None), ("set-password", PASSWORD)],
)
def test_users_commands_name_an_unknown_account(runner, command, password):
    role = ["admin"] if command == "set-role" else []
    result = users_command(runner, command, "nobody@example.org", *role, password=password)
    assert result.exit_code != 0
    assert "No account with the e-mail nobody@example.org." in result.output


def test_the_app_refuses_to_start_without_a_secret_key(app, monkeypatch):
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr(Config, "SECRET_KEY", None)
    settings = {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]}
    for secret in ({"SECRET_KEY": ""}, {}):
        with pytest.raises(ConfigurationError, match="SECRET_KEY is not set") as refused:
            create_app({**settings, **secret})
        assert "FLASK_SECRET_KEY" in str(refused.value)
