"""Accounts in the browser: list, create, change role, deactivate, reactivate, reset."""

from flask import Blueprint

from ..access import require_login, role_required
from ..models import Role

bp = Blueprint("users", __name__, url_prefix="/admin/users")
bp.before_request(require_login)


@bp.get("/")
@role_required(Role.ADMIN)
def index():
    return "accounts"
