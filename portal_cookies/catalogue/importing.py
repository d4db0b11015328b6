"""Reading an Open Cookie Database CSV and making the catalogue equal to it.

The whole file is read and checked before anything is written: a foreign or damaged file is
refused with what is wrong and where, and the catalogue stays as it was. A newer catalogue
replaces the older one row by row, matched on the catalogue's own ID: rows are added,
updated, removed. The inventory never refers to the catalogue, so it is never touched.
"""

import csv
import io
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ..extensions import db
from ..models import KnownCookie
from ..service_errors import ServiceError, one_change
from .retention import parse_retention

# The columns of the Open Cookie Database's CSV, in its order, and the column each fills.
COLUMNS = {
    "ID": "source_id",
    "Platform": "platform",
    "Category": "category",
    "Cookie / Data Key name": "name",
    "Domain": "domain",
    "Description": "description",
    "Retention period": "retention",
    "Data Controller": "data_controller",
    "User Privacy & GDPR Rights Portals": "privacy_url",
    "Wildcard match": "wildcard",
}
REQUIRED = ("ID", "Cookie / Data Key name")
# Problems listed before "and N more": enough to see what is wrong with a file.
SHOWN_PROBLEMS = 5
# Rows deleted per statement, below every database's limit of bound values.
DELETE_BATCH = 500
# Characters a catalogue's text may carry by accident (a zero-width space after a domain).
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff"))


@dataclass(frozen=True)
class ImportCounts:
    added: int
    updated: int
    removed: int
    unchanged: int


def import_catalogue(data: bytes) -> ImportCounts:
    """Make the catalogue what ``data`` (an Open Cookie Database CSV) holds, in one
    transaction; a ServiceError, and no change, when the file is not one."""
    rows = read_catalogue(data)
    with one_change():
        existing = {known.source_id: known for known in db.session.scalars(sa.select(KnownCookie))}
        added: list[dict[str, Any]] = []
        updated = unchanged = 0
        for values in rows:
            known = existing.pop(values["source_id"], None)
            if known is None:
                added.append(values)
            elif all(getattr(known, column) == value for column, value in values.items()):
                unchanged += 1
            else:
                for column, value in values.items():
                    setattr(known, column, value)
                updated += 1
        gone = [known.id for known in existing.values()]
        for start in range(0, len(gone), DELETE_BATCH):
            batch = gone[start : start + DELETE_BATCH]
            db.session.execute(sa.delete(KnownCookie).where(KnownCookie.id.in_(batch)))
        if added:
            db.session.execute(sa.insert(KnownCookie), added)
    return ImportCounts(len(added), updated, len(gone), unchanged)


def read_catalogue(data: bytes) -> list[dict[str, Any]]:
    """The rows of an Open Cookie Database CSV as KnownCookie values, every problem refused."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ServiceError(
            _(
                "This file is not an Open Cookie Database CSV: it is not UTF-8 text "
                "(byte %(position)s).",
                position=error.start + 1,
            )
        ) from error
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, [])
        if [column.strip() for column in header] != list(COLUMNS):
            raise ServiceError(
                _(
                    "This file is not an Open Cookie Database CSV: its first line must name "
                    "the columns %(expected)s.",
                    expected=", ".join(COLUMNS),
                )
            )
        rows, problems, seen = [], [], set()
        for fields in reader:
            if not any(field.strip() for field in fields):
                continue
            try:
                values = _row_values(fields, seen)
            except ServiceError as problem:
                problems.append(
                    _("Line %(line)s: %(problem)s", line=reader.line_num, problem=problem.message)
                )
            else:
                seen.add(values["source_id"])
                rows.append(values)
    except csv.Error as error:
        raise ServiceError(
            _(
                "This file is not a readable CSV (line %(line)s: %(detail)s); nothing was "
                "imported.",
                line=reader.line_num,
                detail=str(error),
            )
        ) from error
    if problems:
        raise ServiceError(_refusal(problems))
    if not rows:
        raise ServiceError(_("This catalogue holds no cookie; nothing was imported."))
    return rows


def _refusal(problems: list[str]) -> str:
    shown = " ".join(problems[:SHOWN_PROBLEMS])
    more = len(problems) - SHOWN_PROBLEMS
    if more > 0:
        shown += " " + _("And %(count)s more.", count=more)
    return _("This catalogue has mistakes; nothing was imported. %(problems)s", problems=shown)


def _row_values(fields: list[str], seen: set[str]) -> dict[str, Any]:
    if len(fields) != len(COLUMNS):
        raise ServiceError(
            _(
                "%(found)s columns instead of %(expected)s.",
                found=len(fields),
                expected=len(COLUMNS),
            )
        )
    cells = {
        column: " ".join(field.translate(INVISIBLE).split())
        for column, field in zip(COLUMNS, fields, strict=True)
    }
    for column in REQUIRED:
        if not cells[column]:
            raise ServiceError(_("the column “%(column)s” is empty.", column=column))
    if cells["ID"] in seen:
        raise ServiceError(_("the ID %(id)s appears twice.", id=cells["ID"]))
    if cells["Wildcard match"] not in ("0", "1"):
        raise ServiceError(_("“Wildcard match” must be 0 or 1."))
    for column, attribute in COLUMNS.items():
        length = getattr(KnownCookie.__table__.c[attribute].type, "length", None)
        if length and len(cells[column]) > length:
            raise ServiceError(
                _(
                    "“%(column)s” is longer than %(length)s characters.",
                    column=column,
                    length=length,
                )
            )
    values: dict[str, Any] = {attribute: cells[column] for column, attribute in COLUMNS.items()}
    # Some names end in "*" instead of carrying the wildcard flag ("SSPR_*").
    values["wildcard"] = cells["Wildcard match"] == "1" or values["name"].endswith("*")
    values["name_key"] = values["name"].rstrip("*").lower() or values["name"].lower()
    # Only a web address is ever shown as a link.
    if not values["privacy_url"].lower().startswith(("https://", "http://")):
        values["privacy_url"] = ""
    duration = parse_retention(values["retention"])
    values["duration_kind"] = duration.kind if duration else None
    values["duration_value"] = duration.value if duration else None
    values["duration_unit"] = duration.unit if duration else None
    return values
