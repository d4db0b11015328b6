"""No input makes the app fail, and no refused input changes anything.

Every address of the app (read from its url_map, so a new one is driven the day it is added)
gets arbitrary query strings, and every POST arbitrary forms, on a realistic portal: the demo
with a second version published, a text waiting for review and an outdated one. URL
arguments are existing ids or anything at all; field names are those of the forms the pages
show (read from the pages themselves), plus unknown ones, each missing, repeated or not;
values are any Unicode (control characters and NUL included), huge and negative numbers.
The PO import gets mutated exports through the page and through ``flask texts import``.

A 500 fails (TESTING propagates the exception itself). A refused request (a 4xx, or a form
shown again) must leave every row of every table as it was: a digest of all rows says so.
Hypothesis runs derandomized and with a bounded number of examples, so CI is reproducible.
"""

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from io import BytesIO
from urllib.parse import quote, urlencode, urlsplit

import pytest
import sqlalchemy as sa
from babel.messages.pofile import escape
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from portal_cookies import create_app
from portal_cookies.extensions import db
from portal_cookies.inventory import services as inventory
from portal_cookies.models import (
    DriftFinding,
    DriftKind,
    PolicyText,
    Provider,
    Role,
    TextVersion,
    User,
)
from portal_cookies.portal import get_settings, update_portal
from portal_cookies.texts import set_source_text
from portal_cookies.translation import services as translation
from tests.helpers import (
    PASSWORD,
    TEST_DATABASE_URL,
    publish_a_second_demo_version,
    settings_for,
)

# Addresses not driven, and why.
SKIPPED = {
    "static": "files read from disk: no input reaches the app's code",
}

# A POST that answers with a page once done, rather than with a redirect: that answer may
# change rows. Any other 200 or 422 to a POST is a form shown again, and must change none.
DONE_WITH_A_PAGE = {
    ("users.reset_password", 200),
    ("translation.import_file", 200),
}

# Forms the demo portal's pages do not show (no outdated text reaches the editor's confirm
# button there, no translation fails a check): their fields, as the templates name them.
FIELDS_NOT_ON_PAGES = {
    ("translation.confirm", "POST"): {"base_version_id": set()},
    ("translation.dismiss", "POST"): {"check": {"text.identical", "text.length"}, "reason": set()},
}

# Examples per address: forms get more than pages, the PO import more than any form.
# PostgreSQL's pass takes half as many: each request costs it about twice as much, and the
# SQLite pass has explored the app's own logic already.
_SHARE = 2 if TEST_DATABASE_URL else 1
PAGE_EXAMPLES = 20 // _SHARE
FORM_EXAMPLES = 60 // _SHARE
IMPORT_EXAMPLES = 200 // _SHARE
CLI_EXAMPLES = 50 // _SHARE

PROPERTY_SETTINGS = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


def every_route() -> list[tuple[str, str, str]]:
    """(endpoint, rule, method) of every address, from a fresh app's url_map."""
    rules = create_app(settings_for("sqlite://")).url_map.iter_rules()
    return sorted(
        (rule.endpoint, rule.rule, method)
        for rule in rules
        for method in ("GET", "POST")
        if method in rule.methods and rule.endpoint not in SKIPPED
    )


ROUTES = every_route()


def test_every_skipped_address_exists(app):
    gone = SKIPPED.keys() - {rule.endpoint for rule in app.url_map.iter_rules()}
    assert not gone, f"remove {', '.join(sorted(gone))} from SKIPPED"


# --- The portal, loaded once and put back before each test --------------------------------


@dataclass
class Portal:
    rows: dict[str, list[dict]]
    url_values: dict[str, list[str]]
    users: dict[str, int]
    # endpoint -> field name -> values the pages offer for it
    fields: dict[tuple[str, str], dict[str, set[str]]]
    export: bytes
    every_name: set[str] = field(default_factory=set)
    # (endpoint, method) -> the pages that show its form, read again once rows change
    hosts: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))


_portal: list[Portal] = []


