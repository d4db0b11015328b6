"""The inventory: cookie entries, categories and providers.

Everyone logged in reads it; changing it needs an editor role (administrator or operator).
"""

import importlib
from collections.abc import Callable
from typing import Any, TypeVar

from babel.units import format_unit
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import checks
from ..access import current_actor, editors_only, require_login
from ..forms import BaseForm, ConfirmForm, DismissForm, MoveForm
from ..lookup import get_or_404, paginate
from ..models import Category, CookieEntry, DriftFinding, DriftKind, Provider
from ..portal import get_settings
from ..service_errors import ServiceError
from . import queries, services
from .forms import (
    CategoryForm,
    DriftFileForm,
    EntryFilterForm,
    EntryForm,
    ProviderForm,
    category_label,
    country_names,
)

bp = Blueprint("inventory", __name__, url_prefix="/admin/inventory")
bp.before_request(require_login)

T = TypeVar("T")


def _saved(form: BaseForm, save: Callable[[], T]) -> T | None:
    """Validate a submitted form and save it; None (the refusals on the form) otherwise."""
    if not form.validate_on_submit():
        return None
    try:
        return save()
    except ServiceError as error:
        form.add_refusal(error)
        return None


def _done(action: Callable[[], object]) -> bool:
    """Run a POST-only action; a refusal is flashed."""
    try:
        action()
    except ServiceError as error:
        flash(error.message, "error")
        return False
    return True


# --- Entries ------------------------------------------------------------------------------


@bp.get("/")
def index():
    form = EntryFilterForm(formdata=request.args)
    filters = form.filters()
    page = paginate(
        queries.search_entries(filters),
        form.page.data or 1,
        current_app.config["INVENTORY_PAGE_SIZE"],
    )
    return render_template(
        "inventory/index.html",
        form=form,
        page=page,
        args=form.query_args(),
        counts=queries.count_entries_by_status(filters),
        untranslated=queries.untranslated_languages(page.items),
        checked=checks.check_entries(page.items),
    )


def _edit_page(template: str, form: BaseForm | None, current: Any, **context: Any):
    """A page that edits ``current``: its form, and its texts' states in other languages."""
    return render_template(
        template,
        form=form,
        settings=get_settings(),
        states=queries.translation_states(current),
        **context,
    )


def _entry_page(entry: CookieEntry | None, form: EntryForm | None):
    history = queries.entry_history(entry) if entry else []
    problems = checks.check_entry(entry) if entry else []
    return _edit_page(
        "inventory/entry.html",
        form,
        entry,
        entry=entry,
        history_events=history,
        problems=problems,
        problem_groups=checks.grouped(problems),
        dismiss_form=DismissForm(formdata=None),
    )


@bp.route("/entries/new", methods=["GET", "POST"])
@editors_only
def create():
    form = EntryForm()
    entry = _saved(form, lambda: services.create_entry(form.entry_data(), actor=current_actor()))
    if entry is not None:
        flash(_("Entry “%(name)s” saved.", name=entry.label), "success")
        return redirect(url_for(".update", entry_id=entry.id))
    return _entry_page(None, form)


@bp.route("/entries/<int:entry_id>", methods=["GET", "POST"])
def update(entry_id: int):
    """The entry's edit form; read-only for the roles that may not change the inventory."""
    entry = get_or_404(CookieEntry, entry_id)
    if not current_user.is_editor:
        if request.method != "GET":
            abort(403)
        return _entry_page(entry, None)
    form = EntryForm(current=entry)
    if _saved(
        form,
        lambda: services.update_entry(
            entry, form.entry_data(), actor=current_actor(), minor_edit=form.minor_edit.data
        ),
    ):
        flash(_("Entry “%(name)s” saved.", name=entry.label), "success")
        return redirect(url_for(".update", entry_id=entry.id))
    return _entry_page(entry, form)


@bp.post("/entries/<int:entry_id>/archive")
@editors_only
def archive(entry_id: int):
    entry = get_or_404(CookieEntry, entry_id)
    if _done(lambda: services.archive_entry(entry, actor=current_actor())):
        flash(_("Entry “%(name)s” archived.", name=entry.label), "success")
    return redirect(url_for(".update", entry_id=entry_id))


@bp.post("/entries/<int:entry_id>/dismiss")
@editors_only
def dismiss_warning(entry_id: int):
    """Set aside one of the entry's own warnings, with a reason; its texts' are the translation
    view's."""
    entry = get_or_404(CookieEntry, entry_id)
    DismissForm().dismiss(actor=current_actor(), entry=entry)
    return redirect(url_for(".update", entry_id=entry_id) + "#problems")


@bp.post("/entries/<int:entry_id>/restore")
@editors_only
def restore(entry_id: int):
    entry = get_or_404(CookieEntry, entry_id)
    if _done(lambda: services.restore_entry(entry, actor=current_actor())):
        flash(_("Entry “%(name)s” restored.", name=entry.label), "success")
    return redirect(url_for(".update", entry_id=entry_id))


@bp.route("/entries/<int:entry_id>/delete", methods=["GET", "POST"])
@editors_only
def delete(entry_id: int):
    """Ask before deleting an archived entry for good; then delete it."""
    entry = get_or_404(CookieEntry, entry_id)
    label = entry.label
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("inventory/entry_delete.html", entry=entry, form=form)
    if _done(lambda: services.delete_entry(entry, actor=current_actor())):
        flash(_("Entry “%(name)s” deleted.", name=label), "success")
        return redirect(url_for(".index", status="archived"))
    return redirect(url_for(".update", entry_id=entry_id))


