"""The portal's settings in the browser: administrators only."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..access import current_actor, require_login, role_required
from ..i18n import time_zones
from ..models import Role
from ..portal import get_settings, source_language_is_fixed, update_portal
from ..service_errors import ServiceError
from .forms import SettingsForm

bp = Blueprint("settings", __name__, url_prefix="/admin/settings")
bp.before_request(require_login)


@bp.route("/", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def index():
    source_fixed = source_language_is_fixed()
    form = SettingsForm(settings=get_settings(), source_fixed=source_fixed)
    if form.validate_on_submit():
        try:
            update_portal(
                actor=current_actor(),
                confirm_disabling=form.confirm_disabling.data,
                **form.values(),
            )
        except ServiceError as error:
            form.add_refusal(error)
        else:
            flash(
                _(
                    "Settings saved. What the policy page shows of them reaches visitors "
                    "with the next publication."
                ),
                "success",
            )
            return redirect(url_for(".index"))
    return render_template(
        "settings/index.html",
        form=form,
        source_fixed=source_fixed,
        time_zones=sorted(time_zones()),
    )
