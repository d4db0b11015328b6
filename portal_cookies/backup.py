"""The whole portal as one JSON file, and back into an empty database (``flask backup``).

The dump is table-generic: every table of the models is written, its rows in primary-key
order, each column through the codec of its type, keys sorted. A table or a column added later
is backed up without a change here; a column type this module does not know fails loudly
instead of being written wrongly. The same database always gives the same bytes, so a backup
restored and exported again is identical to the first. docs/backup.md describes the file.
"""

import base64
import binascii
import enum
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, BinaryIO

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_babel import gettext as _

from .config import MIGRATIONS_PATH
from .extensions import db
from .models import User, UTCDateTime
from .service_errors import ServiceError

FORMAT = "portal-cookies-backup"
FORMAT_VERSION = 1

# Tables a backup leaves out, each with the reason. tests/test_backup.py fails on a table that
# is neither written nor named here.
EXCLUDED_TABLES: dict[str, str] = {
    # Open logins are not the portal's data, and restoring them would let a copied cookie of
    # the old installation in again: after a restore, everyone logs in anew.
    "login_sessions": "open logins, ended by a restore",
    # An uploaded inventory file waiting for its uploader's confirmation, for an hour at most.
    "pending_imports": "inventory files waiting to be confirmed, dropped by a restore",
}

# Not a password but the mark of having none: no hash Werkzeug writes looks like this, so no
# password matches it, and an account restored without its hash cannot log in until an
# administrator sets a password.
UNUSABLE_PASSWORD = "!"  # nosec B105
PASSWORD_COLUMN = User.__table__.c.password_hash

# Rows read from the database, or inserted, at a time: a large portal never sits in memory as
# objects.
BATCH_SIZE = 500

LARGEST_INTEGER = 2**63


class BadValue(ValueError):
    """A value in the file that its column cannot hold; the message says what it expects."""


@dataclass(frozen=True)
class Codec:
    """How a column's values are written to the file and read back from it."""

    dump: Callable[[Any], Any]
    load: Callable[[Any], Any]


def _load_integer(value: Any) -> int:
    if type(value) is not int or not -LARGEST_INTEGER <= value < LARGEST_INTEGER:
        raise BadValue(_("an integer"))
    return value


def _load_boolean(value: Any) -> bool:
    if type(value) is not bool:
        raise BadValue(_("true or false"))
    return value


def _load_time(value: Any) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        moment = None
    if moment is None or moment.tzinfo is None:
        raise BadValue(_("a date and time in ISO 8601 with its offset"))
    return moment.astimezone(UTC)


def _load_date(value: Any) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise BadValue(_("a date in ISO 8601 (YYYY-MM-DD)")) from None


def _load_bytes(value: Any) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (TypeError, binascii.Error):
        raise BadValue(_("bytes in base64")) from None


def _string_codec(length: int | None) -> Codec:
    def load(value: Any) -> str:
        if not isinstance(value, str):
            raise BadValue(_("a string"))
        if length is not None and len(value) > length:
            raise BadValue(_("at most %(count)s characters", count=length))
        return value

    return Codec(dump=lambda value: value, load=load)


def _enum_codec(enum_class: type[enum.Enum]) -> Codec:
    def load(value: Any) -> enum.Enum:
        try:
            return enum_class(value)
        except ValueError:
            choices = ", ".join(member.value for member in enum_class)
            raise BadValue(_("one of %(choices)s", choices=choices)) from None

    return Codec(dump=lambda member: member.value, load=load)


def codec_for(column: sa.Column) -> Codec:
    """The codec of ``column``'s type; TypeError for a type no codec is written for yet."""
    column_type = column.type
    # Order matters: an Enum is a String, and UTCDateTime wraps a DateTime.
    if isinstance(column_type, UTCDateTime):
        return Codec(dump=lambda moment: moment.astimezone(UTC).isoformat(), load=_load_time)
    if isinstance(column_type, sa.Enum) and column_type.enum_class is not None:
        return _enum_codec(column_type.enum_class)
    if isinstance(column_type, sa.JSON):
        return Codec(dump=lambda value: value, load=lambda value: value)
    if isinstance(column_type, sa.Boolean):
        return Codec(dump=lambda value: value, load=_load_boolean)
    if isinstance(column_type, sa.Integer):
        return Codec(dump=lambda value: value, load=_load_integer)
    if isinstance(column_type, sa.String):
        return _string_codec(column_type.length)
    if isinstance(column_type, sa.LargeBinary):
        return Codec(dump=lambda data: base64.b64encode(data).decode("ascii"), load=_load_bytes)
    if isinstance(column_type, sa.Date) and not isinstance(column_type, sa.DateTime):
        return Codec(dump=lambda day: day.isoformat(), load=_load_date)
    raise TypeError(
        f"{column.table.name}.{column.name}: the backup has no codec for {column_type!r}; "
        "add one to portal_cookies/backup.py"
    )


