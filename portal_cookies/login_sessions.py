"""Logins kept on the server: logging out ends one for good, and an unused one expires.

Each login is a ``LoginSession`` row. The session cookie and the "keep me logged in" cookie
both carry the identity ``user_id:generation:token`` (``User.get_id``); the row stores only
the token's hash. A login holds while its row exists, the account is active and of the same
session generation (a new password, a reset or a deactivation bumps it), and either it was
used within ``SESSION_IDLE_TIMEOUT`` or it is remembered and ``REMEMBER_TOKEN_LIFETIME`` has
not passed since logging in. Logging out deletes the row: a copy of either cookie, taken
before, opens nothing afterwards.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, g, session
from flask_login import login_user, logout_user

from .extensions import db
from .i18n import SESSION_LOCALE_KEY
from .models import LoginSession, User, utcnow

# A login's last use is written at most this often, not on every request.
LAST_SEEN_PRECISION = timedelta(minutes=1)

# What a browser keeps of its session across logging in and out: the interface language it
# chose. Everything else goes, the CSRF secret included.
KEPT_ACROSS_LOGINS = (SESSION_LOCALE_KEY,)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _idle_timeout() -> timedelta:
    return timedelta(seconds=int(current_app.config["SESSION_IDLE_TIMEOUT"]))


def _is_current(login: LoginSession, now: datetime) -> bool:
    if now - login.last_seen_at < _idle_timeout():
        return True
    return login.remember_until is not None and now < login.remember_until


def load_user(identity: str) -> User | None:
    """Flask-Login's loader: the account of a login that still holds, else None."""
    user_id, _sep, rest = identity.partition(":")
    generation, _sep, token = rest.partition(":")
    if not (user_id.isdigit() and generation.isdigit() and token):
        return None
    found = db.session.execute(
        sa.select(User, LoginSession)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(LoginSession.token_hash == _token_hash(token), User.id == int(user_id))
    ).first()
    if found is None:
        return None
    user, login = found
    now = utcnow()
    if user.session_generation != int(generation) or not _is_current(login, now):
        # Neither comes back: generations only grow, and time only passes.
        _write(sa.delete(LoginSession).where(LoginSession.id == login.id))
        return None
    if not user.active:
        return None
    if now - login.last_seen_at >= LAST_SEEN_PRECISION:
        _write(sa.update(LoginSession).where(LoginSession.id == login.id).values(last_seen_at=now))
    user.login_token = token
    return user


def _write(statement: sa.Executable) -> None:
    """A write of the loader, in a transaction of its own: finding out who is logged in
    never commits (nor expires) the request's own work, and a row another request deleted
    meanwhile is no error."""
    with db.engine.begin() as connection:
        connection.execute(statement)


def open_login(user: User, *, remember: bool) -> None:
    """Record a new login of ``user``; its token becomes part of ``user.get_id()``.

    Logins that expired meanwhile are removed here, so the table holds the current ones.
    """
    token = secrets.token_urlsafe(32)
    now = utcnow()
    lifetime = timedelta(seconds=int(current_app.config["REMEMBER_TOKEN_LIFETIME"]))
    db.session.execute(
        sa.delete(LoginSession)
        .where(
            LoginSession.last_seen_at <= now - _idle_timeout(),
            sa.or_(LoginSession.remember_until.is_(None), LoginSession.remember_until <= now),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.add(
        LoginSession(
            user_id=user.id,
            token_hash=_token_hash(token),
            created_at=now,
            last_seen_at=now,
            remember_until=now + lifetime if remember else None,
        )
    )
    db.session.commit()
    user.login_token = token


def _renew_browser_session() -> None:
    """Start this browser's session afresh (but for its language): nothing set before
    logging in or out carries over, and Flask-WTF draws a new CSRF secret."""
    kept = {key: session[key] for key in KEPT_ACROSS_LOGINS if key in session}
    session.clear()
    session.update(kept)
    g.pop("csrf_token", None)


def log_in(user: User, *, remember: bool) -> None:
    """Log ``user`` in in this browser, as a new login with a new session."""
    _renew_browser_session()
    open_login(user, remember=remember)
    login_user(user, remember=remember)


def log_out(user: User) -> None:
    """End this browser's login: its row goes, so neither of its cookies opens anything."""
    if user.login_token is not None:
        db.session.execute(
            sa.delete(LoginSession).where(LoginSession.token_hash == _token_hash(user.login_token))
        )
        db.session.commit()
    _renew_browser_session()
    logout_user()


def keep_this_login(user: User) -> None:
    """After ``user``'s session generation grew (a new password): this browser's login goes
    on under the new generation; the account's other logins end."""
    token_hash = _token_hash(user.login_token or "")
    this_login = db.session.scalar(
        sa.select(LoginSession).where(LoginSession.token_hash == token_hash)
    )
    db.session.execute(
        sa.delete(LoginSession).where(
            LoginSession.user_id == user.id, LoginSession.token_hash != token_hash
        )
    )
    db.session.commit()
    if this_login is None:
        return
    # The cookies now carry the new generation; a remember cookie keeps its original end.
    now = utcnow()
    if this_login.remember_until is not None and this_login.remember_until > now:
        login_user(user, remember=True, duration=this_login.remember_until - now)
    else:
        login_user(user)
