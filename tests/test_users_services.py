"""The account rules of users.services, which the pages and `flask users` both obey."""

import json
import re

import pytest
import sqlalchemy as sa

from portal_cookies.auth import services as auth_services
from portal_cookies.extensions import db
from portal_cookies.models import AuditEvent, Role, User
from portal_cookies.service_errors import ServiceError
from portal_cookies.users import services
from tests.helpers import PASSWORD, count_rows

ONE_TIME_PATTERN = re.compile(r"[a-hj-km-np-z2-9]{4}(-[a-hj-km-np-z2-9]{4}){3}")


def events(action: str, user: User) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.action == action, AuditEvent.object_id == user.id)
            .order_by(AuditEvent.id)
        )
    )


def audit_trail_text() -> str:
    """Every audit event as text, to search for what must never be in it."""
    return json.dumps(
        [
            [event.action, event.object_label, event.before, event.after]
            for event in db.session.scalars(sa.select(AuditEvent))
        ]
    )


def stored(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def refused(action, *args, **kwargs) -> ServiceError:
    """The refusal of ``action``; the database must be as it was, audit trail included."""
    counts = count_rows(User), count_rows(AuditEvent)
    with pytest.raises(ServiceError) as refusal:
        action(*args, **kwargs)
    db.session.rollback()
    assert (count_rows(User), count_rows(AuditEvent)) == counts
    return refusal.value


# --- One-time passwords and creation -------------------------------------------------------


def test_one_time_passwords_are_readable_random_and_pass_the_password_rules():
    passwords = {services.one_time_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        assert ONE_TIME_PATTERN.fullmatch(password), password
        auth_services.check_password_strength(password)


def test_a_new_account_gets_a_one_time_password_stored_only_as_a_hash(make_user):
    admin = make_user(Role.ADMIN)
    user, password = services.create_account(" New@Example.org ", "operator", actor=admin)
    user = stored(user)
    assert (user.email, user.role, user.active) == ("new@example.org", Role.OPERATOR, True)
    assert user.must_change_password
    assert user.check_password(password)
    assert password not in user.password_hash
    [event] = events("create", user)
    assert event.actor == admin
    assert event.after == {"email": "new@example.org", "role": "operator"}
    assert password not in audit_trail_text()
    assert user.password_hash not in audit_trail_text()


def test_an_account_with_a_chosen_password_need_not_change_it(make_user):
    user = services.create_user("chosen@example.org", Role.TRANSLATOR, PASSWORD)
    assert not stored(user).must_change_password
    assert stored(user).check_password(PASSWORD)


@pytest.mark.parametrize(
    ("email", "role", "field", "message"),
    [
        ("", "operator", "email", "This is not a valid e-mail address."),
        ("not an e-mail", "operator", "email", "This is not a valid e-mail address."),
        ("TAKEN@example.org", "operator", "email", "An account with this e-mail already exists."),
        ("new@example.org", "superuser", "role", "Choose one of the roles."),
        ("new@example.org", None, "role", "Choose one of the roles."),
    ],
    ids=["empty", "malformed", "duplicate", "unknown role", "no role"],
)
def test_creating_an_account_refuses_bad_input_on_its_field(make_user, email, role, field, message):
    make_user(email="taken@example.org")
    refusal = refused(services.create_account, email, role, actor=None)
    assert (refusal.field, refusal.message) == (field, message)


def test_a_chosen_password_must_pass_the_password_rules():
    refusal = refused(services.create_user, "new@example.org", Role.OPERATOR, "short")
    assert refusal.field == "password"


# --- Roles -----------------------------------------------------------------------------------


def test_changing_a_role_is_audited_with_before_and_after(make_user):
    admin, user = make_user(Role.ADMIN), make_user(Role.TRANSLATOR)
    services.change_role(user, Role.OPERATOR, actor=admin)
    assert stored(user).role == Role.OPERATOR
    [event] = events("change_role", user)
    assert (event.actor, event.before, event.after) == (
        admin,
        {"role": "translator"},
        {"role": "operator"},
    )


def test_choosing_the_same_role_changes_nothing(make_user):
    user = make_user(Role.OPERATOR)
    services.change_role(user, "operator", actor=None)
    assert events("change_role", user) == []


def test_an_unknown_role_is_refused_on_the_role_field(make_user):
    user = make_user(Role.OPERATOR)
    refusal = refused(services.change_role, user, "superuser", actor=None)
    assert refusal.field == "role"
    assert stored(user).role == Role.OPERATOR


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.TRANSLATOR])
def test_the_last_active_admin_cannot_be_demoted(make_user, role):
    admin = make_user(Role.ADMIN, email="boss@example.org")
    # A deactivated administrator does not count.
    services.deactivate(make_user(Role.ADMIN), actor=admin)
    refusal = refused(services.change_role, admin, role, actor=admin)
    assert refusal.field == "role"
    assert "boss@example.org is the last active administrator" in refusal.message
    assert stored(admin).role == Role.ADMIN


