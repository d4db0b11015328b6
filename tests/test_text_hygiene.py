"""One rule for every stored text (no control character, no direction control, one line where
one is expected), operator-written text isolated on the public pages, and request bodies held
to their size before they are read."""

import io
from html.parser import HTMLParser

import polib
import pytest

from portal_cookies import checks
from portal_cookies.demo import load_demo_portal
from portal_cookies.extensions import db
from portal_cookies.models import (
    Category,
    CheckDismissal,
    CookieEntry,
    PortalSettings,
    Provider,
    Role,
    TextVersion,
)
from portal_cookies.publishing import services as publishing
from portal_cookies.service_errors import ServiceError
from portal_cookies.translation import exchange
from portal_cookies.translation import services as translation
from portal_cookies.translation.exchange import ImportOutcome
from tests.helpers import count_rows, log_in, translate

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "txt.exe" written as "exe.txt"


@pytest.fixture
def portal():
    settings = PortalSettings(
        name="Test portal", base_url="https://portal.example.org", enabled_languages=["fr", "en"]
    )
    db.session.add(settings)
    db.session.commit()
    return settings


@pytest.fixture
def entry(portal, make_cookie):
    return make_cookie(names=["sessionid"], function="Connexion", purpose="Vous garde connecté.")


def refused(action, *args, **kwargs) -> ServiceError:
    with pytest.raises(ServiceError) as refusal:
        action(*args, **kwargs)
    return refusal.value


# --- NUL and other control characters -------------------------------------------------------


def test_a_nul_byte_in_a_translation_is_refused_on_its_field(entry, make_user):
    translator = make_user(Role.TRANSLATOR)

    error = refused(
        translation.save_translation,
        entry.purpose_unit,
        "en",
        "Keeps you\x00 logged in.",
        base_version_id=None,
        actor=translator,
    )

    assert error.field == "text"
    assert error.message == "Remove the control character U+0000 (character 10)."
    assert entry.purpose_unit.current_version("en") is None


def test_the_translation_editor_answers_a_nul_byte_with_a_message_not_an_error_page(client, entry):
    log_in(client, Role.TRANSLATOR)
    versions = count_rows(TextVersion)

    response = client.post(
        f"/admin/translation/{entry.purpose_unit.id}/en", data={"text": "Keeps\x00 you in."}
    )

    assert response.status_code == 422
    assert "Remove the control character U+0000 (character 6)." in response.text
    assert count_rows(TextVersion) == versions


def test_a_nul_byte_in_a_dismissal_reason_is_refused(portal, make_cookie, make_user):
    unit = make_cookie(function="Langue de l'interface.").function_unit
    translate(unit, "Interface language")
    [warning] = checks.check_translation(unit, "en")

    error = refused(
        checks.dismiss_warning, warning, reason="Same word\x00 in both.", actor=make_user()
    )

    assert error.field == "reason"
    assert "U+0000" in error.message
    assert count_rows(CheckDismissal) == 0


def test_a_c1_control_character_in_a_version_note_is_refused(portal):
    error = refused(publishing.publish_policy, note="Première\x9bversion", actor=None)

    assert error.field == "note"
    assert error.message == "Remove the control character U+009B (character 9)."


def test_a_tab_is_refused_on_one_line_and_kept_in_a_multi_line_text(portal, make_provider):
    error = refused(make_provider, name="Matomo\tAnalytics")
    assert (error.field, error.message) == (
        "name",
        "Remove the control character U+0009 (character 7).",
    )

    provider = make_provider(name="Matomo", safeguard="Hosted in the EU:\n\t- in Paris.")
    assert provider.safeguard_unit.source_text == "Hosted in the EU:\n\t- in Paris."


# --- Direction controls ---------------------------------------------------------------------


def test_a_direction_override_in_an_inventory_field_is_refused_naming_it(entry, make_provider):
    error = refused(make_provider, name=f"Goo{RLO}elgoog")

    assert error.field == "name"
    assert error.message == (
        "Remove the invisible direction control U+202E RIGHT-TO-LEFT OVERRIDE (character 4): "
        "it changes the order in which the text around it reads."
    )
    assert count_rows(Provider) == 1


@pytest.mark.parametrize("control", ["\u202a", "\u202d", "\u2066", "\u2068", "\u2069"])
def test_every_embedding_override_and_isolate_is_refused(entry, make_cookie, control):
    error = refused(make_cookie, names=["lang"], purpose=f"Garde {control}la langue.")

    assert error.field == "purpose"
    assert f"U+{ord(control):04X}" in error.message
    assert count_rows(CookieEntry) == 1


def test_right_to_left_text_itself_is_welcome(entry, make_provider):
    provider = make_provider(name="مزود الخرائط")
    assert provider.name == "مزود الخرائط"


