"""The translation workspace: the queue, the editor, history, review and file exchange.

Everyone logged in translates; approving and changing source texts need an editor role.
"""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from .. import checks
from ..access import current_actor, editors_only, require_login
from ..contexts import context_of
from ..extensions import db
from ..forms import DismissForm
from ..lookup import get_or_404, read_id
from ..models import TextUnit, TextVersion
from ..portal import get_settings
from ..service_errors import ServiceError
from ..texts import TextConflict, TextStatus, status_of
from ..word_diff import word_diff
from . import exchange, services
from .forms import (
    ExportForm,
    ImportForm,
    QueueForm,
    TranslationForm,
    VersionActionForm,
)

bp = Blueprint("translation", __name__, url_prefix="/admin/translation")
bp.before_request(require_login)


def _unit(unit_id: int) -> TextUnit:
    return get_or_404(TextUnit, unit_id)


def _queue_form(language: str | None = None) -> QueueForm:
    """The queue's filters, read from the query string once per request (its choices are read
    from the database). In the editor, the queue is the edited language's: the address says
    which, and a ``language`` in the query string is ignored."""
    key = f"queue_form_{language}"
    if key not in g:
        formdata = request.args.copy()
        if language is not None:
            formdata.setlist("language", [language])
        setattr(g, key, QueueForm(formdata=formdata))
    return g.get(key)


def _editor_args(language: str) -> dict[str, str]:
    """The filters the editor's links carry along, those understood; the language is in the
    address itself."""
    form = _queue_form(language)
    form.read()
    return form.query_args(leave_out=("language",))


@bp.get("/")
def index():
    form = _queue_form()
    params = form.params()
    settings = get_settings()
    page = (
        services.queue_page(
            params, form.page.data or 1, current_app.config["TRANSLATION_PAGE_SIZE"]
        )
        if params
        else None
    )
    return render_template(
        "translation/index.html",
        form=form,
        params=params,
        page=page,
        args=form.query_args(leave_out=("language",)),
        page_args=form.query_args(),
        progress=services.measure_progress(services.target_languages(settings)),
        settings=settings,
    )


Neighbours = tuple[services.QueueItem | None, services.QueueItem | None]


def _neighbours(unit: TextUnit, language: str) -> Neighbours:
    """The texts before and after this one in the queue the editor moves along: the current
    filters, in the edited language."""
    params = _queue_form(language).params()
    if params is None or params.language != language:
        return None, None
    return services.queue_neighbours(params, unit.id)


def _editor_page(
    unit, language, form, *, context=None, conflict=None, status_code=200, neighbours=None
):
    context = context or services.translatable_context(unit, language)
    previous, following = _neighbours(unit, language) if neighbours is None else neighbours
    current = unit.current_version(language)
    status = status_of(unit, language)
    outdated_diff = None
    if status == TextStatus.OUTDATED and current is not None:
        outdated_diff = word_diff(current.source_text or "", unit.source_text)
    settings = get_settings()
    return render_template(
        "translation/edit.html",
        unit=unit,
        language=language,
        context=context,
        form=form,
        current=current,
        status=status,
        outdated_diff=outdated_diff,
        problems=checks.check_translation(unit, language),
        suggestions=services.suggest_translations(unit, language),
        previous=previous,
        following=following,
        args=_editor_args(language),
        action_form=VersionActionForm(base_version_id=current.id if current else ""),
        dismiss_form=DismissForm(formdata=None),
        conflict=conflict,
        review_required=settings.review_required,
        can_review=current_user.is_editor,
    ), status_code


def _editor_url(unit_id: int, language: str, args: dict[str, str]) -> str:
    return url_for("translation.edit", unit_id=unit_id, language=language, **args)


def _prefilled_form(unit: TextUnit, language: str) -> TranslationForm:
    """The editor's form: the current text, or the source or a memory text when asked for."""
    current = unit.current_version(language)
    form = TranslationForm(
        text=current.text if current else "", base_version_id=current.id if current else ""
    )
    if request.args.get("copy") == "source":
        form.text.data = unit.source_text
    memory_id = read_id(request.args.get("memory"))
    if memory_id is not None:
        suggestion = db.session.get(TextVersion, memory_id)
        if suggestion is not None and suggestion.language == language:
            form.text.data = suggestion.text
            form.memory_version_id.data = str(suggestion.id)
    return form


