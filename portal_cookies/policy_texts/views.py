"""The policy page's own texts: its sections, in the source language.

Everyone logged in reads them (translators, as the context of their work); changing them needs
an editor role (administrator or operator).
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import checks
from ..access import current_actor, editors_only, require_login
from ..contexts import section_name, section_name_language
from ..forms import MoveForm
from ..lookup import get_or_404
from ..models import PolicyText
from ..portal import get_settings
from ..service_errors import ServiceError
from ..texts import TextConflict
from . import services
from .forms import SectionForm

bp = Blueprint("policy_texts", __name__, url_prefix="/admin/policy-texts")
bp.before_request(require_login)


@bp.get("/")
def index():
    return render_template("policy_texts/index.html", rows=services.section_rows())


def _section_page(
    section: PolicyText | None,
    form: SectionForm | None,
    conflict: TextConflict | None = None,
    status_code: int = 200,
):
    """A section's page: its form (None: read-only), its translations and its problems."""
    problems = services.section_problems(section) if section else []
    return render_template(
        "policy_texts/section.html",
        section=section,
        name=section_name(section) if section else None,
        name_language=section_name_language(section) if section else None,
        is_page_title=section is not None and services.is_page_title(section),
        form=form,
        conflict=conflict,
        settings=get_settings(),
        states=services.translation_states(section) if section else {},
        problem_groups=checks.grouped(problems),
    ), status_code


@bp.route("/new", methods=["GET", "POST"])
@editors_only
def create():
    form = SectionForm()
    if form.validate_on_submit():
        try:
            section = services.create_section(**form.values(), actor=current_actor())
        except ServiceError as error:
            form.add_refusal(error)
        else:
            flash(_("Section “%(name)s” added.", name=section_name(section)), "success")
            return redirect(url_for(".update", text_id=section.id))
    return _section_page(None, form)


@bp.route("/<int:text_id>", methods=["GET", "POST"])
def update(text_id: int):
    """The section's form; read-only for the roles that may not change the policy's texts."""
    section = get_or_404(PolicyText, text_id)
    if not current_user.is_editor:
        if request.method != "GET":
            abort(403)
        return _section_page(section, None)
    form = SectionForm(section=section)
    if form.validate_on_submit():
        try:
            services.update_section(
                section,
                **form.values(),
                **form.base_versions(),
                minor_edit=form.minor_edit.data,
                actor=current_actor(),
            )
        except TextConflict as conflict:
            return _conflict_page(text_id, form, conflict)
        except ServiceError as error:
            form.add_refusal(error)
        else:
            flash(_("Section “%(name)s” saved.", name=section_name(section)), "success")
            return redirect(url_for(".update", text_id=text_id))
    return _section_page(section, form)


def _conflict_page(text_id: int, form: SectionForm, conflict: TextConflict):
    """Nothing was saved; their text is current. The form keeps ours, now based on theirs, so
    saving again puts it in place of theirs on purpose."""
    section = get_or_404(PolicyText, text_id)
    theirs = conflict.current
    if theirs is not None:
        base = "title_version_id" if theirs.unit_id == section.title_unit_id else "text_version_id"
        form[base].data = str(theirs.id)
    return _section_page(section, form, conflict, status_code=409)


@bp.post("/<int:text_id>/move")
@editors_only
def move(text_id: int):
    section = get_or_404(PolicyText, text_id)
    direction = MoveForm().direction.data or ""
    try:
        services.move_section(section, direction=direction, actor=current_actor())
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(_("Section “%(name)s” moved.", name=section_name(section)), "success")
    return redirect(url_for(".index"))


@bp.post("/<int:text_id>/delete")
@editors_only
def delete(text_id: int):
    section = get_or_404(PolicyText, text_id)
    name = section_name(section)
    try:
        services.delete_section(section, actor=current_actor())
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(_("Section “%(name)s” removed.", name=name), "success")
    return redirect(url_for(".index"))
