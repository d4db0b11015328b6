"""Who may see what: the login loader, and the role checks blueprints apply."""

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from .extensions import db, login_manager
from .models import Role, User

P = ParamSpec("P")
R = TypeVar("R")

EDITOR_ROLES = (Role.ADMIN, Role.OPERATOR)

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in to see this page.")
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Sessions name the user and their session generation; an old generation is logged out."""
    user_id, _sep, generation = session_id.partition(":")
    if not (user_id.isdigit() and generation.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_generation != int(generation):
        return None
    return user


def require_login() -> None:
    """A blueprint's ``before_request``: every view of it needs a logged-in user."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


def role_required(*roles: Role) -> Callable[[Callable[P, R]], Callable[P, R]]:
    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        @login_required
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
