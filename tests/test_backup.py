"""`flask backup export|import`: the whole portal as one file, restored into an empty database
exactly as it was, and every file or database it cannot restore refused with nothing changed."""

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal_cookies import backup, checks
from portal_cookies.auth import services as auth_services
from portal_cookies.extensions import db
from portal_cookies.models import (
    AuditEvent,
    CheckDismissal,
    PolicyVersion,
    Role,
    TextKind,
    TextOrigin,
    TextState,
    TextUnit,
    TextVersion,
    User,
)
from tests.helpers import (
    PASSWORD,
    count_rows,
    publish_a_second_demo_version,
    stamp_migration_head,
    translate,
)


def empty_the_database() -> None:
    """No row left, and on PostgreSQL the id sequences back at 1, as in a new database."""
    db.session.remove()
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(table.name for table in db.metadata.sorted_tables)
            connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY"))
        else:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())


def rows_per_table() -> dict[str, int]:
    return {table.name: count_rows(table) for table in db.metadata.sorted_tables}


def export(runner, path: Path, *options: str):
    result = runner.invoke(args=["backup", "export", str(path), *options])
    assert result.exit_code == 0, result.output
    return path.read_bytes()


def restore(runner, path: Path):
    result = runner.invoke(args=["backup", "import", str(path)])
    db.session.expire_all()
    return result


