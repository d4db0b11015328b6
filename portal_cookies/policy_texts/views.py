"""The policy page's own texts: its sections, in the source language."""

from flask import Blueprint

from ..access import require_login

bp = Blueprint("policy_texts", __name__, url_prefix="/admin/policy-texts")
bp.before_request(require_login)


@bp.get("/")
def index():
    return "policy texts"