def backed_up_tables() -> list[sa.Table]:
    """Every table a backup holds, parents before the rows that refer to them."""
    return [table for table in db.metadata.sorted_tables if table.name not in EXCLUDED_TABLES]


def schema_revision() -> str:
    """The newest migration: the schema this code reads and writes."""
    head = ScriptDirectory(str(MIGRATIONS_PATH)).get_current_head()
    if head is None:
        raise RuntimeError(f"no migration in {MIGRATIONS_PATH}: the checkout is broken")
    return head


_ALEMBIC_VERSION = sa.table("alembic_version", sa.column("version_num"))


def _require_schema_at_head(connection: sa.Connection, head: str) -> None:
    """Refuse a database whose tables are not the ones this code knows.

    A database made by ``flask db upgrade`` names its revision in ``alembic_version``; one
    made straight from the models (``db.create_all()``, as the tests do) has no such table and
    is at the head by construction, provided every table is there.
    """
    inspector = sa.inspect(connection)
    if inspector.has_table(_ALEMBIC_VERSION.name):
        found = connection.execute(sa.select(_ALEMBIC_VERSION.c.version_num)).scalars().all()
        if found != [head]:
            raise ServiceError(
                _(
                    "The database is at schema revision %(found)s, not %(head)s: "
                    "run `flask db upgrade` first.",
                    found=", ".join(found) or _("none"),
                    head=head,
                )
            )
    elif set(db.metadata.tables) - set(inspector.get_table_names()):
        raise ServiceError(
            _("The database has no portal-cookies tables yet: run `flask db upgrade` first.")
        )


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _table_rows(
    connection: sa.Connection, table: sa.Table, with_passwords: bool
) -> Iterator[dict[str, Any]]:
    codecs = {column.name: codec_for(column) for column in table.columns}
    query = sa.select(table).order_by(*table.primary_key.columns)
    for row in connection.execute(query.execution_options(yield_per=BATCH_SIZE)):
        values = {
            name: None if value is None else codecs[name].dump(value)
            for name, value in row._mapping.items()
        }
        if table is PASSWORD_COLUMN.table and not with_passwords:
            # The file says how the account comes back: locked until a new password is set.
            del values[PASSWORD_COLUMN.name]
            values["must_change_password"] = True
        yield values


def _snapshot_isolation(dialect: sa.Dialect) -> str:
    # On PostgreSQL, one snapshot for every table, so rows written meanwhile cannot refer to
    # rows the backup left out. SQLite knows no REPEATABLE READ and keeps its default level:
    # one machine and a single writer make a write during an export a rare event there.
    return "REPEATABLE READ" if dialect.name == "postgresql" else "SERIALIZABLE"


def write_backup(file: BinaryIO, *, with_passwords: bool = False) -> dict[str, int]:
    """Write the whole portal to ``file``, one row a line; how many rows each table had.

    Nothing is written when the database is not at the code's schema (ServiceError).
    """
    head = schema_revision()
    counts: dict[str, int] = {}
    engine = db.engine
    with engine.connect().execution_options(
        isolation_level=_snapshot_isolation(engine.dialect)
    ) as connection:
        _require_schema_at_head(connection, head)
        file.write(
            (
                "{\n"
                f'"format": {_dumps(FORMAT)},\n'
                f'"format_version": {_dumps(FORMAT_VERSION)},\n'
                f'"schema_revision": {_dumps(head)},\n'
                '"tables": {'
            ).encode()
        )
        tables = sorted(backed_up_tables(), key=lambda table: table.name)
        for position, table in enumerate(tables):
            file.write(f"{',' if position else ''}\n{_dumps(table.name)}: [".encode())
            counts[table.name] = 0
            for row in _table_rows(connection, table, with_passwords):
                separator = "," if counts[table.name] else ""
                file.write(f"{separator}\n{_dumps(row)}".encode())
                counts[table.name] += 1
            file.write(("\n]" if counts[table.name] else "]").encode())
        file.write(f'\n}},\n"with_passwords": {_dumps(with_passwords)}\n}}\n'.encode())
    return counts


@dataclass(frozen=True)
class Restored:
    """What an import put back: rows per table, and whether the accounts kept their
    passwords."""

    counts: dict[str, int]
    with_passwords: bool


