"""Who may see what: the role checks blueprints apply, the person acting. Who is logged in
is ``login_sessions``'s to say."""

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import abort
from flask_login import current_user, login_required

from .extensions import login_manager
from .models import Role, User

P = ParamSpec("P")
R = TypeVar("R")


def require_login() -> None:
    """A blueprint's ``before_request``: every view of it needs a logged-in user."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


def role_required(*roles: Role | str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        @login_required
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


# The views that change the inventory, publish or roll back.
editors_only = role_required(*Role.EDITORS)


def current_actor() -> User:
    """The logged-in user as a model object, for the services' ``actor``."""
    return current_user._get_current_object()
