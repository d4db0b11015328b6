"""The policy page's own sections: their texts in the source language, the sections operators
add, and their order around the cookie tables.

A change validates everything first, records one audit event and commits once; a refusal
raises ServiceError naming the field at fault and leaves the database as it was. A text saved
over one someone else saved since the form was opened raises ``texts.TextConflict`` instead,
with both texts, so nobody's words are lost.
"""

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from .. import checks, texts
from ..audit import record_event
from ..contexts import SECTION_ORDER, section_name, section_name_language
from ..extensions import db
from ..markdown import clean_markdown
from ..models import AuditEvent, CurrentText, PolicyText, TextKind, TextUnit, TextVersion, User
from ..portal import PAGE_TITLE, get_settings
from ..service_errors import ServiceError, one_change

MAX_TITLE_LENGTH = 200
MAX_TEXT_LENGTH = 5000
KEY_PREFIX = "section-"
DIRECTIONS = ("up", "down")

# A section's state in a language is its neediest text's: a heading missing in English makes
# the section missing there, whatever its text.
_NEEDIEST_FIRST = [
    texts.TextStatus.MISSING,
    texts.TextStatus.OUTDATED,
    texts.TextStatus.DRAFT,
    texts.TextStatus.TRANSLATED,
    texts.TextStatus.APPROVED,
    texts.TextStatus.NOT_NEEDED,
    texts.TextStatus.SOURCE,
]


# --- Reading ------------------------------------------------------------------------------


def is_page_title(section: PolicyText) -> bool:
    """The title heads the page: it is neither moved nor placed around the tables."""
    return section.key == PAGE_TITLE


def _units(section: PolicyText) -> list[TextUnit]:
    """A section's texts as the page reads them: its own heading, if it has one, then its text."""
    return [unit for unit in (section.title_unit, section.unit) if unit is not None]


def _page_order(*options: Any) -> list[PolicyText]:
    """Every section as the page shows them: the title, those before the cookie tables, those
    after them."""
    sections = db.session.scalars(
        sa.select(PolicyText).options(*options).order_by(*SECTION_ORDER)
    ).all()
    return sorted(sections, key=lambda section: (not is_page_title(section), section.after_tables))


def list_sections() -> list[PolicyText]:
    """Every section in page order, with their texts loaded."""
    current = selectinload(TextUnit.current).joinedload(CurrentText.version)
    return _page_order(
        selectinload(PolicyText.unit).options(current),
        selectinload(PolicyText.title_unit).options(current),
    )


@dataclass(frozen=True)
class SectionRow:
    """A line of the sections' list."""

    section: PolicyText
    name: str
    # The section's state in each enabled language, the source first.
    states: list[texts.LanguageStatus]
    # Its texts' problems, in every enabled language.
    problems: list[checks.Problem]
    # Whether a neighbour on its side of the cookie tables lets it move up, or down.
    can_move_up: bool = False
    can_move_down: bool = False

    @property
    def is_page_title(self) -> bool:
        return is_page_title(self.section)

    @property
    def name_language(self) -> str | None:
        return section_name_language(self.section)

    @property
    def errors(self) -> list[checks.Problem]:
        return checks.errors(self.problems)

    @property
    def open_warnings(self) -> list[checks.Problem]:
        return checks.warnings(self.problems)


def section_rows() -> list[SectionRow]:
    """The sections' list: each section's state per language and its problems, in a fixed
    number of queries."""
    sections = list_sections()
    languages = list(get_settings().enabled_languages)
    units = [unit for section in sections for unit in _units(section)]
    problems: dict[int, list[checks.Problem]] = {unit.id: [] for unit in units}
    for language in languages:
        for unit_id, found in checks.problems_by_unit(units, language).items():
            problems[unit_id] += found

    def side(index: int) -> bool | None:
        """The side of the tables of the section at ``index``; None for the title or none."""
        if not 0 <= index < len(sections) or is_page_title(sections[index]):
            return None
        return sections[index].after_tables

    return [
        SectionRow(
            section,
            section_name(section),
            _section_states(section, languages),
            [problem for unit in _units(section) for problem in problems[unit.id]],
            can_move_up=side(index) is not None and side(index - 1) == side(index),
            can_move_down=side(index) is not None and side(index + 1) == side(index),
        )
        for index, section in enumerate(sections)
    ]


def _section_states(section: PolicyText, languages: list[str]) -> list[texts.LanguageStatus]:
    """Per language, the state of the section's neediest text, without the text itself."""
    per_unit = [texts.statuses(unit, languages) for unit in _units(section)]
    return [
        dataclasses.replace(
            min(column, key=lambda state: _NEEDIEST_FIRST.index(state.status)), text=""
        )
        for column in zip(*per_unit, strict=True)
    ]


def translation_states(section: PolicyText) -> dict[str, list[texts.LanguageStatus]]:
    """Each of the section's texts ("title", "text") in each enabled language."""
    languages = list(get_settings().enabled_languages)
    return {part: texts.statuses(unit, languages) for part, unit in section.text_units.items()}