# --- Categories ---------------------------------------------------------------------------


@bp.get("/categories/")
def categories():
    return render_template(
        "inventory/categories.html", rows=queries.categories_with_counts(), label=category_label
    )


@bp.route("/categories/new", methods=["GET", "POST"])
@editors_only
def create_category():
    form = CategoryForm()
    category = _saved(
        form, lambda: services.create_category(**form.values(), actor=current_actor())
    )
    if category is not None:
        flash(_("Category “%(name)s” saved.", name=category_label(category)), "success")
        return redirect(url_for(".categories"))
    return _edit_page("inventory/category.html", form, None, category=None)


@bp.route("/categories/<int:category_id>", methods=["GET", "POST"])
@editors_only
def update_category(category_id: int):
    category = get_or_404(Category, category_id)
    form = CategoryForm(current=category)
    if _saved(
        form,
        lambda: services.update_category(
            category, **form.values(), actor=current_actor(), minor_edit=form.minor_edit.data
        ),
    ):
        flash(_("Category “%(name)s” saved.", name=category_label(category)), "success")
        return redirect(url_for(".categories"))
    return _edit_page("inventory/category.html", form, category, category=category)


@bp.post("/categories/<int:category_id>/move")
@editors_only
def move_category(category_id: int):
    category = get_or_404(Category, category_id)
    direction = MoveForm().direction.data or ""
    if _done(lambda: services.move_category(category, direction=direction, actor=current_actor())):
        flash(_("Category “%(name)s” moved.", name=category_label(category)), "success")
    return redirect(url_for(".categories"))


@bp.post("/categories/<int:category_id>/delete")
@editors_only
def delete_category(category_id: int):
    category = get_or_404(Category, category_id)
    label = category_label(category)
    if _done(lambda: services.delete_category(category, actor=current_actor())):
        flash(_("Category “%(name)s” deleted.", name=label), "success")
    return redirect(url_for(".categories"))


# --- Providers ----------------------------------------------------------------------------


@bp.get("/providers/")
def providers():
    return render_template(
        "inventory/providers.html",
        rows=queries.providers_with_counts(),
        countries=country_names(),
    )


@bp.route("/providers/new", methods=["GET", "POST"])
@editors_only
def create_provider():
    form = ProviderForm()
    provider = _saved(
        form, lambda: services.create_provider(**form.values(), actor=current_actor())
    )
    if provider is not None:
        flash(_("Provider “%(name)s” saved.", name=provider.name), "success")
        return redirect(url_for(".providers"))
    return _edit_page("inventory/provider.html", form, None, provider=None)


@bp.route("/providers/<int:provider_id>", methods=["GET", "POST"])
@editors_only
def update_provider(provider_id: int):
    provider = get_or_404(Provider, provider_id)
    form = ProviderForm(current=provider)
    if _saved(
        form,
        lambda: services.update_provider(
            provider, **form.values(), actor=current_actor(), minor_edit=form.minor_edit.data
        ),
    ):
        flash(_("Provider “%(name)s” saved.", name=provider.name), "success")
        return redirect(url_for(".providers"))
    return _edit_page("inventory/provider.html", form, provider, provider=provider)


@bp.post("/providers/<int:provider_id>/delete")
@editors_only
def delete_provider(provider_id: int):
    provider = get_or_404(Provider, provider_id)
    label = provider.name
    if _done(lambda: services.delete_provider(provider, actor=current_actor())):
        flash(_("Provider “%(name)s” deleted.", name=label), "success")
    return redirect(url_for(".providers"))


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


def _suggestions(name: str, domain: str) -> list[Any]:
    """What the catalogue of known cookies suggests for a cookie (``catalogue.services.suggest``);
    nothing where the catalogue is not installed."""
    try:
        catalogue = importlib.import_module("portal_cookies.catalogue.services")
    except ImportError:
        return []
    return list(catalogue.suggest(name, domain))


def _accepted_values(suggestion: Any, form: EntryForm) -> dict[str, Any]:
    """A suggestion's values the entry form can take: the provider and category when the
    inventory has one of that name, the description as the purpose, a structured duration."""
    values: dict[str, Any] = {}
    names = {suggestion.provider.casefold(), suggestion.platform.casefold()} - {""}
    for ident, provider in form.providers.items():
        if provider.name.casefold() in names:
            values["provider"] = ident
    wanted = suggestion.category.casefold()
    for ident, category in form.categories.items():
        if wanted and wanted in {category.slug, category_label(category).casefold()}:
            values["category"] = ident
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
    suggestions = _suggestions(finding.name, finding.domain)
    form = EntryForm(data=services.draft_values(finding))
    accepted = request.args.get("accept", type=int)
    if request.method == "GET" and accepted is not None and 0 <= accepted < len(suggestions):
        form = EntryForm(
            data=services.draft_values(finding) | _accepted_values(suggestions[accepted], form)
        )
    else:
        accepted = None
    entry = _saved(
        form,
        lambda: services.create_entry_from_finding(
            finding, form.entry_data(), actor=current_actor()
        ),
    )
    if entry is not None:
        flash(_("Entry “%(name)s” saved.", name=entry.label), "success")
        return redirect(url_for(".update", entry_id=entry.id))
    return _edit_page(
        "inventory/entry.html",
        form,
        None,
        entry=None,
        draft=finding,
        suggestions=suggestions,
        accepted=accepted,
        dismiss_form=None,
    )
