"""Plain helpers and constants shared by the test modules; the fixtures stay in conftest.py.

Import them only as ``from tests.helpers import ...``: pytest also puts tests/ on sys.path, so
``from helpers import ...`` would work too, and would load a second copy of this module (as
importing conftest did). Test modules never import conftest.py: pytest loads it by itself.
"""

import csv
import io
import json
import os
import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask.testing import FlaskClient

from portal_cookies.catalogue import services as catalogue
from portal_cookies.config import MIGRATIONS_PATH
from portal_cookies.demo import load_demo_portal
from portal_cookies.extensions import db
from portal_cookies.inventory import services as inventory
from portal_cookies.login_sessions import open_login
from portal_cookies.models import (
    Category,
    CookieName,
    Provider,
    Role,
    TextState,
    TextUnit,
    TextVersion,
    User,
)
from portal_cookies.policy_texts import services as policy_texts
from portal_cookies.portal import update_portal
from portal_cookies.publishing import services as publishing
from portal_cookies.texts import save_text

PASSWORD = "correct horse battery staple"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if TEST_DATABASE_URL:
        return TEST_DATABASE_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


def settings_for(url: str) -> dict[str, object]:
    """The settings of a test app on the database at ``url``."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test secret, not for production",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
        # Each request asks which version is current, as a process does once a second:
        # tests publish and read at once. Tests of the delay set it (tests/test_public_snapshot).
        "POLICY_FRESHNESS_SECONDS": 0,
    }


def stamp_migration_head(revision: str = "heads") -> None:
    """Mark the app's database as migrated to ``revision`` (the head of migrations/), as
    ``flask db upgrade`` does. ``db.create_all()`` builds the models' schema, which
    tests/test_migrations.py proves the migrations build too, but not Alembic's table, which
    /healthz reads."""
    with db.engine.begin() as connection:
        MigrationContext.configure(connection).stamp(
            ScriptDirectory(str(MIGRATIONS_PATH)), revision
        )


class RequestClient(FlaskClient):
    """A test client whose every request runs in an app context of its own, as in production.

    Tests run inside one app context (``_clean_database``), and Flask reuses a pushed app
    context for requests: without this, every request and every client of a test would share
    one ``g`` (Flask-Login's current user, Flask-Babel's locale) and the test's database
    session, which also hides a view that forgets to commit.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        # The test's own objects now show what the request committed, and only that.
        db.session.expire_all()
        return response


def count_rows(model: type) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def count_queries(action: Callable[[], object]) -> int:
    """How many SQL statements ``action`` sends to the database."""
    statements = []

    def count(*args):
        statements.append(args[2])

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        action()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def page_language(response) -> str:
    """The language a page says it is in: ``<html lang="...">``."""
    match = re.search(r'<html lang="([^"]*)"', response.get_data(as_text=True))
    assert match, "the page has no <html lang>"
    return match.group(1)


def error_summary(response) -> str:
    """The summary of a refused form's errors on a page (``form_errors``), or ""."""
    found = re.search(r'<section class="error-summary".*?</section>', response.text, re.S)
    return found.group(0) if found else ""


def csrf_token(page: str) -> str:
    """The CSRF token of the first form on ``page``."""
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def page_title(response) -> str:
    found = re.search(r"<title>(.*?)</title>", response.text, re.S)
    assert found, "the page has no <title>"
    return found.group(1).strip()


def log_in(client: FlaskClient, role: Role | str) -> User:
    """A new account of ``role``, logged in straight through the session: no password hashing,
    for the many tests that need someone logged in but do not test logging in."""
    role = Role(role)
    number = count_rows(User) + 1
    user = User(email=f"{role.value}-{number}@example.org", role=role, password_hash="!")
    db.session.add(user)
    db.session.commit()
    open_login(user, remember=False)
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return user