def _refuse_damaged(detail: str) -> ServiceError:
    return ServiceError(
        _("This file is not a portal-cookies backup, or it is damaged: %(detail)s", detail=detail)
    )


def _read_document(data: bytes) -> dict[str, Any]:
    try:
        document = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):
        raise _refuse_damaged(_("it is not JSON in UTF-8.")) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _refuse_damaged(_('it does not say "format": "%(format)s".', format=FORMAT))
    version = document.get("format_version")
    if type(version) is not int or version < 1:
        raise _refuse_damaged(_("its format_version is not a positive integer."))
    if version > FORMAT_VERSION:
        raise ServiceError(
            _(
                "This backup has format version %(found)s; this portal-cookies reads up to "
                "version %(supported)s. Restore it with the release that wrote it, or newer.",
                found=version,
                supported=FORMAT_VERSION,
            )
        )
    head = schema_revision()
    if document.get("schema_revision") != head:
        raise ServiceError(
            _(
                "This backup was made at schema revision %(found)s; this portal-cookies is at "
                "%(head)s. Restore it with the release that made it, then upgrade.",
                found=str(document.get("schema_revision")),
                head=head,
            )
        )
    if type(document.get("with_passwords")) is not bool:
        raise _refuse_damaged(_("with_passwords is not true or false."))
    tables = document.get("tables")
    expected = {table.name for table in backed_up_tables()}
    if not isinstance(tables, dict) or set(tables) != expected:
        raise _refuse_damaged(_("its tables are not the ones this schema has."))
    return document


def _rows_to_insert(table: sa.Table, rows: Any, with_passwords: bool) -> Iterator[dict[str, Any]]:
    if not isinstance(rows, list):
        raise _refuse_damaged(_("%(table)s is not a list of rows.", table=table.name))
    names = set(table.columns.keys())
    locked_accounts = table is PASSWORD_COLUMN.table and not with_passwords
    if locked_accounts:
        names.discard(PASSWORD_COLUMN.name)
    codecs = {column.name: codec_for(column) for column in table.columns}
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or set(row) != names:
            raise _refuse_damaged(
                _(
                    "row %(row)s of %(table)s does not have this table's columns.",
                    row=number,
                    table=table.name,
                )
            )
        values = {}
        for name, value in row.items():
            try:
                values[name] = None if value is None else codecs[name].load(value)
            except BadValue as error:
                raise _refuse_damaged(
                    _(
                        "row %(row)s of %(table)s: %(column)s should be %(expected)s.",
                        row=number,
                        table=table.name,
                        column=name,
                        expected=str(error),
                    )
                ) from None
        if locked_accounts:
            values[PASSWORD_COLUMN.name] = UNUSABLE_PASSWORD
        yield values


def _batches(rows: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


def _require_empty(connection: sa.Connection) -> None:
    for table in db.metadata.sorted_tables:
        if connection.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first():
            raise ServiceError(
                _(
                    "The database is not empty (%(table)s has rows): a backup is restored "
                    "only into a new database, migrated with `flask db upgrade`.",
                    table=table.name,
                )
            )


def _reset_sequences(connection: sa.Connection) -> None:
    """Make PostgreSQL number new rows after the restored ones (SQLite does by itself)."""
    if connection.dialect.name != "postgresql":
        return
    for table in backed_up_tables():
        column = table.autoincrement_column
        if column is not None:
            sequence = sa.func.pg_get_serial_sequence(table.name, column.name)
            next_id = sa.func.coalesce(sa.func.max(column), 0) + 1
            connection.execute(sa.select(sa.func.setval(sequence, next_id, False)))


def restore_backup(data: bytes) -> Restored:
    """Put a backup's rows into the empty database, in one transaction: a refusal anywhere
    (ServiceError) leaves every table as it was."""
    document = _read_document(data)
    with_passwords = document["with_passwords"]
    counts: dict[str, int] = {}
    try:
        connection = db.session.connection()
        _require_schema_at_head(connection, document["schema_revision"])
        _require_empty(connection)
        for table in backed_up_tables():
            counts[table.name] = 0
            rows = _rows_to_insert(table, document["tables"][table.name], with_passwords)
            for batch in _batches(rows):
                try:
                    connection.execute(table.insert(), batch)
                except sa.exc.StatementError as error:
                    raise ServiceError(
                        _(
                            "The rows of %(table)s break the database's rules; nothing was "
                            "restored. The database says: %(reason)s",
                            table=table.name,
                            reason=str(getattr(error, "orig", None) or error).strip(),
                        )
                    ) from error
                counts[table.name] += len(batch)
        _reset_sequences(connection)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return Restored(counts=counts, with_passwords=with_passwords)