def _make_portal(app: Flask) -> Portal:
    from portal_cookies.users import services as users

    entry, section = publish_a_second_demo_version()
    admin = users.create_user("admin-input@example.org", Role.ADMIN, PASSWORD)
    translator = users.create_user("translator-input@example.org", Role.TRANSLATOR, PASSWORD)
    other = users.create_user("other-input@example.org", Role.OPERATOR, PASSWORD)
    # A draft waiting for review and an outdated translation: their buttons show.
    translation.save_translation(
        entry.purpose_unit,
        "en",
        "Counts visits, anonymously.",
        base_version_id=entry.purpose_unit.current_version("en").id,
        actor=translator,
    )
    set_source_text(entry.function_unit, "Mesure d'audience anonyme", admin)
    update_portal(actor=None, review_required=True)
    db.session.commit()
    # Versions of the first unit in the first language, so that a revert can succeed.
    versions = db.session.scalars(
        sa.select(TextVersion.id)
        .where(TextVersion.unit_id == entry.purpose_unit.id, TextVersion.language == "en")
        .order_by(TextVersion.id)
    ).all()
    # A drift report with an undeclared cookie, whose draft entry page takes a finding id.
    host = urlsplit(get_settings().base_url).hostname
    recording = f"{host}\tFALSE\t/\tFALSE\t0\tundeclared_pref\t1\n".encode()
    inventory.drift_report_from_file(BytesIO(recording), source="cookies.txt", actor=admin)
    finding = db.session.scalar(
        sa.select(sa.func.min(DriftFinding.id)).where(DriftFinding.kind == DriftKind.UNDECLARED)
    )
    url_values = {
        "finding_id": [str(finding)],
        "entry_id": [str(entry.id)],
        "category_id": [str(entry.category_id)],
        "provider_id": [str(db.session.scalar(sa.select(sa.func.min(Provider.id))))],
        "unit_id": [str(entry.purpose_unit.id), str(entry.function_unit.id)],
        "language": ["en", "fr"],
        "lang": ["en", "fr"],
        "version_id": [str(versions[0]), str(versions[-1])],
        "number": ["1", "2"],
        "user_id": [str(other.id)],
        "text_id": [
            str(section.id),
            str(db.session.scalar(sa.select(sa.func.min(PolicyText.id)))),
        ],
    }
    rows = {
        table.name: [dict(row._mapping) for row in db.session.execute(sa.select(table))]
        for table in db.metadata.sorted_tables
    }
    portal = Portal(rows, url_values, {"admin": admin.id, "translator": translator.id}, {}, b"")
    _discover_forms(app, portal)
    return portal


def _restore(portal: Portal) -> None:
    with db.engine.begin() as connection:
        for table in db.metadata.sorted_tables:
            if portal.rows[table.name]:
                connection.execute(table.insert(), portal.rows[table.name])


@pytest.fixture
def portal(app: Flask) -> Portal:
    app.config["TESTING"] = True
    if not _portal:
        _portal.append(_make_portal(app))
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
    _restore(_portal[0])
    return _portal[0]


def rows_digest() -> str:
    """A digest of every row of every table."""
    digest = hashlib.sha256()
    for table in db.metadata.sorted_tables:
        order = list(table.primary_key.columns) or list(table.columns)
        for row in db.session.execute(sa.select(table).order_by(*order)):
            digest.update(repr(tuple(row)).encode())
    db.session.rollback()
    return digest.hexdigest()


# --- Reading the pages' forms ---------------------------------------------------------------


class FormReader(HTMLParser):
    """Each form of a page: (method, action, {name: values offered})."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, str, dict[str, set[str]]]] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            method = (attributes.get("method") or "get").upper()
            self.forms.append((method, attributes.get("action") or "", defaultdict(set)))
        elif not self.forms:
            return
        elif tag in ("input", "textarea", "select", "button") and attributes.get("name"):
            values = self.forms[-1][2][attributes["name"]]
            values.add(attributes.get("value") or "")
            self._select = attributes["name"] if tag == "select" else self._select
        elif tag == "option" and self._select:
            self.forms[-1][2][self._select].add(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _discover_forms(app: Flask, portal: Portal) -> None:
    """Field names (and the values offered) of every form on every page, as an administrator
    and as a visitor sees it, with each of the URL values."""
    admin, visitor = app.test_client(), app.test_client()
    _log_in(admin, portal.users["admin"])
    variants = max(len(values) for values in portal.url_values.values())
    for endpoint, _rule, method in ROUTES:
        if method != "GET":
            continue
        for index in range(variants):
            values = {
                name: found[min(index, len(found) - 1)] for name, found in portal.url_values.items()
            }
            path = _build(app, endpoint, values)
            for client in (admin, visitor):
                for form in read_forms(app, portal, path, client.get(path)):
                    if client is admin:
                        portal.hosts[form].add(path)
    portal.export = admin.get("/admin/translation/export?language=en").get_data()


def read_forms(app: Flask, portal: Portal, path: str, response) -> set[tuple[str, str]]:
    """Add the fields (and values offered) of a page's forms; the (endpoint, method) of each."""
    if response.mimetype != "text/html":
        return set()
    reader = FormReader()
    reader.feed(response.get_data(as_text=True))
    adapter = app.url_map.bind("localhost")
    found = set()
    for form_method, action, names in reader.forms:
        try:
            target, _ = adapter.match(urlsplit(action or path).path, method=form_method)
        except HTTPException:
            continue
        found.add((target, form_method))
        for name, offered in names.items():
            fields = portal.fields.setdefault((target, form_method), {})
            fields.setdefault(name, set()).update(offered)
            portal.every_name.add(name)
    return found


