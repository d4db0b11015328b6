"""Publishing: preview the draft, check it, publish it, and look after published versions.

Everyone logged in may look; publishing and rolling back need an editor role.
"""

from typing import NamedTuple

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from .. import checks
from ..access import current_actor, editors_only, require_login
from ..lookup import list_page
from ..models import PolicyVersion, Role
from ..portal import get_settings
from ..service_errors import ServiceError
from . import services
from .forms import PublishForm, RollbackForm
from .render import Preview

bp = Blueprint("publishing", __name__, url_prefix="/admin/publishing")
bp.before_request(require_login)

MAX_NUMBER = 2**31 - 1
# The gate's problems per page; each list of changes shows this many before "show all".
GATE_PAGE_SIZE = 50
DIFF_FOLD = 50


def _version(number: int) -> PolicyVersion:
    version = services.get_version(number) if 0 < number <= MAX_NUMBER else None
    if version is None:
        abort(404)
    return version


class GateRow(NamedTuple):
    """A line of the gate report as the problem list shows it, with where to fix it."""

    problem: checks.Problem
    text: str
    link: str | None


def fix_link(line: services.GateLine, source_language: str) -> str | None:
    """Where to fix a problem: the translation editor, the inventory page it is about, or the
    setting's field on the settings page (for those who may open it: administrators)."""
    problem = line.problem
    if problem.setting:
        if current_user.role != Role.ADMIN:
            return None
        return url_for("settings.index", _anchor=problem.setting)
    if line.unit_id is not None and problem.language and problem.language != source_language:
        return url_for("translation.edit", unit_id=line.unit_id, language=problem.language)
    if problem.entry_id:
        return url_for("inventory.update", entry_id=problem.entry_id) + "#problems"
    if line.edit_endpoint:
        endpoint, values = line.edit_endpoint
        return url_for(endpoint, **values)
    return None


def _publish_form() -> PublishForm:
    settings = get_settings()
    return PublishForm.for_languages(settings.enabled_languages, settings.source_language)


def _rollback_form() -> RollbackForm:
    settings = get_settings()
    return RollbackForm.for_languages(settings.enabled_languages, settings.source_language)


def _gate_rows(lines: list[services.GateLine], source_language: str) -> list[GateRow]:
    return [GateRow(line.problem, line.text, fix_link(line, source_language)) for line in lines]


def _index_page(form: PublishForm, status_code: int = 200):
    settings = get_settings()
    report = services.draft_report()
    # The gate's lines a page at a time, and the blocking ones folded after the first few:
    # a draft of thousands of texts can have thousands of problems.
    gate = list_page(report.lines, request.args.get("page", 1, type=int), GATE_PAGE_SIZE)
    blocking = report.blocking
    return render_template(
        "publishing/index.html",
        form=form,
        current=services.current_version(),
        lines=_gate_rows(gate.items, settings.source_language),
        gate=gate,
        blocking=_gate_rows(blocking[:GATE_PAGE_SIZE], settings.source_language),
        blocking_count=len(blocking),
        problems=report.problems,
        nothing_to_publish=report.nothing_to_publish,
        diff=report.diff,
        renewal_reasons=report.renewal_reasons,
        diff_limit=None if request.args.get("changes") == "all" else DIFF_FOLD,
        languages=settings.enabled_languages,
    ), status_code


@bp.get("/")
def index():
    return _index_page(_publish_form())


def _preview() -> Preview:
    """The preview's addresses: its pages and change log in each language, and the way back."""
    return Preview(
        page=lambda language: url_for("publishing.preview", language=language),
        changes=lambda language: url_for("publishing.preview_changes", language=language),
        back=url_for("publishing.index"),
    )


def _enabled(language: str) -> str:
    if language not in get_settings().enabled_languages:
        abort(404)
    return language


@bp.get("/preview/<language>")
def preview(language: str):
    return services.preview_page(_enabled(language), _preview())


@bp.get("/preview/<language>/changes")
def preview_changes(language: str):
    return services.preview_changes(_enabled(language), _preview())


@bp.post("/publish")
@editors_only
def publish():
    form = _publish_form()
    if form.validate_on_submit():
        try:
            version = services.publish_policy(
                note=form.note.data,
                note_translations=form.note_translations(),
                actor=current_actor(),
                renewal_override=form.renewal_override(),
                override_reason=form.override_reason.data or None,
            )
        except services.GateRefusal:
            # The page lists the errors beside the form, each with its way to fix it.
            return _index_page(form, 422)
        except ServiceError as error:
            form.add_refusal(error)
            return _index_page(form, 422)
        flash(_("Version %(number)s is published.", number=version.number), "success")
        return redirect(url_for("publishing.history"))
    return _index_page(form, 422)


class HistoryRow(NamedTuple):
    version: PolicyVersion
    note: str
    # The note's language when it is not the reader's (no note in theirs).
    note_language: str | None


@bp.get("/history")
def history():
    settings = get_settings()
    reader = str(get_locale())
    return render_template(
        "publishing/history.html",
        rows=[
            HistoryRow(version, *version.note_in(reader, settings.source_language))
            for version in services.list_versions()
        ],
        languages=settings.enabled_languages,
    )


@bp.get("/compare")
def compare_versions():
    numbers = [request.args.get(name, "") for name in ("from", "to")]
    if not all(number.isdigit() for number in numbers):
        flash(_("Choose two versions to compare."), "error")
        return redirect(url_for("publishing.history"))
    older, newer = (_version(int(number)) for number in numbers)
    return render_template(
        "publishing/compare.html",
        older=older,
        newer=newer,
        diff=services.compare_versions(older, newer),
        diff_limit=None if request.args.get("changes") == "all" else DIFF_FOLD,
        languages=get_settings().enabled_languages,
    )


def _rollback_page(version: PolicyVersion, form: RollbackForm, status_code: int = 200):
    try:
        plan = services.plan_rollback(version)
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(url_for("publishing.history"))
    current = services.current_version()
    return render_template(
        "publishing/rollback.html",
        version=version,
        current=current,
        plan=plan,
        form=form,
        languages=get_settings().enabled_languages,
    ), status_code


@bp.get("/versions/<int:number>/rollback")
@editors_only
def confirm_rollback(number: int):
    return _rollback_page(_version(number), _rollback_form())


@bp.post("/versions/<int:number>/rollback")
@editors_only
def rollback(number: int):
    version = _version(number)
    form = _rollback_form()
    if not form.validate_on_submit():
        return _rollback_page(version, form, 422)
    try:
        restored = services.rollback_to(
            version,
            note=form.note.data,
            note_translations=form.note_translations(),
            actor=current_actor(),
        )
    except ServiceError as error:
        form.add_refusal(error)
        return _rollback_page(version, form, 422)
    flash(
        _(
            "The draft is version %(old)s's content again, published as version %(new)s.",
            old=version.number,
            new=restored.number,
        ),
        "success",
    )
    return redirect(url_for("publishing.history"))
