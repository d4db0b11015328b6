from urllib.parse import urlsplit

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import login_sessions
from ..access import current_actor
from ..i18n import SESSION_LOCALE_KEY
from ..service_errors import ServiceError
from ..visitors import is_public_request
from . import services
from .forms import LanguageSwitchForm, LoginForm, PasswordChangeForm, PreferencesForm

bp = Blueprint("auth", __name__)

# What someone holding a one-time password may still open: the page to replace it, the way
# out, the language switch, and what those pages need.
OPEN_BEFORE_NEW_PASSWORD = frozenset(
    {"auth.account", "auth.logout", "auth.set_language", "auth.login", "static"}
)


@bp.before_app_request
def require_own_password():
    """After logging in with a one-time password, every page leads to choosing a new one."""
    # Public addresses never read the session (no cookie may be set there).
    if is_public_request() or request.endpoint in OPEN_BEFORE_NEW_PASSWORD:
        return None
    if current_user.is_authenticated and current_user.must_change_password:
        return redirect(url_for("auth.account"))
    return None


def safe_next(target: str | None, default: str) -> str:
    """Follow ``next`` only to a path on this site, never to another host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    # Control characters: browsers drop tabs and newlines (``/\t/evil.example`` becomes
    # ``//evil.example``), and a newline cannot go into a Location header at all.
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    default = url_for("dashboard.index")
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), default))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data, request.remote_addr)
        except services.TooManyFailedLogins as refusal:
            form.form_errors.append(refusal.message)
            retry = {"Retry-After": str(refusal.retry_after)}
            return render_template("auth/login.html", form=form), 429, retry
        if user is not None:
            login_sessions.log_in(user, remember=form.remember.data)
            flash(_("You are logged in."), "success")
            return redirect(safe_next(form.next.data, default))
        form.form_errors.append(_("Wrong e-mail or password, or the account is disabled."))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    login_sessions.log_out(current_actor())
    flash(_("You are logged out."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    password_form = PasswordChangeForm(current_user)
    preferences_form = PreferencesForm(locale=current_user.locale or "")
    if password_form.submit_password.data and password_form.validate_on_submit():
        was_one_time = current_user.must_change_password
        try:
            services.change_password(
                current_user, password_form.new_password.data, actor=current_user
            )
        except ServiceError as error:
            password_form.new_password.errors = [*password_form.new_password.errors, error.message]
        else:
            login_sessions.keep_this_login(current_actor())
            flash(_("Your password was changed. Other sessions were logged out."), "success")
            return redirect(url_for("dashboard.index" if was_one_time else "auth.account"))
    if preferences_form.submit_preferences.data and preferences_form.validate_on_submit():
        services.set_preferred_locale(current_user, preferences_form.locale.data or None)
        flash(_("Your preferences were saved."), "success")
        return redirect(url_for("auth.account"))
    return render_template(
        "auth/account.html", password_form=password_form, preferences_form=preferences_form
    )


@bp.post("/language")
def set_language():
    """The language switch on every page: saved to the account, or to the session."""
    form = LanguageSwitchForm()
    target = safe_next(form.next.data, url_for("dashboard.index"))
    if not form.validate_on_submit():
        flash(_("This language is not available."), "error")
        return redirect(target)
    if current_user.is_authenticated:
        try:
            services.set_preferred_locale(current_user, form.language.data)
        except ServiceError as error:
            flash(error.message, "error")
    else:
        session[SESSION_LOCALE_KEY] = form.language.data
    return redirect(target)
