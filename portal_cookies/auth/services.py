"""Accounts: creating them, logging in, passwords and preferences."""

from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from ..audit import record_event
from ..config import INTERFACE_LANGUAGES
from ..extensions import db
from ..models import PASSWORD_METHOD, Role, User, utcnow
from ..service_errors import ServiceError
from ..values import normalize_email

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256

# Checked against when the e-mail is unknown, so a failed login takes as long either way and
# does not tell which accounts exist.
_DUMMY_HASH = generate_password_hash("not a password", method=PASSWORD_METHOD)


def find_user(email: str) -> User | None:
    try:
        email = normalize_email(email)
    except ServiceError:
        return None
    return db.session.scalar(db.select(User).where(User.email == email))


def authenticate(email: str, password: str) -> User | None:
    """The active account with this e-mail and password, or None whatever was wrong."""
    user = find_user(email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(
            _("The password needs at least %(count)s characters.", count=MIN_PASSWORD_LENGTH),
            field="password",
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ServiceError(
            _("The password may have at most %(count)s characters.", count=MAX_PASSWORD_LENGTH),
            field="password",
        )


def create_user(email: str, role: Role, password: str, actor: User | None = None) -> User:
    email = normalize_email(email)
    check_password_strength(password)
    if db.session.scalar(db.select(User.id).where(User.email == email)) is not None:
        raise ServiceError(_("An account with this e-mail already exists."), field="email")
    user = User(email=email, role=role, session_generation=0)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record_event(actor, "create", user, label=email, after={"email": email, "role": role.value})
    db.session.commit()
    return user


def change_password(user: User, new_password: str, actor: User | None = None) -> None:
    """Set a new password; every other session of the account is logged out."""
    check_password_strength(new_password)
    user.set_password(new_password)
    record_event(actor, "change_password", user, label=user.email)
    db.session.commit()


def set_preferred_locale(user: User, locale: str | None) -> None:
    if locale is not None and locale not in INTERFACE_LANGUAGES:
        raise ServiceError(_("This language is not available."), field="locale")
    before = user.locale
    user.locale = locale
    record_event(
        user,
        "set_locale",
        user,
        label=user.email,
        before={"locale": before},
        after={"locale": locale},
    )
    db.session.commit()


def deactivate_user(user: User, actor: User | None = None) -> None:
    """Block the account at once, including sessions already open."""
    user.active = False
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


def list_users() -> list[User]:
    return list(db.session.scalars(db.select(User).order_by(User.email)))
