"""Logging in, changing one's password, preferences. Creating and managing accounts is the
``users`` area's."""

from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from ..audit import record_event
from ..config import INTERFACE_LANGUAGES
from ..extensions import db
from ..models import PASSWORD_METHOD, User, utcnow
from ..service_errors import ServiceError
from ..values import normalize_email
from . import throttle
from .throttle import TooManyFailedLogins as TooManyFailedLogins

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


def authenticate(email: str, password: str, client_address: str | None = None) -> User | None:
    """The active account with this e-mail and password, or None whatever was wrong.

    Failures are limited per account and per client address: past the limits, it raises
    ``TooManyFailedLogins`` without checking the password, so the refusal says nothing about
    it (``throttle``).
    """
    attempt = throttle.begin_attempt(email, client_address)
    user = _check_credentials(email, password)
    if user is None:
        throttle.failed(attempt)
        return None
    throttle.succeeded(attempt)
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def _check_credentials(email: str, password: str) -> User | None:
    user = find_user(email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not user.check_password(password) or not user.active:
        return None
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


def change_password(user: User, new_password: str, actor: User | None = None) -> None:
    """Set a new password of the account holder's choosing: every other session of the
    account is logged out, and a one-time password no longer has to be replaced."""
    check_password_strength(new_password)
    if user.check_password(new_password):
        raise ServiceError(
            _("The new password must differ from the current one."), field="password"
        )
    user.set_password(new_password)
    user.must_change_password = False
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
