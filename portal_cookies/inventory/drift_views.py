"""The drift report: a browser's recording against the inventory, and a new entry for each
cookie it found undeclared."""

from typing import Any

from babel.units import format_unit
from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..access import current_actor, editors_only
from ..catalogue import services as catalogue
from ..lookup import get_or_404
from ..models import DriftFinding, DriftKind
from ..request_limits import large_upload
from ..service_errors import ServiceError
from . import services
from .forms import (
    DriftFileForm,
    EntryForm,
)
from .views import bp, edit_page, saved

# --- Drift --------------------------------------------------------------------------------

SEEN_IN = {
    "set-cookie": _l("in a Set-Cookie response header"),
    "cookie": _l("only in a Cookie request header (set by a script, or before the recording)"),
    "cookies-txt": _l("in the cookies.txt file"),
    "browser": _l("in the browser's cookie jar"),
    "storage": _l("in the browser's web storage"),
}


@bp.app_template_global()
def seen_in_text(seen_in: str | None) -> str:
    return str(SEEN_IN.get(seen_in or "", seen_in or ""))


@bp.app_template_global()
def lifetime_text(seconds: int | None) -> str:
    """An observed lifetime in words: days, or hours, minutes or seconds under a day."""
    if seconds is None:
        return _("until the browser closes")
    locale = str(get_locale())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            return format_unit(seconds // size, f"duration-{unit}", length="long", locale=locale)
    return format_unit(seconds, "duration-second", length="long", locale=locale)


@bp.get("/drift/")
def drift_report():
    """The latest drift report, and the form that makes a new one."""
    return _drift_page(DriftFileForm(formdata=None))


def _drift_page(form: DriftFileForm, status: int = 200):
    check = services.latest_drift_check()
    findings = {kind: [] for kind in DriftKind}
    for finding in check.findings if check else []:
        findings[finding.kind].append(finding)
    return render_template(
        "inventory/drift.html", form=form, check=check, findings=findings
    ), status


@bp.post("/drift/")
@editors_only
@large_upload("DRIFT_FILE_MAX_LENGTH")
def check_drift():
    form = DriftFileForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            services.drift_report_from_file(
                upload.stream, source=upload.filename or "", actor=current_actor()
            )
        except ServiceError as error:
            form.add_refusal(ServiceError(error.message, "file"))
        else:
            flash(_("The drift report is ready."), "success")
            return redirect(url_for(".drift_report"))
    return _drift_page(form, 422)


def _accepted_values(suggestion: catalogue.Suggestion, form: EntryForm) -> dict[str, Any]:
    """A suggestion's values the entry form can take: the portal's provider and category it
    names, when the portal has them (``catalogue.match_in_portal``), the description as the
    purpose, a structured duration."""
    values: dict[str, Any] = {}
    [match] = catalogue.match_in_portal([suggestion])
    if match.provider is not None and match.provider.id in form.providers:
        values["provider"] = match.provider.id
    if match.category is not None and match.category.id in form.categories:
        values["category"] = match.category.id
    if suggestion.description:
        values["purpose"] = suggestion.description
    if suggestion.duration is not None:
        values["duration_kind"] = suggestion.duration.kind
        values["duration_value"] = suggestion.duration.value
        values["duration_unit"] = suggestion.duration.unit
    return values


@bp.route("/drift/findings/<int:finding_id>/entry", methods=["GET", "POST"])
@editors_only
def create_from_finding(finding_id: int):
    """An undeclared cookie's new entry: the form starts from what was observed, and the
    catalogue's suggestions fill it only when accepted (``?accept=N``)."""
    finding = get_or_404(DriftFinding, finding_id)
    if finding.kind != DriftKind.UNDECLARED:
        abort(404)
    suggestions = catalogue.suggest(finding.name, finding.domain)
    form = EntryForm(data=services.draft_values(finding))
    accepted = request.args.get("accept", type=int)
    if request.method == "GET" and accepted is not None and 0 <= accepted < len(suggestions):
        form = EntryForm(
            data=services.draft_values(finding) | _accepted_values(suggestions[accepted], form)
        )
    else:
        accepted = None
    entry = saved(
        form,
        lambda: services.create_entry_from_finding(
            finding, form.entry_data(), actor=current_actor()
        ),
    )
    if entry is not None:
        flash(_("Entry “%(name)s” saved.", name=entry.label), "success")
        return redirect(url_for(".update", entry_id=entry.id))
    return edit_page(
        "inventory/entry.html",
        form,
        None,
        entry=None,
        draft=finding,
        draft_suggestions=suggestions,
        # The catalogue's panel of the form is for names typed: this page lists its own.
        suggestions=None,
        accepted=accepted,
        dismiss_form=None,
    )