def stored_pages(number: int, languages=("fr", "en")) -> dict[str, tuple[str, str, str]]:
    """Pages as publication would store them, (html, json, changes_html) per language."""
    return {
        language: (
            f'<!doctype html><html lang="{language}"><title>Cookies v{number}</title>'
            f"<h1>Politique « cookies » v{number} ({language})</h1></html>",
            json.dumps({"format": 1, "version": number, "language": language, "é": "ü"}),
            f'<!doctype html><html lang="{language}"><h1>Changes up to v{number}</h1></html>',
        )
        for language in languages
    }


def translate(
    unit: TextUnit,
    text: str,
    language: str = "en",
    *,
    state: TextState = TextState.TRANSLATED,
) -> TextVersion:
    """Save ``text`` as ``unit``'s text in ``language``, by no one, and commit.

    It builds on the current text, so the save never meets a conflict: tests that are about
    conflicts call ``save_text`` themselves.
    """
    current = unit.current_version(language)
    version = save_text(
        unit, language, text, None, base_version_id=current.id if current else None, state=state
    )
    db.session.commit()
    return version


def publish_a_second_demo_version():
    """The demo (version 1), then version 2 published with an entry added, a text changed, a
    setting changed and a section added, each complete in French and English. Returns the
    added entry and section."""
    load_demo_portal()
    entry = inventory.create_entry(
        inventory.EntryData(
            provider=db.session.scalar(sa.select(Provider).where(Provider.name == "Opendatasoft")),
            category=db.session.scalar(sa.select(Category).where(Category.slug == "statistics")),
            names=["_pk_id.*"],
            storage_kind="http_cookie",
            party="first",
            domain="",
            locations=["front_office"],
            function="Mesure d'audience",
            purpose="Compter les visites sans vous reconnaître.",
            duration_kind="session",
            duration_value=None,
            duration_unit=None,
            consent_basis="consent",
            exemption_ground=None,
        ),
        actor=None,
    )
    translate(entry.function_unit, "Audience measurement")
    translate(entry.purpose_unit, "Counts visits without recognising you.")
    session = db.session.scalar(sa.select(CookieName).where(CookieName.name == "sessionid")).entry
    translate(session.purpose_unit, "Keeps you logged in while you browse the portal.")
    update_portal(actor=None, contact_email="vie-privee@bastia.example.org")
    section = policy_texts.create_section(
        title="Réseaux sociaux",
        text="Nos pages n'intègrent aucun réseau social.",
        after_tables=True,
        actor=None,
    )
    translate(section.title_unit, "Social networks")
    translate(section.unit, "Our pages embed no social network.")
    publishing.publish_policy(
        note="Mesure d'audience, réseaux sociaux.",
        note_translations={"en": "Audience measurement, social networks."},
        actor=None,
    )
    return entry, section


# The columns of an Open Cookie Database file, as the catalogue's import expects them.
CATALOGUE_HEADER = (
    "ID,Platform,Category,Cookie / Data Key name,Domain,Description,Retention period,"
    "Data Controller,User Privacy & GDPR Rights Portals,Wildcard match"
)


def catalogue_file(rows: list[tuple[str, ...]], header: str = CATALOGUE_HEADER) -> bytes:
    """A catalogue of known cookies in the Open Cookie Database's CSV format."""
    out = io.StringIO()
    out.write(header + "\r\n")
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def know_cookie(name: str) -> None:
    """The catalogue of known cookies knows ``name``, as the Open Cookie Database would: an
    Opendatasoft cookie, functional, kept a month."""
    row = (
        f"id-{name}",
        "Opendatasoft",
        "Functional",
        name,
        "",
        "Remembers the display preferences.",
        "1 month",
        "Opendatasoft",
        "https://opendatasoft.example/privacy",
        "0",
    )
    catalogue.import_catalogue(catalogue_file([row]))


def upload_recording(client: FlaskClient, content: bytes, filename: str = "recording.har"):
    """Send a HAR or cookies.txt file to the drift report, as its upload form does."""
    return client.post(
        "/admin/inventory/drift/",
        data={"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )
