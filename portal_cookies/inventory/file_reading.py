"""The inventory's files read back into plain records, each with where the file says it and
what is wrong with it (the formats: ``file_format``).

Both formats read into the same records: a CSV row is first turned into the JSON shape, so
one set of readers checks the values' types. What the values mean is the validation's to say.
"""

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _

from ..labels import field_label
from ..service_errors import ServiceError
from ..spreadsheet import restore_cell
from .file_format import (
    CATEGORY_PREFIX,
    CSV,
    FORMAT,
    FORMAT_VERSION,
    FORMATS,
    JSON,
    MAX_ENTRIES,
    MAX_FILE_SIZE,
    PROVIDER_PREFIX,
    REQUIRED_COLUMNS,
    TEXT_FIELDS,
    csv_columns,
    file_languages,
)


@dataclass
class Record:
    """An entry, a provider or a category as the file gives it: only the fields it gives."""

    place: str
    number: int
    values: dict[str, Any] = field(default_factory=dict)
    # Translatable texts: field -> language -> text.
    texts: dict[str, dict[str, str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ExchangeFile:
    format: str
    # The portal's languages, the source language first.
    languages: list[str]
    providers: list[Record]
    categories: list[Record]
    entries: list[Record]


# --- Reading: the values' types -----------------------------------------------------------


class _Problem(Exception):
    pass


def _text(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _Problem(_("expected a text."))
    return value


def _optional_text(value: Any) -> str | None:
    return _text(value) or None


def _texts_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return value.split()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _Problem(_("expected a list of texts."))
    return value


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Problem(_("write true or false."))
    return value


def _whole_number(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Problem(_("“%(value)s” is not a whole number.", value=value))
    return value


def _day(value: Any) -> date | None:
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(_text(value))
    except ValueError:
        raise _Problem(_("“%(value)s” is not a date written as 2026-12-31.", value=value)) from None


READERS: dict[str, dict[str, Callable[[Any], Any]]] = {
    "entry": {
        "names": _texts_list,
        "domain": _text,
        "provider": _text,
        "category": _text,
        "storage_kind": _optional_text,
        "party": _optional_text,
        "locations": _texts_list,
        "duration_kind": _optional_text,
        "duration_value": _whole_number,
        "duration_unit": _optional_text,
        "consent_basis": _optional_text,
        "exemption_ground": _optional_text,
        "visible": _boolean,
        "archived": _boolean,
        "notes": _text,
        "last_reviewed_on": _day,
    },
    "provider": {
        "name": _text,
        "website": _optional_text,
        "privacy_policy_url": _optional_text,
        "country": _optional_text,
    },
    "category": {"slug": _text, "consent_required_default": _boolean},
}


def _record(kind: str, item: Any, place: str, number: int, languages: list[str]) -> Record:
    """A record of the values ``item`` gives, its problems listed, none raised."""
    record = Record(place, number)
    if not isinstance(item, dict):
        record.problems.append(_("Expected an object with the fields of the format."))
        return record
    readers = READERS[kind]
    for key, value in item.items():
        label = field_label(key, capitalized=True)
        try:
            if key in readers:
                record.values[key] = readers[key](value)
            elif key in TEXT_FIELDS[kind]:
                record.texts[key] = _language_texts(value, languages)
            else:
                record.problems.append(_("“%(field)s” is not a field of the format.", field=key))
        except _Problem as problem:
            record.problems.append(f"{label}: {problem}")
    return record


def _language_texts(value: Any, languages: list[str]) -> dict[str, str]:
    if not isinstance(value, dict):
        raise _Problem(_('expected the texts by language, such as {"fr": "…"}.'))
    for language, text in value.items():
        if language not in languages:
            raise _Problem(
                _("“%(language)s” is not one of the portal's languages.", language=language)
            )
        _text(text)
    return {language: text or "" for language, text in value.items()}


def _entry_record(item: Any, place: str, number: int, languages: list[str]) -> Record:
    """An entry's record; a JSON entry's ``duration`` object becomes its three fields."""
    if isinstance(item, dict) and "duration" in item:
        item = dict(item)
        duration = item.pop("duration")
        if duration is None:
            duration = {}
        if not isinstance(duration, dict) or set(duration) - {"kind", "value", "unit"}:
            record = _record("entry", item, place, number, languages)
            record.problems.append(
                _(
                    "%(field)s: expected kind, value and unit.",
                    field=field_label("duration", capitalized=True),
                )
            )
            return record
        item.update({f"duration_{key}": duration.get(key) for key in ("kind", "value", "unit")})
    return _record("entry", item, place, number, languages)


def _named(kind: str, entry: Record) -> Record:
    """The provider or category an entry names, as a record of its name alone: a name the
    portal does not know yet is created (a provider) or refused (a category without texts)."""
    key = "name" if kind == "provider" else "slug"
    return Record(entry.place, entry.number, {key: entry.values.get(kind, "")})


# --- Reading: the files -------------------------------------------------------------------


def _refuse(message: str) -> ServiceError:
    return ServiceError(message, "file")


def _decode(data: bytes) -> str:
    if not data.strip():
        raise _refuse(_("The file is empty."))
    if len(data) > MAX_FILE_SIZE:
        raise _refuse(
            _("The file is larger than %(size)s MB.", size=MAX_FILE_SIZE // (1024 * 1024))
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _refuse(
            _(
                "The file is not UTF-8 text (byte %(position)s). Save it as “CSV UTF-8” or "
                "JSON and try again.",
                position=error.start + 1,
            )
        ) from None


def read_file(data: bytes, format: str | None = None) -> ExchangeFile:
    """The file's records; ServiceError for a file that is not an inventory file at all."""
    text = _decode(data)
    if format is None:
        format = JSON if text.lstrip().startswith(("{", "[")) else CSV
    if format not in FORMATS:
        raise _refuse(_("Choose CSV or JSON."))
    languages = file_languages()
    reader = _read_json if format == JSON else _read_csv
    providers, categories, entries = reader(text, languages)
    if len(entries) > MAX_ENTRIES:
        raise _refuse(_("The file has more than %(count)s entries.", count=MAX_ENTRIES))
    providers += [_named("provider", entry) for entry in entries]
    categories += [_named("category", entry) for entry in entries]
    return ExchangeFile(format, languages, providers, categories, entries)


TOP_LEVEL = {
    "format",
    "version",
    "source_language",
    "languages",
    "categories",
    "providers",
    "entries",
}


def _read_json(text: str, languages: list[str]):
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as error:
        line = getattr(error, "lineno", None)
        raise _refuse(
            _("The JSON file cannot be read near line %(line)s.", line=line)
            if line
            else _("The JSON file cannot be read.")
        ) from None
    if (
        not isinstance(document, dict)
        or document.get("format") != FORMAT
        or document.get("version") != FORMAT_VERSION
    ):
        raise _refuse(
            _(
                "This JSON file is not a portal-cookies inventory: it needs “format”: "
                "“%(format)s” and “version”: %(version)s.",
                format=FORMAT,
                version=FORMAT_VERSION,
            )
        )
    unknown = sorted(set(document) - TOP_LEVEL)
    if unknown:
        raise _refuse(_("Unknown fields: %(fields)s.", fields=", ".join(unknown)))
    lists = {}
    for key in ("categories", "providers", "entries"):
        lists[key] = document.get(key, [])
        if not isinstance(lists[key], list):
            raise _refuse(_("“%(field)s” must be a list.", field=key))
    places = {
        "categories": lambda n: _("Category %(number)s", number=n),
        "providers": lambda n: _("Provider %(number)s", number=n),
        "entries": lambda n: _("Entry %(number)s", number=n),
    }

    def records(key: str, read: Callable[..., Record]) -> list[Record]:
        return [
            read(item, places[key](number), number, languages)
            for number, item in enumerate(lists[key], start=1)
        ]

    return (
        records("providers", lambda *args: _record("provider", *args)),
        records("categories", lambda *args: _record("category", *args)),
        records("entries", _entry_record),
    )


TEXT_COLUMN = re.compile(r"(?P<field>[a-z]+)_(?P<language>.+)")


def _csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as error:
        raise _refuse(
            _(
                "The CSV file cannot be read near line %(line)s: %(error)s",
                line=reader.line_num,
                error=error,
            )
        ) from None


def _check_header(header: list[str], languages: list[str]) -> None:
    known = set(csv_columns(languages))
    unknown = [column for column in header if column not in known]
    if unknown:
        raise _refuse(
            _(
                "Unknown columns: %(columns)s. A column's texts are in one of the portal's "
                "languages (%(languages)s).",
                columns=", ".join(unknown),
                languages=", ".join(languages),
            )
        )
    twice = sorted({column for column in header if header.count(column) > 1})
    if twice:
        raise _refuse(_("Columns given twice: %(columns)s.", columns=", ".join(twice)))
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise _refuse(_("Missing columns: %(columns)s.", columns=", ".join(missing)))


def _csv_value(column: str, cell: str) -> Any:
    """A cell as the JSON format writes the value."""
    kind = "entry"
    if column.startswith(PROVIDER_PREFIX):
        kind, column = "provider", column.removeprefix(PROVIDER_PREFIX)
    elif column.startswith(CATEGORY_PREFIX):
        kind, column = "category", column.removeprefix(CATEGORY_PREFIX)
    reader = READERS[kind].get(column)
    if reader is _boolean:
        return {"true": True, "false": False}.get(cell.strip().lower(), cell)
    if reader is _whole_number and re.fullmatch(r"\s*[0-9]+\s*", cell):
        return int(cell)
    return cell


def _csv_objects(header: list[str], row: list[str]) -> dict[str, dict[str, Any]]:
    """A row as the entry, provider and category objects of the JSON format."""
    objects: dict[str, dict[str, Any]] = {"entry": {}, "provider": {}, "category": {}}
    for column, raw in zip(header, row, strict=True):
        cell = restore_cell(raw)
        kind, name = "entry", column
        for prefix in (PROVIDER_PREFIX, CATEGORY_PREFIX):
            if column.startswith(prefix):
                kind, name = prefix.rstrip("_"), column.removeprefix(prefix)
        match = TEXT_COLUMN.fullmatch(name)
        if match and match["field"] in TEXT_FIELDS[kind] and name not in READERS[kind]:
            objects[kind].setdefault(match["field"], {})[match["language"]] = cell
        else:
            objects[kind][name] = _csv_value(column, cell)
    return objects


def _read_csv(text: str, languages: list[str]):
    rows = _csv_rows(text)
    header_row = next(rows, None)
    if header_row is None:
        raise _refuse(_("The file is empty."))
    header = [column.strip() for column in header_row[1]]
    _check_header(header, languages)
    providers, categories, entries = [], [], []
    for number, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if len(entries) >= MAX_ENTRIES:
            raise _refuse(_("The file has more than %(count)s entries.", count=MAX_ENTRIES))
        place = _("Row %(number)s", number=number)
        if len(row) != len(header):
            record = Record(place, number)
            record.problems.append(
                _(
                    "This row has %(cells)s cells; the header has %(columns)s.",
                    cells=len(row),
                    columns=len(header),
                )
            )
            entries.append(record)
            continue
        objects = _csv_objects(header, row)
        entry = _entry_record(objects["entry"], place, number, languages)
        entries.append(entry)
        for kind, key, found in (
            ("provider", "name", providers),
            ("category", "slug", categories),
        ):
            if objects[kind]:
                objects[kind][key] = entry.values.get(kind, "")
                found.append(_record(kind, objects[kind], place, number, languages))
    return providers, categories, entries
