"""The audit log: who changed what, when, with the values before and after."""

from flask import Blueprint

from ..access import editors_only, require_login

bp = Blueprint("audit_log", __name__, url_prefix="/admin/audit")
bp.before_request(require_login)


@bp.get("/")
@editors_only
def index():
    return "audit"
