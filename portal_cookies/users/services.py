"""Accounts: creating them, their role, deactivating and reactivating them, resetting their
password. The browser and ``flask users`` share these rules: the portal always keeps an active
administrator, and nobody locks themselves out."""

import secrets

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ..audit import record_event
from ..auth.services import check_password_strength
from ..extensions import db
from ..models import Role, User
from ..service_errors import ServiceError
from ..values import normalize_email

# Letters and digits that cannot be mistaken for one another (no 0/o, 1/l/i), in groups of four:
# easy to read aloud or copy by hand. 16 characters from 31 give about 79 bits.
ONE_TIME_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
ONE_TIME_GROUPS = 4
ONE_TIME_GROUP_LENGTH = 4


def one_time_password() -> str:
    """A random password to hand over once, such as ``k7qm-x3vd-p9tr-wh2e``."""
    return "-".join(
        "".join(secrets.choice(ONE_TIME_ALPHABET) for _place in range(ONE_TIME_GROUP_LENGTH))
        for _group in range(ONE_TIME_GROUPS)
    )


def list_users() -> list[User]:
    """Every account, deactivated ones included, alphabetically by e-mail."""
    return list(db.session.scalars(sa.select(User).order_by(User.email)))


def create_account(email: str, role: Role | str, actor: User | None) -> tuple[User, str]:
    """A new account and its one-time password, to show once: the first login with it must
    choose a new password before anything else."""
    password = one_time_password()
    user = _add_user(email, role, password, actor, must_change_password=True)
    return user, password


def create_user(email: str, role: Role | str, password: str, actor: User | None = None) -> User:
    """A new account with a password its holder chose (``flask users create``)."""
    return _add_user(email, role, password, actor, must_change_password=False)


def change_role(user: User, role: Role | str, actor: User | None) -> None:
    role = _read_role(role)
    if role == user.role:
        return
    if role != Role.ADMIN:
        _keep_an_active_admin(user, field="role")
    before = user.role
    user.role = role
    record_event(
        actor,
        "change_role",
        user,
        label=user.email,
        before={"role": before.value},
        after={"role": role.value},
    )
    db.session.commit()


def deactivate(user: User, actor: User | None) -> None:
    """Stop the account from logging in, and end its open sessions at once."""
    if actor is not None and actor.id == user.id:
        raise ServiceError(_("You cannot deactivate your own account."))
    if not user.active:
        raise ServiceError(_("The account %(email)s is already deactivated.", email=user.email))
    _keep_an_active_admin(user)
    user.active = False
    # Part of every session's identifier: the account's open sessions are refused from now on.
    user.session_generation += 1
    record_event(
        actor,
        "deactivate",
        user,
        label=user.email,
        before={"active": True},
        after={"active": False},
    )
    db.session.commit()


def reactivate(user: User, actor: User | None) -> None:
    if user.active:
        raise ServiceError(_("The account %(email)s is already active.", email=user.email))
    user.active = True
    record_event(
        actor,
        "reactivate",
        user,
        label=user.email,
        before={"active": False},
        after={"active": True},
    )
    db.session.commit()


def reset_password(user: User, actor: User | None) -> str:
    """Replace the account's password with a one-time password, returned to show once; its
    open sessions end."""
    if actor is not None and actor.id == user.id:
        raise ServiceError(_("Change your own password on your account page."))
    password = one_time_password()
    before = user.must_change_password
    user.set_password(password)
    user.must_change_password = True
    record_event(
        actor,
        "reset_password",
        user,
        label=user.email,
        before={"must_change_password": before},
        after={"must_change_password": user.must_change_password},
    )
    db.session.commit()
    return password


def _add_user(
    email: str, role: Role | str, password: str, actor: User | None, *, must_change_password: bool
) -> User:
    email = normalize_email(email)
    role = _read_role(role)
    check_password_strength(password)
    duplicate = ServiceError(_("An account with this e-mail already exists."), field="email")
    if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise duplicate
    user = User(email=email, role=role, must_change_password=must_change_password)
    user.set_password(password)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        # Created by someone else since the check above.
        db.session.rollback()
        raise duplicate from None
    record_event(actor, "create", user, label=email, after={"email": email, "role": role.value})
    db.session.commit()
    return user


def _read_role(value: Role | str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise ServiceError(_("Choose one of the roles."), field="role") from None


def _keep_an_active_admin(user: User, field: str | None = None) -> None:
    """Refuse to take away the last active administrator: nobody could manage accounts."""
    if user.role != Role.ADMIN or not user.active:
        return
    # Locked until the commit (where the database can): two administrators removing each other
    # at the same time cannot leave none.
    admins = db.session.scalars(
        sa.select(User.id).where(User.role == Role.ADMIN, User.active.is_(True)).with_for_update()
    ).all()
    if len(admins) <= 1:
        raise ServiceError(
            _(
                "%(email)s is the last active administrator: make another account an "
                "administrator first.",
                email=user.email,
            ),
            field=field,
        )
