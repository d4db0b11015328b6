"""The inventory as a file: the export and the import, previewed before it is applied."""

from flask import (
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from ..access import current_actor, editors_only
from ..service_errors import ServiceError
from . import services
from .forms import (
    ConfirmImportForm,
    ExportForm,
    ImportForm,
)
from .views import bp

# --- Exchange: the inventory as a file ----------------------------------------------------

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def _exchange_page(
    export_form: ExportForm | None = None, import_form: ImportForm | None = None, status=200
):
    return render_template(
        "inventory/exchange.html",
        export_form=export_form or ExportForm(formdata=None),
        import_form=import_form or ImportForm(formdata=None),
    ), status


def _preview_page(preview: services.ImportPreview, form: ConfirmImportForm, filename: str):
    return render_template(
        "inventory/import_preview.html", preview=preview, form=form, filename=filename
    )


@bp.get("/exchange")
@editors_only
def exchange():
    return _exchange_page()


@bp.get("/export")
@editors_only
def export():
    form = ExportForm(formdata=request.args)
    if request.args and form.validate():
        try:
            data = services.export_inventory(form.format.data, bom=form.bom.data)
        except ServiceError as error:
            form.add_refusal(error)
        else:
            filename = services.export_filename(form.format.data)
            return (
                data,
                200,
                {
                    "Content-Type": CONTENT_TYPES[form.format.data],
                    "Content-Disposition": f'attachment; filename="{filename}"',
                },
            )
    return _exchange_page(export_form=form, status=422 if request.args else 200)


@bp.post("/import")
@editors_only
def import_file():
    """Read the uploaded file and show what importing it would do; it waits on the server
    for the confirmation, named by a token only its uploader can use."""
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        # One byte past the limit is enough to refuse the file as too large.
        data = upload.read(services.MAX_IMPORT_SIZE + 1)
        try:
            preview = services.preview_import(data)
        except ServiceError as error:
            form.add_refusal(error)
        else:
            filename = upload.filename or ""
            token = services.hold_import(data, filename, actor=current_actor())
            return _preview_page(preview, ConfirmImportForm(formdata=None, token=token), filename)
    return _exchange_page(import_form=form, status=422)


@bp.post("/import/confirm")
@editors_only
def confirm_import():
    form = ConfirmImportForm()
    try:
        if not form.validate_on_submit():
            raise ServiceError(_("The import was not confirmed. Upload the file again."))
        pending = services.held_import(form.token.data, actor=current_actor())
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(url_for(".exchange"))
    data, filename = pending.data, pending.filename
    try:
        preview = services.apply_import(
            data, skip_invalid=form.skip_invalid.data, actor=current_actor()
        )
    except ServiceError as error:
        form.add_refusal(error)
        try:
            return _preview_page(services.preview_import(data), form, filename), 422
        except ServiceError as unreadable:  # the portal's languages changed meanwhile
            flash(unreadable.message, "error")
            return redirect(url_for(".exchange"))
    services.drop_import(pending)
    counts = preview.counts
    flash(
        _(
            "Imported %(filename)s: %(new)s new, %(changed)s changed, %(unchanged)s "
            "unchanged, %(invalid)s invalid skipped.",
            filename=filename,
            new=counts[services.ImportStatus.NEW],
            changed=counts[services.ImportStatus.CHANGED],
            unchanged=counts[services.ImportStatus.UNCHANGED],
            invalid=counts[services.ImportStatus.INVALID],
        ),
        "success",
    )
    return redirect(url_for(".index"))