@bp.route("/<int:unit_id>/<language>", methods=["GET", "POST"])
def edit(unit_id: int, language: str):
    unit = _unit(unit_id)
    try:
        context = services.translatable_context(unit, language)
    except ServiceError:
        abort(404)
    if request.method == "GET":
        return _editor_page(unit, language, _prefilled_form(unit, language), context=context)
    form = TranslationForm()
    if not form.validate_on_submit():
        return _editor_page(unit, language, form, context=context, status_code=422)
    # The next text is the one after this in the queue as it was: once saved, this text may
    # leave the filter (it is no longer missing).
    neighbours = _neighbours(unit, language)
    following = neighbours[1]
    memory_id = read_id(form.memory_version_id.data)
    memory = db.session.get(TextVersion, memory_id) if memory_id is not None else None
    try:
        services.save_translation(
            unit,
            language,
            form.text.data or "",
            base_version_id=read_id(form.base_version_id.data),
            actor=current_actor(),
            from_memory=memory,
        )
    except TextConflict as conflict:
        unit = _unit(unit_id)
        return _editor_page(
            unit,
            language,
            _conflict_form(conflict),
            conflict=conflict,
            status_code=409,
            neighbours=neighbours,
        )
    except ServiceError as error:
        form.add_refusal(error)
        return _editor_page(unit, language, form, status_code=422, neighbours=neighbours)
    flash(_("Translation saved."), "success")
    args = _editor_args(language)
    if not form.save_next.data:
        return redirect(_editor_url(unit.id, language, args))
    if following is None:
        flash(_("That was the last text of this list."), "info")
        return redirect(url_for("translation.index", language=language, **args))
    return redirect(_editor_url(following.unit.id, language, args))


def _conflict_form(conflict: TextConflict) -> TranslationForm:
    """Their text is now current; the form keeps ours, to save over theirs on purpose."""
    theirs = conflict.current
    return TranslationForm(
        formdata=None, text=conflict.attempted_text, base_version_id=theirs.id if theirs else ""
    )


def _base_version_id(form: VersionActionForm) -> int | None:
    """The version the page showed as current, or None, said, when the form does not name one."""
    base_version_id = read_id(form.base_version_id.data) if form.validate_on_submit() else None
    if base_version_id is None:
        flash(_("The form did not say which version you saw; look at the text again."), "error")
    return base_version_id


def _version_action(unit_id: int, language: str, action, message: str):
    unit = _unit(unit_id)
    form = VersionActionForm()
    args = _editor_args(language)
    base_version_id = _base_version_id(form)
    if base_version_id is not None:
        try:
            action(unit, language, base_version_id=base_version_id, actor=current_actor())
            flash(message, "success")
        except TextConflict:
            flash(_("Someone saved this text meanwhile; look at it again."), "error")
        except ServiceError as error:
            flash(error.message, "error")
    return redirect(_editor_url(unit_id, language, args))


@bp.post("/<int:unit_id>/<language>/confirm")
def confirm(unit_id: int, language: str):
    return _version_action(
        unit_id, language, services.confirm_still_correct, _("Confirmed as still correct.")
    )


@bp.post("/<int:unit_id>/<language>/approve")
@editors_only
def approve(unit_id: int, language: str):
    return _version_action(
        unit_id, language, services.approve_translation, _("Translation approved.")
    )


@bp.post("/<int:unit_id>/<language>/dismiss")
def dismiss(unit_id: int, language: str):
    unit = _unit(unit_id)
    DismissForm().dismiss(actor=current_actor(), unit=unit, language=language)
    return redirect(_editor_url(unit_id, language, _editor_args(language)))


@bp.get("/<int:unit_id>/<language>/history")
def history(unit_id: int, language: str):
    unit = _unit(unit_id)
    settings = get_settings()
    if language not in settings.enabled_languages:
        abort(404)
    current = unit.current_version(language)
    return render_template(
        "translation/history.html",
        unit=unit,
        language=language,
        context=context_of(unit),
        items=services.text_history(unit, language),
        action_form=VersionActionForm(base_version_id=current.id if current else ""),
        can_revert=language != unit.source_language or current_user.is_editor,
    )


@bp.post("/<int:unit_id>/<language>/revert/<int:version_id>")
def revert(unit_id: int, language: str, version_id: int):
    unit = _unit(unit_id)
    version = get_or_404(TextVersion, version_id)
    if version.unit_id != unit.id or version.language != language:
        abort(404)
    base_version_id = _base_version_id(VersionActionForm())
    if base_version_id is not None:
        try:
            services.revert_to(version, base_version_id=base_version_id, actor=current_actor())
            flash(_("The text is back to that version."), "success")
        except TextConflict:
            flash(_("Someone saved this text meanwhile; look at it again."), "error")
        except ServiceError as error:
            flash(error.message, "error")
    return redirect(url_for("translation.history", unit_id=unit_id, language=language))


@bp.get("/export")
def export():
    form = ExportForm(formdata=request.args)
    if request.args and form.validate():
        try:
            data = exchange.export_po(form.language.data)
        except ServiceError as error:
            flash(error.message, "error")
        else:
            filename = exchange.export_filename(form.language.data)
            return (
                data,
                200,
                {
                    "Content-Type": "text/x-gettext-translation; charset=utf-8",
                    "Content-Disposition": f'attachment; filename="{filename}"',
                },
            )
    return render_template(
        "translation/exchange.html", export_form=form, import_form=ImportForm(), report=None
    )


@bp.post("/import")
def import_file():
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        try:
            report = exchange.import_po(form.file.data.read(), actor=current_actor())
        except ServiceError as error:
            form.file.errors = [*form.file.errors, error.message]
    return render_template(
        "translation/exchange.html",
        export_form=ExportForm(formdata=None),
        import_form=form,
        report=report,
    ), (200 if report or not form.errors else 422)