def section_problems(section: PolicyText) -> list[checks.Problem]:
    """The checks' findings on the section's texts, in every enabled language: the same the
    translation view and the publishing gate show."""
    languages = list(get_settings().enabled_languages)
    return [
        problem
        for unit in _units(section)
        for language in languages
        for problem in checks.check_translation(unit, language)
    ]


# --- Validating ---------------------------------------------------------------------------


def _examine(
    section: PolicyText | None, text: str, title: str | None
) -> tuple[dict[str, str], list[ServiceError]]:
    """The cleaned texts of a section (``section`` None: a new one, which has a heading), with
    every refusal."""
    refusals: list[ServiceError] = []

    def clean(*args: Any, **kwargs: Any) -> str:
        try:
            return clean_markdown(*args, **kwargs)
        except ServiceError as error:
            refusals.append(error)
            return ""

    # Every section has a text: a built-in one stays on the page, an operator's own is removed
    # rather than emptied.
    required = _("Write the section's text.")
    if section is not None and is_page_title(section):
        values = {"text": clean(text, "text", MAX_TITLE_LENGTH, required, single_line=True)}
    else:
        values = {"text": clean(text, "text", MAX_TEXT_LENGTH, required)}
    if section is None or section.is_custom:
        values["title"] = clean(
            title, "title", MAX_TITLE_LENGTH, _("Give the section a heading."), single_line=True
        )
    elif title is not None:
        refusals.append(ServiceError(_("Only a section you added has a heading of its own.")))
    return values, refusals


def validate_section(
    section: PolicyText | None, *, text: str, title: str | None = None
) -> list[ServiceError]:
    """Every refusal of these texts, for a form to show them all."""
    return _examine(section, text, title)[1]


def _valid(section: PolicyText | None, text: str, title: str | None) -> dict[str, str]:
    values, refusals = _examine(section, text, title)
    if refusals:
        raise refusals[0]
    return values


# --- Saving -------------------------------------------------------------------------------


def _recorded(section: PolicyText) -> dict[str, Any]:
    """What the audit trail keeps of a section: its texts in the source language, its place."""
    values: dict[str, Any] = {"key": section.key}
    if section.title_unit is not None:
        values["title"] = section.title_unit.source_text
    values["text"] = section.unit.source_text
    values["after_tables"] = section.after_tables
    values["position"] = section.position
    return values


def _number(ordered: list[PolicyText]) -> None:
    """Number the sections in this order; renumbering them all also repairs equal positions
    left by older data."""
    for position, section in enumerate(ordered):
        section.position = position


def _place(section: PolicyText, after_tables: bool) -> None:
    """Take a section across the cookie tables: it stands right next to them, last before them
    or first after them."""
    ordered = _page_order()
    ordered.remove(section)
    section.after_tables = after_tables
    ordered.insert(sum(not other.after_tables for other in ordered), section)
    _number(ordered)


def _save_source(
    unit: TextUnit, text: str, base_version_id: int | None, actor: User | None, minor_edit: bool
) -> None:
    """Save a source text, unless the form left it as it was when it was opened: then a text
    someone saved since stays, and it is no conflict."""
    base = db.session.get(TextVersion, base_version_id) if base_version_id is not None else None
    if (
        base is not None
        and base.unit_id == unit.id
        and base.language == unit.source_language
        and base.text == text
    ):
        return
    texts.set_source_text(unit, text, actor, base_version_id, minor_edit=minor_edit)


def update_section(
    section: PolicyText,
    *,
    text: str,
    title: str | None = None,
    after_tables: bool | None = None,
    text_base_version_id: int | None = None,
    title_base_version_id: int | None = None,
    minor_edit: bool = False,
    actor: User | None,
) -> PolicyText:
    """Save a section's text, its heading (a section an operator added) and its side of the
    cookie tables (None leaves it); an unchanged section records nothing.

    The base version ids are the texts the form started from: a text someone saved since is
    refused with ``texts.TextConflict``. A ``minor_edit`` keeps the translations current.
    """
    with one_change():
        values = _valid(section, text, title)
        if is_page_title(section) and after_tables not in (None, section.after_tables):
            raise ServiceError(_("The title heads the page: it has no place to choose."))
        before = _recorded(section)
        _save_source(section.unit, values["text"], text_base_version_id, actor, minor_edit)
        if section.title_unit is not None:
            _save_source(
                section.title_unit, values["title"], title_base_version_id, actor, minor_edit
            )
        if after_tables is not None and after_tables != section.after_tables:
            _place(section, after_tables)
        after = _recorded(section)
        changed = [key for key in after if before[key] != after[key]]
        if changed:
            record_event(
                actor,
                "update",
                section,
                label=section_name(section),
                before={key: before[key] for key in changed},
                after={key: after[key] for key in changed},
            )
    return section