def _build(app: Flask, endpoint: str, values: dict[str, str]) -> str:
    rule = next(rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)
    path = rule.rule
    for name in rule.arguments:
        path = re.sub(rf"<(?:[a-z]+:)?{name}>", quote(str(values[name]), safe=""), path)
    return path


def _log_in(client, user_id: int) -> None:
    user = db.session.get(User, user_id)
    with client.session_transaction() as session:
        session.clear()
        if user is not None:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
    db.session.rollback()


# --- What arbitrary input is ----------------------------------------------------------------

NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["0", "-1", str(2**31 - 1), str(2**31), str(2**63), "9" * 5000, "1e9"]),
    # Digits Python's isdigit accepts and int() does not, or reads as another number.
    st.sampled_from(["²", "٣", "1²", " 1", "1\x00"]),
)
# NUL and other control characters, line and paragraph separators, a byte-order mark, an
# invisible right-to-left mark: as likely as any other character.
AWKWARD = "\x00\x01\x08\x0b\x1b\x7f\x85\u2028\u2029\ufeff\u200f"
ANY_TEXT = st.text(st.one_of(st.characters(), st.sampled_from(AWKWARD)), max_size=40)
VALUES = st.one_of(ANY_TEXT, NUMBERS, st.just(""), st.text(max_size=3000))


def values_for(offered: set[str]) -> st.SearchStrategy[str]:
    """One of the values a page offers (read at the time: pages are read again when rows
    change, and a hidden version id moves on), or anything."""
    if not offered:
        return VALUES
    pick = st.integers(0, 2**16).map(lambda index: sorted(offered)[index % len(offered)])
    return st.one_of(pick, VALUES)


def pairs(fields: dict[str, set[str]], every_name: set[str]) -> st.SearchStrategy:
    """Fields in any number and order: each missing, once or repeated, plus unknown names."""
    known = [
        st.tuples(st.just(name), values_for(offered)) for name, offered in sorted(fields.items())
    ]
    other = st.tuples(st.one_of(st.sampled_from(sorted(every_name)), ANY_TEXT), VALUES)
    one = st.one_of(*known, other) if known else other
    # Mostly every known field once (a form as sent, with odd values), sometimes a jumble.
    whole = st.tuples(*known).map(list) if known else st.just([])
    return st.one_of(
        whole, st.lists(one, max_size=12), st.tuples(whole, st.lists(one, max_size=4)).map(sum1)
    )


def sum1(parts: tuple[list, list]) -> list:
    return parts[0] + parts[1]


def segment(values: list[str] | None) -> st.SearchStrategy[str]:
    """A URL argument: an existing one, a number of any size, or any text."""
    other = st.one_of(NUMBERS.filter(lambda n: not n.startswith("-")), ANY_TEXT)
    if not values:
        return other
    # Mostly an existing one: a form is only reached past a found row.
    return st.integers(0, 3).flatmap(lambda n: other if n == 0 else st.sampled_from(values))


# --- Each address, driven -------------------------------------------------------------------


@dataclass
class Outcome:
    status: int
    changed: bool


def _send(client, method: str, path: str, query: list, form: list, files: dict) -> int:
    url = path + ("?" + urlencode(query) if query else "")
    data = MultiDict(form)
    for name, upload in files.items():
        data.add(name, upload)
    response = client.open(url, method=method, data=data if method == "POST" else None)
    return response.status_code