def test_an_admin_may_step_down_while_another_remains(make_user):
    admin, other = make_user(Role.ADMIN), make_user(Role.ADMIN)
    services.change_role(admin, Role.OPERATOR, actor=admin)
    assert stored(admin).role == Role.OPERATOR
    assert refused(services.change_role, other, Role.OPERATOR, actor=other).field == "role"


def test_a_deactivated_admin_may_be_demoted(make_user):
    admin, retired = make_user(Role.ADMIN), make_user(Role.ADMIN)
    services.deactivate(retired, actor=admin)
    services.change_role(retired, Role.TRANSLATOR, actor=admin)
    assert stored(retired).role == Role.TRANSLATOR


# --- Deactivating and reactivating -----------------------------------------------------------


def test_deactivating_ends_the_sessions_and_is_audited(make_user):
    admin, user = make_user(Role.ADMIN), make_user()
    generation = user.session_generation
    services.deactivate(user, actor=admin)
    user = stored(user)
    assert not user.active
    assert user.session_generation > generation
    [event] = events("deactivate", user)
    assert (event.actor, event.before, event.after) == (admin, {"active": True}, {"active": False})


def test_the_last_active_admin_cannot_be_deactivated(make_user):
    admin = make_user(Role.ADMIN)
    refusal = refused(services.deactivate, admin, actor=None)
    assert "is the last active administrator" in refusal.message
    assert stored(admin).active


def test_admins_cannot_deactivate_themselves(make_user):
    admin, _other = make_user(Role.ADMIN), make_user(Role.ADMIN)
    refusal = refused(services.deactivate, admin, actor=admin)
    assert refusal.message == "You cannot deactivate your own account."
    assert stored(admin).active


def test_an_admin_may_deactivate_another_admin_while_one_remains(make_user):
    admin, other = make_user(Role.ADMIN), make_user(Role.ADMIN)
    services.deactivate(other, actor=admin)
    assert not stored(other).active


def test_deactivating_twice_is_refused(make_user):
    user = make_user()
    services.deactivate(user, actor=None)
    refusal = refused(services.deactivate, user, actor=None)
    assert refusal.message == f"The account {user.email} is already deactivated."


def test_reactivating_is_audited_and_lets_the_account_log_in(make_user):
    admin, user = make_user(Role.ADMIN), make_user()
    services.deactivate(user, actor=admin)
    services.reactivate(user, actor=admin)
    assert stored(user).active
    assert auth_services.authenticate(user.email, PASSWORD) is not None
    [event] = events("reactivate", user)
    assert (event.before, event.after) == ({"active": False}, {"active": True})
    refusal = refused(services.reactivate, user, actor=admin)
    assert refusal.message == f"The account {user.email} is already active."


# --- Resetting a password --------------------------------------------------------------------


def test_a_reset_replaces_the_password_and_ends_the_sessions(make_user):
    admin, user = make_user(Role.ADMIN), make_user()
    generation = user.session_generation
    password = services.reset_password(user, actor=admin)
    user = stored(user)
    assert ONE_TIME_PATTERN.fullmatch(password)
    assert user.check_password(password)
    assert not user.check_password(PASSWORD)
    assert user.must_change_password
    assert user.session_generation > generation
    [event] = events("reset_password", user)
    assert (event.actor, event.before, event.after) == (
        admin,
        {"must_change_password": False},
        {"must_change_password": True},
    )
    assert password not in audit_trail_text()


def test_admins_reset_their_own_password_on_their_account_page_only(make_user):
    admin = make_user(Role.ADMIN)
    refusal = refused(services.reset_password, admin, actor=admin)
    assert refusal.message == "Change your own password on your account page."
    assert stored(admin).check_password(PASSWORD)


def test_choosing_a_new_password_clears_the_one_time_password(make_user):
    user, one_time = services.create_account("new@example.org", Role.OPERATOR, actor=None)
    refusal = refused(auth_services.change_password, user, one_time, actor=user)
    assert refusal.message == "The new password must differ from the current one."
    assert stored(user).must_change_password
    auth_services.change_password(stored(user), PASSWORD, actor=user)
    assert not stored(user).must_change_password
    assert not stored(user).check_password(one_time)


def test_accounts_are_listed_by_email(make_user):
    for email in ("zoe@example.org", "adam@example.org", "marc@example.org"):
        make_user(email=email)
    assert [user.email for user in services.list_users()] == [
        "adam@example.org",
        "marc@example.org",
        "zoe@example.org",
    ]