def _new_key() -> str:
    """A new section's key, "section-<n>", with an n no section ever had: the audit trail
    remembers the removed ones, so comparing versions never takes a new section for a removed
    one."""
    keys = set(db.session.scalars(sa.select(PolicyText.key)))
    created = db.session.scalars(
        sa.select(AuditEvent.after).where(
            AuditEvent.object_type == PolicyText.__name__, AuditEvent.action == "create"
        )
    )
    keys.update(str((values or {}).get("key", "")) for values in created)
    numbers = [
        int(key.removeprefix(KEY_PREFIX))
        for key in keys
        if key.startswith(KEY_PREFIX) and key.removeprefix(KEY_PREFIX).isdigit()
    ]
    return f"{KEY_PREFIX}{max(numbers, default=0) + 1}"


def _is_free_section_key(key: str) -> bool:
    """A key of the shape operators' sections have, that no section has now."""
    number = key.removeprefix(KEY_PREFIX)
    taken = db.session.scalar(sa.select(PolicyText.id).where(PolicyText.key == key))
    return key.startswith(KEY_PREFIX) and number.isdigit() and taken is None


def create_section(
    *, title: str, text: str, after_tables: bool, actor: User | None, key: str | None = None
) -> PolicyText:
    """Add a section of one's own, last on its side of the cookie tables; its heading and text
    go to the translators like every text of the policy.

    ``key`` brings back a section that was removed (a rollback to a version that had it): the
    same key, so comparing versions sees the same section.
    """
    with one_change():
        values = _valid(None, text, title)
        if key is not None and not _is_free_section_key(key):
            raise ServiceError(_("This section exists already."))
        language = get_settings().source_language
        last = db.session.scalar(sa.select(sa.func.max(PolicyText.position)))
        section = PolicyText(
            key=key or _new_key(),
            position=0 if last is None else last + 1,
            after_tables=bool(after_tables),
            unit=texts.create_unit(TextKind.POLICY_TEXT, language, values["text"], actor),
            title_unit=texts.create_unit(TextKind.POLICY_TEXT, language, values["title"], actor),
        )
        db.session.add(section)
        db.session.flush()
        _number(_page_order())
        record_event(
            actor, "create", section, label=section_name(section), after=_recorded(section)
        )
    return section


def move_section(section: PolicyText, *, direction: str, actor: User | None) -> None:
    """Swap a section with its neighbour above ("up") or below ("down") on its side of the
    cookie tables; the placement choice takes it across them."""
    with one_change():
        if direction not in DIRECTIONS:
            raise ServiceError(_("A section moves “up” or “down”."), "direction")
        if is_page_title(section):
            raise ServiceError(_("The title heads the page: it does not move."), "direction")
        ordered = _page_order()
        side = [
            other
            for other in ordered
            if other.after_tables == section.after_tables and not is_page_title(other)
        ]
        index = side.index(section)
        neighbour = index - 1 if direction == "up" else index + 1
        if not 0 <= neighbour < len(side):
            message = (
                _("This section is already the first on its side of the cookie tables.")
                if direction == "up"
                else _("This section is already the last on its side of the cookie tables.")
            )
            raise ServiceError(message, "direction")
        here, there = ordered.index(section), ordered.index(side[neighbour])
        ordered[here], ordered[there] = ordered[there], ordered[here]
        before = section.position
        _number(ordered)
        record_event(
            actor,
            "move",
            section,
            label=section_name(section),
            before={"position": before},
            after={"position": section.position},
        )


def arrange_sections(placements: Sequence[tuple[PolicyText, bool]], *, actor: User | None) -> None:
    """Put the sections in this page order, each on the side of the cookie tables given (True:
    after them); those not listed follow on their side. Each section that moves records it."""
    with one_change():
        listed = [section for section, _after in placements]
        ordered = [*listed, *(section for section in _page_order() if section not in listed)]
        sides = {section.id: after for section, after in placements}
        for position, section in enumerate(ordered):
            after_tables = sides.get(section.id, section.after_tables)
            if is_page_title(section):
                after_tables = section.after_tables
            before = {"position": section.position, "after_tables": section.after_tables}
            after = {"position": position, "after_tables": after_tables}
            if before != after:
                changed = [key for key in after if before[key] != after[key]]
                record_event(
                    actor,
                    "move",
                    section,
                    label=section_name(section),
                    before={key: before[key] for key in changed},
                    after={key: after[key] for key in changed},
                )
                section.position, section.after_tables = position, after_tables


def delete_section(section: PolicyText, *, actor: User | None) -> None:
    """Remove a section an operator added, with its texts and all their versions; the audit
    trail keeps its last values. The built-in sections stay."""
    with one_change():
        if not section.is_custom:
            raise ServiceError(_("A built-in section cannot be removed; its text can be edited."))
        record_event(
            actor, "delete", section, label=section_name(section), before=_recorded(section)
        )
        units = _units(section)
        db.session.delete(section)
        db.session.flush()
        for unit in units:
            db.session.delete(unit)