def document(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def rich_portal(make_cookie, make_user):
    """The demo portal with a second version, an account, a dismissed warning and the audit
    trail all of that left."""
    publish_a_second_demo_version()
    operator = make_user(Role.OPERATOR)
    unit = make_cookie(function="Google Analytics", actor=operator).function_unit
    translate(unit, "Google Analytics")
    [warning] = checks.warnings(checks.check_translation(unit, "en"))
    checks.dismiss_warning(warning, reason="A product's name.", actor=operator)
    return operator


@pytest.fixture
def alembic_version():
    """Stamp the test database (at the migration head, as ``flask db upgrade`` leaves it) at
    another revision: ``stamp(revision)``; the head is stamped again afterwards."""

    def stamp(revision: str) -> None:
        with db.engine.begin() as connection:
            connection.execute(
                sa.text("UPDATE alembic_version SET version_num = :revision"),
                {"revision": revision},
            )

    yield stamp
    db.session.remove()
    stamp_migration_head()


def test_every_table_is_backed_up_or_excluded_with_a_reason(runner, tmp_path):
    written = set(document_of_export(runner, tmp_path)["tables"])

    assert written | set(backup.EXCLUDED_TABLES) == set(db.metadata.tables)
    assert not written & set(backup.EXCLUDED_TABLES)
    assert all(reason.strip() for reason in backup.EXCLUDED_TABLES.values())


def document_of_export(runner, tmp_path) -> dict:
    path = tmp_path / "backup.json"
    export(runner, path)
    return document(path)


def test_every_column_has_a_codec():
    for table in backup.backed_up_tables():
        for column in table.columns:
            backup.codec_for(column)


def test_the_file_names_its_format_and_the_schema_revision(runner, tmp_path):
    header = document_of_export(runner, tmp_path)

    assert header["format"] == "portal-cookies-backup"
    assert header["format_version"] == 1
    assert header["schema_revision"] == backup.schema_revision()
    assert header["with_passwords"] is False


@pytest.mark.parametrize("options", [(), ("--with-passwords",)], ids=["default", "passwords"])
def test_a_restored_backup_exports_byte_for_byte_the_same(rich_portal, runner, tmp_path, options):
    before = rows_per_table()
    first = export(runner, tmp_path / "first.json", *options)
    empty_the_database()

    result = restore(runner, tmp_path / "first.json")

    assert result.exit_code == 0, result.output
    assert rows_per_table() == before
    assert count_rows(PolicyVersion) == 2 and count_rows(CheckDismissal) == 1
    assert count_rows(AuditEvent) > 0 and count_rows(TextVersion) > count_rows(TextUnit)
    assert export(runner, tmp_path / "second.json", *options) == first


def test_the_restored_portal_serves_its_published_policy(rich_portal, runner, tmp_path, client):
    published = client.get("/fr/cookies")
    export(runner, tmp_path / "backup.json")
    empty_the_database()

    assert restore(runner, tmp_path / "backup.json").exit_code == 0

    again = client.get("/fr/cookies")
    assert again.status_code == 200 and again.data == published.data
    assert again.headers["ETag"] == published.headers["ETag"]


def test_rows_are_written_in_primary_key_order_with_aware_times(rich_portal, runner, tmp_path):
    rows = document_of_export(runner, tmp_path)["tables"]["text_versions"]

    assert [row["id"] for row in rows] == sorted(row["id"] for row in rows)
    assert all(row["created_at"].endswith("+00:00") for row in rows)
    assert {row["state"] for row in rows} <= {state.value for state in TextState}


def test_accounts_come_back_locked_without_their_hashes_by_default(make_user, runner, tmp_path):
    admin = make_user(Role.ADMIN, email="admin@example.org")
    path = tmp_path / "backup.json"
    export(runner, path)
    assert admin.password_hash not in path.read_text() and "password_hash" not in path.read_text()
    empty_the_database()

    result = restore(runner, path)

    assert result.exit_code == 0, result.output
    assert "flask users set-password" in result.output
    restored = db.session.scalar(sa.select(User))
    assert restored.email == "admin@example.org" and restored.must_change_password
    assert auth_services.authenticate("admin@example.org", PASSWORD) is None
    new_password = "a new password for a restored portal"
    assert (
        runner.invoke(
            args=["users", "set-password", "admin@example.org", "--password-stdin"],
            input=f"{new_password}\n",
        ).exit_code
        == 0
    )
    assert auth_services.authenticate("admin@example.org", new_password) is not None


def test_with_passwords_the_accounts_log_in_as_before(make_user, runner, tmp_path):
    admin = make_user(Role.ADMIN, email="admin@example.org")
    path = tmp_path / "backup.json"
    result = runner.invoke(args=["backup", "export", str(path), "--with-passwords"])
    assert result.exit_code == 0 and "secret" in result.output
    assert admin.password_hash in path.read_text()
    empty_the_database()

    assert restore(runner, path).exit_code == 0

    restored = auth_services.authenticate("admin@example.org", PASSWORD)
    assert restored is not None and not restored.must_change_password


def test_new_rows_get_fresh_ids_after_a_restore(rich_portal, runner, tmp_path, make_cookie):
    export(runner, tmp_path / "backup.json")
    empty_the_database()
    assert restore(runner, tmp_path / "backup.json").exit_code == 0
    largest = db.session.scalar(sa.select(sa.func.max(TextUnit.id)))

    entry = make_cookie()

    assert entry.function_unit_id > largest
    result = runner.invoke(
        args=["users", "create", "new@example.org", "--role", "operator", "--password-stdin"],
        input=f"{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output


def test_a_few_thousand_texts_go_through(runner, tmp_path):
    units = [
        {"id": number, "kind": TextKind.ENTRY_PURPOSE, "source_language": "fr"}
        for number in range(1, 3001)
    ]
    versions = [
        {
            "id": number,
            "unit_id": number,
            "language": "fr",
            "text": f"Finalité n° {number}.",
            "content_hash": f"{number:064}",
            "state": TextState.APPROVED,
            "origin": TextOrigin.PERSON,
        }
        for number in range(1, 3001)
    ]
    db.session.execute(sa.insert(TextUnit), units)
    db.session.execute(sa.insert(TextVersion), versions)
    db.session.commit()
    first = export(runner, tmp_path / "first.json")
    empty_the_database()

    assert restore(runner, tmp_path / "first.json").exit_code == 0

    assert count_rows(TextVersion) == 3000
    assert export(runner, tmp_path / "second.json") == first


# --- Refusals: each changes nothing and exits 1 ---------------------------------------------


@pytest.fixture
def a_backup(rich_portal, runner, tmp_path) -> Path:
    """A good backup of the rich portal, with the database emptied after it."""
    path = tmp_path / "backup.json"
    export(runner, path)
    empty_the_database()
    return path


def refused(runner, path: Path, message: str) -> None:
    result = restore(runner, path)
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert set(rows_per_table().values()) == {0}


def rewrite(path: Path, change) -> Path:
    data = document(path)
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_database_with_rows_is_refused_and_kept(rich_portal, runner, tmp_path):
    path = tmp_path / "backup.json"
    export(runner, path)
    before = rows_per_table()

    result = restore(runner, path)

    assert result.exit_code == 1 and "not empty" in result.output
    assert rows_per_table() == before


@pytest.mark.parametrize(
    "content",
    [b"", b"not json", b'{"format": "portal-cookies-backup", "tab', b"\xff\xfe{}", b"[" * 100_000],
    ids=["empty", "text", "truncated", "not-utf8", "deeply-nested"],
)
def test_a_corrupt_file_is_refused(a_backup, runner, content):
    a_backup.write_bytes(content)

    refused(runner, a_backup, "not a portal-cookies backup, or it is damaged")


@pytest.mark.parametrize(
    "content",
    [{"format": "someone-elses-backup", "format_version": 1}, [1, 2], {"tables": {}}],
    ids=["other-format", "a-list", "no-format"],
)
def test_a_foreign_file_is_refused(a_backup, runner, content):
    a_backup.write_text(json.dumps(content), encoding="utf-8")

    refused(runner, a_backup, '"format": "portal-cookies-backup"')


def test_a_newer_format_is_refused(a_backup, runner):
    rewrite(a_backup, lambda data: data.update(format_version=2))

    refused(runner, a_backup, "format version 2")


def test_a_backup_of_another_schema_revision_is_refused(a_backup, runner):
    rewrite(a_backup, lambda data: data.update(schema_revision="0004"))

    refused(runner, a_backup, "schema revision 0004")


def test_a_database_at_another_schema_revision_is_refused(a_backup, runner, alembic_version):
    alembic_version("0004")
    older = a_backup.with_name("older.json")
    older.write_text("yesterday's backup")

    refused(runner, a_backup, "run `flask db upgrade` first")
    result = runner.invoke(args=["backup", "export", str(older)])
    assert result.exit_code == 1 and "schema revision 0004" in result.output
    assert older.read_text() == "yesterday's backup"


def test_a_database_stamped_at_the_head_takes_the_backup(a_backup, runner, alembic_version):
    alembic_version(backup.schema_revision())

    assert restore(runner, a_backup).exit_code == 0
    assert count_rows(PolicyVersion) == 2


def test_a_table_missing_from_the_file_is_refused(a_backup, runner):
    rewrite(a_backup, lambda data: data["tables"].pop("audit_events"))

    refused(runner, a_backup, "its tables are not the ones this schema has")


def test_a_value_of_the_wrong_type_is_refused_with_where_it_is(a_backup, runner):
    def naive_time(data):
        data["tables"]["text_versions"][-1]["created_at"] = "2026-12-01T06:58:00"

    rewrite(a_backup, naive_time)

    refused(runner, a_backup, "created_at should be a date and time in ISO 8601 with its offset")


def test_rows_the_database_refuses_midway_leave_no_row(a_backup, runner):
    """current_texts comes after most tables: they are written, then rolled back."""

    def duplicate_row(data):
        rows = data["tables"]["current_texts"]
        rows.append(dict(rows[0]))

    rewrite(a_backup, duplicate_row)

    refused(runner, a_backup, "The rows of current_texts break the database's rules")


def test_a_row_with_other_columns_is_refused(a_backup, runner):
    def hash_in_a_file_without_passwords(data):
        data["tables"]["users"][0]["password_hash"] = "scrypt:1024:8:1$salt$hash"

    rewrite(a_backup, hash_in_a_file_without_passwords)

    refused(runner, a_backup, "row 1 of users does not have this table's columns")
