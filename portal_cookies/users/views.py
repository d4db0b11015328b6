"""Accounts in the browser: list, create, change role, deactivate, reactivate, reset.

There is no mail server: a new account's or a reset's one-time password is shown once, on the
page that answers the POST, and never kept anywhere else (no flash, no session, no address).
"""

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..access import current_actor, require_login, role_required
from ..labels import label_of
from ..lookup import get_or_404
from ..models import Role, User
from ..service_errors import ServiceError
from . import services
from .forms import AccountForm, RoleForm

bp = Blueprint("users", __name__, url_prefix="/admin/users")
bp.before_request(require_login)

admins_only = role_required(Role.ADMIN)


@bp.get("/")
@admins_only
def index():
    return render_template("users/index.html", users=services.list_users())


@bp.route("/new", methods=["GET", "POST"])
@admins_only
def create():
    form = AccountForm()
    if form.validate_on_submit():
        try:
            user, password = services.create_account(
                form.email.data, form.role.data, actor=current_actor()
            )
        except ServiceError as error:
            form.add_refusal(error)
        else:
            return _one_time_password_page(user, password, created=True)
    return render_template("users/create.html", form=form)


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@admins_only
def update(user_id: int):
    """The account's page: its details, its role, the buttons that act on it."""
    user = get_or_404(User, user_id)
    # A submitted form holds only what was posted: a missing role is an error, not the old one.
    form = RoleForm(data=None if request.method == "POST" else {"role": user.role})
    if form.validate_on_submit():
        try:
            services.change_role(user, form.role.data, actor=current_actor())
        except ServiceError as error:
            form.add_refusal(error)
        else:
            flash(
                _("%(email)s is now %(role)s.", email=user.email, role=label_of(user.role)),
                "success",
            )
            # Administrators who gave up their own role may no longer see this page.
            if user.role != Role.ADMIN and user == current_actor():
                return redirect(url_for("dashboard.index"))
            return redirect(url_for(".update", user_id=user.id))
    return render_template("users/account.html", user=user, form=form)


@bp.post("/<int:user_id>/deactivate")
@admins_only
def deactivate(user_id: int):
    user = get_or_404(User, user_id)
    try:
        services.deactivate(user, actor=current_actor())
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(_("%(email)s is deactivated and logged out.", email=user.email), "success")
    return redirect(url_for(".update", user_id=user.id))


@bp.post("/<int:user_id>/reactivate")
@admins_only
def reactivate(user_id: int):
    user = get_or_404(User, user_id)
    try:
        services.reactivate(user, actor=current_actor())
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(_("%(email)s may log in again.", email=user.email), "success")
    return redirect(url_for(".update", user_id=user.id))


@bp.post("/<int:user_id>/reset-password")
@admins_only
def reset_password(user_id: int):
    user = get_or_404(User, user_id)
    try:
        password = services.reset_password(user, actor=current_actor())
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(url_for(".update", user_id=user.id))
    return _one_time_password_page(user, password, created=False)


def _one_time_password_page(user: User, password: str, *, created: bool):
    """The only place the one-time password ever shows: not stored, so not cached either."""
    response = make_response(
        render_template("users/password.html", user=user, password=password, created=created)
    )
    response.headers["Cache-Control"] = "no-store"
    return response
