"""The migrations build the schema the models describe, from an empty database and back.

Run through the real `flask` command, in a subprocess: Alembic reconfigures logging, which
must not happen inside the test process.
"""

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from portal_cookies import create_app
from portal_cookies.config import PROJECT_ROOT
from portal_cookies.extensions import db
from tests.helpers import TEST_DATABASE_URL, settings_for


def flask(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "FLASK_SECRET_KEY": "migration test",
        "FLASK_SQLALCHEMY_DATABASE_URI": url,
    }
    return subprocess.run(
        [sys.executable, "-m", "flask", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def table_names(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def sqlite_database(tmp_path) -> Iterator[str]:
    yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"


def postgresql_schema(tmp_path) -> Iterator[str]:
    """An empty schema of its own in the test database, dropped afterwards."""
    if not TEST_DATABASE_URL:
        pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL is not tested in this run")
    schema = f"migration_check_{os.getpid()}"
    admin = sa.create_engine(TEST_DATABASE_URL)
    with admin.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = sa.make_url(TEST_DATABASE_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(
    params=[
        pytest.param(sqlite_database, id="sqlite"),
        pytest.param(postgresql_schema, id="postgresql", marks=pytest.mark.postgresql),
    ]
)
def empty_database(request, tmp_path) -> Iterator[str]:
    yield from request.param(tmp_path)


def test_migrations_build_the_models_schema_and_remove_it_again(empty_database):
    assert table_names(empty_database) == set()

    upgrade = flask(empty_database, "db", "upgrade")
    assert upgrade.returncode == 0, upgrade.stderr
    assert table_names(empty_database) == set(db.metadata.tables) | {"alembic_version"}

    check = flask(empty_database, "db", "check")
    assert check.returncode == 0, (
        "The models and the migrations differ; write a migration "
        f"(`flask db migrate -m ...`) and read it:\n{check.stdout}{check.stderr}"
    )

    downgrade = flask(empty_database, "db", "downgrade", "base")
    assert downgrade.returncode == 0, downgrade.stderr
    assert table_names(empty_database) == {"alembic_version"}


def test_a_version_s_note_becomes_its_note_in_the_source_language_and_back(tmp_path):
    url = next(sqlite_database(tmp_path))
    assert flask(url, "db", "upgrade", "0004").returncode == 0
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO portal_settings (id, name, base_url, source_language,"
                    " enabled_languages, review_required, updated_at, time_zone)"
                    " VALUES (1, 'P', '', 'en', '[\"en\", \"fr\"]', 0, '2026-12-01', 'UTC')"
                )
            )
            for number, note in ((1, "First version"), (2, "")):
                connection.execute(
                    sa.text(
                        "INSERT INTO policy_versions (number, published_at, note, content,"
                        " content_hash, requires_renewed_consent)"
                        " VALUES (:number, '2026-12-01', :note, '{}', 'h', 0)"
                    ),
                    {"number": number, "note": note},
                )

        upgrade = flask(url, "db", "upgrade")
        assert upgrade.returncode == 0, upgrade.stderr
        with engine.connect() as connection:
            notes = connection.execute(
                sa.text("SELECT notes FROM policy_versions ORDER BY number")
            ).scalars()
            assert list(notes) == ['{"en": "First version"}', "{}"]

        downgrade = flask(url, "db", "downgrade", "0004")
        assert downgrade.returncode == 0, downgrade.stderr
        with engine.connect() as connection:
            back = connection.execute(
                sa.text("SELECT note FROM policy_versions ORDER BY number")
            ).scalars()
            assert list(back) == ["First version", ""]
    finally:
        engine.dispose()


def test_healthz_says_ok_only_once_the_database_is_migrated_to_the_head(empty_database):
    """A load balancer must not send visitors to an instance whose database is empty or
    behind its code."""
    instance = create_app(settings_for(empty_database))

    def health() -> tuple[int, dict]:
        response = instance.test_client().get("/healthz")
        return response.status_code, response.json

    try:
        assert health() == (503, {"status": "error", "database": "ok", "schema": "missing"})
        assert flask(empty_database, "db", "upgrade", "0004").returncode == 0
        assert health() == (503, {"status": "error", "database": "ok", "schema": "behind"})
        upgrade = flask(empty_database, "db", "upgrade")
        assert upgrade.returncode == 0, upgrade.stderr
        assert health() == (200, {"status": "ok", "database": "ok", "schema": "ok"})
    finally:
        with instance.app_context():
            db.engine.dispose()
