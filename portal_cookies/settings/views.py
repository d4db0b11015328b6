"""The portal's settings in the browser."""

from flask import Blueprint

from ..access import require_login, role_required
from ..models import Role

bp = Blueprint("settings", __name__, url_prefix="/admin/settings")
bp.before_request(require_login)


@bp.route("/", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def index():
    return "settings"
