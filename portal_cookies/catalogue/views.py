"""The catalogue of known cookies, as the entry form asks it for suggestions.

Editors only: suggestions serve to fill an entry, which only they change.
"""

from flask import Blueprint, jsonify, request

from ..access import editors_only, require_login
from . import services
from .forms import SuggestQueryForm

bp = Blueprint("catalogue", __name__, url_prefix="/admin/catalogue")
bp.before_request(require_login)


@bp.get("/suggest")
@editors_only
def suggest():
    """JSON: what the catalogue suggests for ``name`` (set by ``domain``), the surest first."""
    form = SuggestQueryForm(formdata=request.args)
    if not form.validate():
        errors = [message for field in form for message in field.errors]
        return jsonify(error=" ".join(errors), suggestions=[]), 400
    name, domain = form.name.data or "", form.domain.data or None
    return jsonify(name=name, suggestions=services.suggestion_data(services.suggest(name, domain)))
