"""The audit log: who changed what, when, with the values before and after.

Administrators and operators read it; nobody changes it.
"""

from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _

from ..access import editors_only, require_login
from ..lookup import paginate
from . import services
from .forms import AuditFilterForm

bp = Blueprint("audit_log", __name__, url_prefix="/admin/audit")
bp.before_request(require_login)


def _address(link: services.Link | None) -> str | None:
    """The address of a link; none for a page this installation does not serve."""
    if link is None or link.endpoint not in current_app.view_functions:
        return None
    return url_for(link.endpoint, **link.values)


@bp.get("/")
@editors_only
def index():
    form = AuditFilterForm(formdata=request.args)
    filters = form.filters()
    page = paginate(
        services.search_events(filters),
        form.page.data or 1,
        current_app.config["AUDIT_LOG_PAGE_SIZE"],
    )
    rows = services.readable_events(page.items)
    return render_template(
        "audit_log/index.html",
        form=form,
        page=page,
        rows=rows,
        addresses={row.event.id: _address(row.link) for row in rows},
        args=form.query_args(),
        time_zone=str(services.portal_time_zone()),
    )


@bp.get("/export")
@editors_only
def export():
    form = AuditFilterForm(formdata=request.args)
    filters = form.filters()
    if form.errors:
        # A file of other events than asked would mislead: the page says what is wrong.
        flash(_("Nothing was downloaded: part of the filters was not understood."), "error")
        # The filters as they came: url_for would read some names (_external...) as its own.
        return redirect(f"{url_for('.index')}?{urlencode(list(request.args.items(multi=True)))}")
    return Response(
        stream_with_context(services.export_csv(filters)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{services.export_filename()}"'},
    )