def _check(endpoint: str, method: str, status: int, before: str, after: str) -> None:
    assert status != 500
    refused = 400 <= status < 500 or (
        method == "POST" and status in (200, 422) and (endpoint, status) not in DONE_WITH_A_PAGE
    )
    if method == "GET" or refused:
        assert after == before, f"{method} {endpoint} answered {status} and changed rows"


@pytest.mark.parametrize(
    ("endpoint", "rule", "method"), ROUTES, ids=[f"{m} {r}" for _, r, m in ROUTES]
)
def test_no_input_fails_or_changes_anything_when_refused(
    app, client, portal, endpoint, rule, method
):
    known = FIELDS_NOT_ON_PAGES | portal.fields
    fields = known.get((endpoint, "POST"), {}) if method == "POST" else {}
    # A page's own filters, else those of every page: links carry them from page to page.
    query_fields = portal.fields.get((endpoint, "GET")) or {
        name: offered
        for (_target, form_method), names in portal.fields.items()
        if form_method == "GET"
        for name, offered in names.items()
    }
    file_fields = {name for name in fields if name == "file"}
    arguments = [name for name in re.findall(r"<(?:[a-z]+:)?([a-z_]+)>", rule)]
    state = {"digest": rows_digest()}
    admin = app.test_client()
    _log_in(admin, portal.users["admin"])

    @settings(PROPERTY_SETTINGS, max_examples=_examples(endpoint, method, fields))
    @given(
        who=st.sampled_from(["admin", "admin", "admin", "translator"]),
        url=st.fixed_dictionaries(
            {name: segment(portal.url_values.get(name)) for name in arguments}
        ),
        query=st.one_of(st.just([]), pairs(query_fields, portal.every_name)),
        form=pairs({k: v for k, v in fields.items() if k not in file_fields}, portal.every_name),
        upload=po_files(portal.export) if file_fields else st.none(),
    )
    def drive(who, url, query, form, upload):
        _log_in(client, portal.users[who])
        files = {"file": (BytesIO(upload), "texts.po")} if upload is not None else {}
        status = _send(client, method, _build(app, endpoint, url), query, form, files)
        after = rows_digest()
        before, state["digest"] = state["digest"], after
        _check(endpoint, method, status, before, after)
        if after != before:
            for path in portal.hosts.get((endpoint, method), ()):
                read_forms(app, portal, path, admin.get(path))

    drive()


def _examples(endpoint: str, method: str, fields: dict) -> int:
    if endpoint == "translation.import_file":
        return IMPORT_EXAMPLES
    return FORM_EXAMPLES if method == "POST" and fields else PAGE_EXAMPLES


# --- The PO import ----------------------------------------------------------------------------


def po_files(export: bytes) -> st.SearchStrategy[bytes]:
    """An export with its translations replaced, dropped, repeated or renamed; or anything."""
    header, _, body = export.decode().partition("\n\n")
    entries = re.findall(r'msgctxt "((?:[^"\\]|\\.)*)"', body)

    def entry(key: str, text: str) -> str:
        return f'msgctxt "{key}"\nmsgid "{key}"\nmsgstr "{escape(text)}"\n'

    keys = st.one_of(st.sampled_from(entries), ANY_TEXT.map(escape)) if entries else ANY_TEXT
    made = st.lists(st.tuples(keys, VALUES), max_size=8).map(
        lambda rows: "\n\n".join([header, *(entry(key, text) for key, text in rows)]).encode()
    )
    return st.one_of(
        made,
        made.map(lambda data: data.replace(b"Language: en", b"Language: de")),
        st.just(export),
        st.binary(max_size=200),
        st.text(max_size=200).map(lambda text: text.encode()),
    )


def test_no_po_file_fails_the_command_line_or_changes_anything_when_refused(app, portal, tmp_path):
    runner = app.test_cli_runner()
    state = {"digest": rows_digest()}

    @settings(PROPERTY_SETTINGS, max_examples=CLI_EXAMPLES)
    @given(data=po_files(portal.export))
    def run(data):
        path = tmp_path / "texts.po"
        path.write_bytes(data)
        result = runner.invoke(args=["texts", "import", str(path)])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        after = rows_digest()
        before, state["digest"] = state["digest"], after
        if result.exit_code != 0:
            assert after == before, "a refused file changed rows"

    run()
