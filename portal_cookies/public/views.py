"""What anyone may read without logging in. Nothing here may set a cookie."""

from flask import Blueprint

from . import services

bp = Blueprint("public", __name__)


@bp.get("/healthz")
def healthz():
    """For load balancers: the process answers and the database is reachable."""
    if services.database_is_reachable():
        return {"status": "ok", "database": "ok"}, 200
    return {"status": "error", "database": "unreachable"}, 503
