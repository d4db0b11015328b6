from flask import Blueprint, render_template

from .. import checks
from ..access import require_login
from . import services

bp = Blueprint("dashboard", __name__, url_prefix="/admin")
bp.before_request(require_login)


@bp.get("/")
def index():
    return render_template(
        "dashboard/index.html",
        overview=services.summarize_inventory(),
        review_months=checks.REVIEW_INTERVAL_MONTHS,
    )