def test_a_direction_override_in_a_translation_is_refused(entry, make_user):
    error = refused(
        translation.save_translation,
        entry.function_unit,
        "en",
        f"Log{RLO}in",
        base_version_id=None,
        actor=make_user(Role.TRANSLATOR),
    )

    assert error.field == "text"
    assert "U+202E RIGHT-TO-LEFT OVERRIDE (character 4)" in error.message
    assert entry.function_unit.current_version("en") is None


def test_a_direction_override_in_a_po_import_skips_that_text_and_says_why(entry):
    po = polib.pofile(exchange.export_po("en").decode("utf-8"))
    po.find(entry.function_unit.key, by="msgctxt").msgstr = f"Log{RLO}in"
    po.find(entry.purpose_unit.key, by="msgctxt").msgstr = "Keeps you logged in."

    report = exchange.import_po(str(po).encode("utf-8"), actor=None)

    rows = {row.key: row for row in report.rows}
    skipped = rows[entry.function_unit.key]
    assert skipped.outcome == ImportOutcome.SKIPPED
    assert "U+202E RIGHT-TO-LEFT OVERRIDE (character 4)" in skipped.message
    assert entry.function_unit.current_version("en") is None
    assert rows[entry.purpose_unit.key].outcome == ImportOutcome.APPLIED


# --- Operator-written text on the public pages ----------------------------------------------


class _Isolation(HTMLParser):
    """Each piece of the body's text, with whether an element around it sets its own
    direction (``<bdi>``, or any ``dir`` below ``<html>``)."""

    VOID = {"br", "hr", "img", "input", "link", "meta", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []
        self.in_body = False
        self.pieces: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        self.in_body = self.in_body or tag == "body"
        if tag not in self.VOID:
            self.stack.append(tag == "bdi" or (tag != "html" and "dir" in dict(attrs)))

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if self.in_body and data.strip():
            self.pieces.append((data.strip(), any(self.stack)))


def text_pieces(html: str) -> list[tuple[str, bool]]:
    parser = _Isolation()
    parser.feed(html)
    return parser.pieces


def test_every_operator_text_of_the_published_pages_keeps_its_direction_to_itself(client):
    load_demo_portal()
    settings = db.session.scalars(db.select(PortalSettings)).one()
    entries = db.session.scalars(db.select(CookieEntry)).all()
    operator_texts = [
        settings.name,
        settings.controller_name,
        *(provider.name for provider in db.session.scalars(db.select(Provider))),
        *(category.name_unit.source_text for category in db.session.scalars(db.select(Category))),
        *(entry.function_unit.source_text for entry in entries),
        publishing.current_version().notes["fr"],
    ]

    policy = client.get("/fr/cookies").text
    changes = client.get("/fr/cookies/changes").text

    pieces = text_pieces(policy) + text_pieces(changes)
    assert {text for text in operator_texts if (text, True) in pieces} == set(operator_texts)
    assert {text for text in operator_texts if (text, False) in pieces} == set()
    assert '<div class="prose" dir="auto">' in policy, "the policy's own texts"
    assert '<p class="note" dir="auto">' in changes


# --- Size limits ------------------------------------------------------------------------------


def test_a_body_over_max_content_length_answers_413_with_a_message(app, client, portal):
    log_in(client, Role.OPERATOR)
    too_large = b"-" * (app.config["MAX_CONTENT_LENGTH"] + 1)

    response = client.post(
        "/admin/translation/import",
        data=too_large,
        content_type="multipart/form-data; boundary=boundary",
    )

    assert app.config["MAX_CONTENT_LENGTH"] == 10 * 1024 * 1024
    assert response.status_code == 413
    assert "What was sent is larger than this site accepts" in response.text
    assert "nothing was saved" in response.text


def test_a_form_field_of_megabytes_answers_413_before_it_is_parsed(client, entry):
    log_in(client, Role.TRANSLATOR)

    response = client.post(
        f"/admin/translation/{entry.purpose_unit.id}/en", data={"text": "x" * 600_000}
    )

    assert response.status_code == 413
    assert "What was sent is larger than this site accepts" in response.text
    assert entry.purpose_unit.current_version("en") is None


def test_a_multipart_form_of_many_parts_answers_413(client, portal):
    log_in(client, Role.OPERATOR)
    parts = {f"field{number}": "x" for number in range(30)}

    response = client.post(
        "/admin/translation/import",
        data=parts | {"file": (io.BytesIO(b"msgid"), "texts.po")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 413


def test_a_po_file_of_one_huge_line_is_refused_before_it_is_parsed(portal, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("the file was read as PO")

    monkeypatch.setattr(exchange, "PoFileParser", never)
    monkeypatch.setattr(exchange, "_first_unquoted_line", never)
    data = b'msgstr "' + b"a" * 9_000_000 + b'"\n'

    error = refused(exchange.import_po, data, actor=None)

    assert error.field == "file"
    assert error.message == (
        "Line 1 of the file has 9000009 characters; a PO file of this portal's texts has at "
        "most 20100 on a line. Nothing was imported."
    )
