"""The public change log: every version with what it changed, rendered at publication
(and, in the preview, with the draft on top). Split from ``render``, whose document helpers
it shares."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from ..i18n import (
    in_language,
)
from ..labels import field_label
from ..models import pick_note
from ..visitor_pages import render_standalone
from .content import section_label
from .render import (
    CHANGES_TEMPLATE,
    Localized,
    Preview,
    _date,
    _day,
    _document,
    _iso,
    _pick,
    _the_changes,
    _the_page,
    page_path,
)

# --- The change log -----------------------------------------------------------------------


@dataclass(frozen=True)
class VersionRecord:
    """What the change log shows of a version; the draft, in a preview, has no date."""

    number: int
    published_at: datetime | None
    # The note by language ({} for the draft, which has none yet).
    notes: dict[str, str]
    summary: dict[str, Any]
    requires_renewed_consent: bool
    rolled_back_from: int | None = None


def _names(refs: Sequence[dict[str, Any]]) -> list[str]:
    return [name for ref in refs for name in ref["names"]]


def _fields(change: dict[str, Any], language: str) -> list[str]:
    """The fields a change touched that a reader of ``language`` can see changed."""
    texts = [name for name, languages in change["texts"].items() if language in languages]
    return [field_label(name) for name in [*change["fields"], *texts]]


def _changed_lines(
    changes: Sequence[dict[str, Any]], language: str, what: Callable[[dict[str, Any], str], str]
) -> list[str]:
    lines = []
    for change in changes:
        fields = _fields(change, language)
        if fields:
            lines.append(what(change, ", ".join(fields)))
    return lines


def describe_changes(summary: dict[str, Any], language: str, source: str) -> list[str]:
    """A version's change summary in sentences of ``language`` (the current locale's words)."""
    if not summary:
        return []
    if summary.get("initial"):
        return [_("First publication of the policy.")]

    def category_name(ref: dict[str, Any]) -> str:
        return _pick(ref["name"], language, source).text or ref["slug"]

    lines = []
    entries, categories = summary["entries"], summary["categories"]
    # Counted by cookie name: one entry may declare several.
    added, removed = _names(entries["added"]), _names(entries["removed"])
    if added:
        lines.append(
            ngettext(
                "Cookie added: %(names)s.",
                "Cookies added: %(names)s.",
                len(added),
                names=", ".join(added),
            )
        )
    if removed:
        lines.append(
            ngettext(
                "Cookie removed: %(names)s.",
                "Cookies removed: %(names)s.",
                len(removed),
                names=", ".join(removed),
            )
        )
    lines += _changed_lines(
        entries["changed"],
        language,
        lambda change, fields: _(
            "%(names)s: %(fields)s changed.", names=", ".join(change["names"]), fields=fields
        ),
    )
    for ref in categories["added"]:
        lines.append(_("New category: %(name)s.", name=category_name(ref)))
    for ref in categories["removed"]:
        lines.append(_("Category removed: %(name)s.", name=category_name(ref)))
    lines += _changed_lines(
        categories["changed"],
        language,
        lambda change, fields: _(
            "Category %(name)s: %(fields)s changed.", name=category_name(change), fields=fields
        ),
    )
    lines += _changed_lines(
        summary["providers"]["changed"],
        language,
        lambda change, fields: _(
            "Provider %(name)s: %(fields)s changed.", name=change["name"], fields=fields
        ),
    )
    lines += _section_lines(summary, language, source)
    if summary["portal"]:
        fields = ", ".join(field_label(name) for name in summary["portal"])
        lines.append(_("Portal details changed: %(fields)s.", fields=fields))
    if summary.get("reviewed_on"):
        lines.append(
            _("The list of cookies was reviewed on %(date)s.", date=_day(summary["reviewed_on"]))
        )
    if not lines:
        lines.append(_("Only the wording in other languages changed."))
    return lines


def _section_lines(summary: dict[str, Any], language: str, source: str) -> list[str]:
    """Sections added, removed, reworded in ``language`` or put in a new order. Summaries made
    before operators could add sections only name the texts that changed."""
    sections = summary.get("sections", {})
    titles = sections.get("titles", {})

    def names(keys: Iterable[str]) -> list[str]:
        return [section_label(key, titles.get(key), language, source) for key in keys]

    lines = []
    added, removed = names(sections.get("added", [])), names(sections.get("removed", []))
    if added:
        lines.append(
            ngettext(
                "Section added: %(names)s.",
                "Sections added: %(names)s.",
                len(added),
                names=", ".join(added),
            )
        )
    if removed:
        lines.append(
            ngettext(
                "Section removed: %(names)s.",
                "Sections removed: %(names)s.",
                len(removed),
                names=", ".join(removed),
            )
        )
    # A section added or removed is named once, not again for its texts.
    new_or_gone = {*sections.get("added", []), *sections.get("removed", [])}
    changed = names(
        key
        for key, languages in summary["texts"].items()
        if language in languages and key not in new_or_gone
    )
    if changed:
        lines.append(_("Texts changed: %(sections)s.", sections=", ".join(changed)))
    if sections.get("reordered"):
        lines.append(_("The sections of the page are in a new order."))
    return lines


def render_changes(
    content: dict[str, Any],
    language: str,
    versions: Sequence[VersionRecord],
    preview: Preview | None = None,
) -> str:
    """The public change log in ``language``: every version, newest first, with what changed;
    each note in ``language``, else in the source language, marked as such.

    ``content`` (the newest version's, or the draft's in a ``preview``, whose own record has
    no date and leads to the preview) gives the portal, the title and the languages.
    """
    source = content["portal"]["source_language"]
    with in_language(language):
        items = [
            {
                "number": version.number,
                "href": (
                    page_path(language, version.number)
                    if version.published_at
                    else _the_page(preview)(language)
                ),
                "published_on": _date(version.published_at, content["portal"]),
                "published_at": _iso(version.published_at) if version.published_at else "",
                "note": Localized(*pick_note(version.notes, language, source)),
                "rolled_back_from": version.rolled_back_from,
                "requires_renewed_consent": version.requires_renewed_consent,
                "changes": describe_changes(version.summary, language, source),
            }
            for version in sorted(versions, key=lambda version: -version.number)
        ]
        return render_standalone(
            CHANGES_TEMPLATE,
            **_document(content, language, _the_changes(preview), preview),
            versions=items,
        )
