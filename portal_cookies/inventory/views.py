"""The inventory: cookie entries, categories and providers.

Everyone logged in reads it; changing it needs an editor role (administrator or operator).
"""

from collections.abc import Callable
from typing import Any, TypeVar

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
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from .. import checks
from ..access import current_actor, editors_only, require_login
from ..catalogue import services as catalogue
from ..forms import BaseForm, ConfirmForm, DismissForm, MoveForm
from ..lookup import get_or_404, paginate
from ..models import Category, CookieEntry, Provider
from ..portal import get_settings
from ..service_errors import ServiceError
from . import queries, services
from .forms import (
    CategoryForm,
    EntryFilterForm,
    EntryForm,
    ProviderForm,
    ReviewForm,
    category_label,
    country_names,
    split_names,
)

bp = Blueprint("inventory", __name__, url_prefix="/admin/inventory")
bp.before_request(require_login)

T = TypeVar("T")


def saved(form: BaseForm, save: Callable[[], T]) -> T | None:
    """Validate a submitted form and save it; None (the refusals on the form) otherwise."""
    if not form.validate_on_submit():
        return None
    try:
        return save()
    except ServiceError as error:
        form.add_refusal(error)
        return None


def done(action: Callable[[], object]) -> bool:
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
        review_form=ReviewForm(formdata=None),
    )


@bp.post("/review")
@editors_only
def review_entries():
    """Mark the entries ticked on the list, or all it showed, as reviewed; back to the list
    as it was filtered (its filters ride in this address)."""
    form = ReviewForm()
    try:
        entries = services.find_entries(form.entry_ids())
        services.mark_reviewed(entries, actor=current_actor())
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(
            ngettext(
                "%(num)s entry marked as reviewed today.",
                "%(num)s entries marked as reviewed today.",
                len(entries),
            ),
            "success",
        )
    filters = EntryFilterForm(formdata=request.args)
    filters.read()
    return redirect(url_for(".index", **filters.query_args()))


def edit_page(template: str, form: BaseForm | None, current: Any, **context: Any):
    """A page that edits ``current``: its form, and its texts' states in other languages."""
    return render_template(
        template,
        form=form,
        settings=get_settings(),
        states=queries.translation_states(current),
        **context,
    )


def _asks_suggestions() -> bool:
    """The entry form's "Suggest" button: list what the catalogue of known cookies suggests
    for the names typed, with every field as typed; nothing is saved."""
    return request.method == "POST" and "suggest" in request.form


def _entry_page(entry: CookieEntry | None, form: EntryForm | None):
    history = queries.entry_history(entry) if entry else []
    problems = checks.check_entry(entry) if entry else []
    suggestions = None
    if form is not None and _asks_suggestions():
        suggestions = catalogue.suggestions_for_names(
            split_names(form.names.data), form.domain.data or None
        )
    return edit_page(
        "inventory/entry.html",
        form,
        entry,
        entry=entry,
        history_events=history,
        problems=problems,
        problem_groups=checks.grouped(problems),
        dismiss_form=DismissForm(formdata=None),
        suggestions=suggestions,
    )


@bp.route("/entries/new", methods=["GET", "POST"])
@editors_only
def create():
    form = EntryForm()
    if _asks_suggestions():
        return _entry_page(None, form)
    entry = saved(form, lambda: services.create_entry(form.entry_data(), actor=current_actor()))
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
    if _asks_suggestions():
        return _entry_page(entry, form)
    if saved(
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
    if done(lambda: services.archive_entry(entry, actor=current_actor())):
        flash(_("Entry “%(name)s” archived.", name=entry.label), "success")
    return redirect(url_for(".update", entry_id=entry_id))


@bp.post("/entries/<int:entry_id>/review")
@editors_only
def review(entry_id: int):
    entry = get_or_404(CookieEntry, entry_id)
    if done(lambda: services.mark_reviewed([entry], actor=current_actor())):
        flash(_("Entry “%(name)s” marked as reviewed today.", name=entry.label), "success")
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
    if done(lambda: services.restore_entry(entry, actor=current_actor())):
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
    if done(lambda: services.delete_entry(entry, actor=current_actor())):
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
    category = saved(form, lambda: services.create_category(**form.values(), actor=current_actor()))
    if category is not None:
        flash(_("Category “%(name)s” saved.", name=category_label(category)), "success")
        return redirect(url_for(".categories"))
    return edit_page("inventory/category.html", form, None, category=None)


@bp.route("/categories/<int:category_id>", methods=["GET", "POST"])
@editors_only
def update_category(category_id: int):
    category = get_or_404(Category, category_id)
    form = CategoryForm(current=category)
    if saved(
        form,
        lambda: services.update_category(
            category, **form.values(), actor=current_actor(), minor_edit=form.minor_edit.data
        ),
    ):
        flash(_("Category “%(name)s” saved.", name=category_label(category)), "success")
        return redirect(url_for(".categories"))
    return edit_page("inventory/category.html", form, category, category=category)


@bp.post("/categories/<int:category_id>/move")
@editors_only
def move_category(category_id: int):
    category = get_or_404(Category, category_id)
    direction = MoveForm().direction.data or ""
    if done(lambda: services.move_category(category, direction=direction, actor=current_actor())):
        flash(_("Category “%(name)s” moved.", name=category_label(category)), "success")
    return redirect(url_for(".categories"))


@bp.post("/categories/<int:category_id>/delete")
@editors_only
def delete_category(category_id: int):
    category = get_or_404(Category, category_id)
    label = category_label(category)
    if done(lambda: services.delete_category(category, actor=current_actor())):
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
    provider = saved(form, lambda: services.create_provider(**form.values(), actor=current_actor()))
    if provider is not None:
        flash(_("Provider “%(name)s” saved.", name=provider.name), "success")
        return redirect(url_for(".providers"))
    return edit_page("inventory/provider.html", form, None, provider=None)


@bp.route("/providers/<int:provider_id>", methods=["GET", "POST"])
@editors_only
def update_provider(provider_id: int):
    provider = get_or_404(Provider, provider_id)
    form = ProviderForm(current=provider)
    if saved(
        form,
        lambda: services.update_provider(
            provider, **form.values(), actor=current_actor(), minor_edit=form.minor_edit.data
        ),
    ):
        flash(_("Provider “%(name)s” saved.", name=provider.name), "success")
        return redirect(url_for(".providers"))
    return edit_page("inventory/provider.html", form, provider, provider=provider)


@bp.post("/providers/<int:provider_id>/delete")
@editors_only
def delete_provider(provider_id: int):
    provider = get_or_404(Provider, provider_id)
    label = provider.name
    if done(lambda: services.delete_provider(provider, actor=current_actor())):
        flash(_("Provider “%(name)s” deleted.", name=label), "success")
    return redirect(url_for(".providers"))
