"""PO files to and from outside translators: `export_po`, `import_po`, `flask texts`.

The files go through tools that are not ours: GNU gettext's msgfmt checks what we write,
GNU msgcat rewraps it, and polib (the PO library many scripts and platforms use) edits it
as a translator's tool would, wrapping the long hash comments onto two lines on the way.
"""

import io
import shutil
import subprocess

import polib
import pytest
import sqlalchemy as sa
from babel.messages.pofile import read_po

from portal_cookies import texts
from portal_cookies.extensions import db
from portal_cookies.inventory import services as inventory
from portal_cookies.models import (
    AuditEvent,
    CurrentText,
    PortalSettings,
    TextOrigin,
    TextState,
    TextUnit,
    TextVersion,
    text_hash,
)
from portal_cookies.portal import create_policy_text
from portal_cookies.service_errors import ServiceError
from portal_cookies.texts import TextStatus, status_of
from portal_cookies.translation.exchange import ImportOutcome, export_po, import_po
from tests.helpers import count_rows, translate

MSGFMT = shutil.which("msgfmt")
MSGCAT = shutil.which("msgcat")
needs_gettext = pytest.mark.skipif(
    MSGFMT is None or MSGCAT is None,
    reason="GNU gettext is not installed (apt-get install gettext; .ci/run does)",
)

INTRODUCTION = (
    "Ce portail dépose peu de cookies.\n"
    "\n"
    "Les uns sont « nécessaires » ; les autres, 50 % des cas, demandent votre accord "
    "{avant} d'être déposés. Une ligne \\ avec une barre oblique inverse et un \ttab."
)
INTRODUCTION_EN = (
    "This portal stores few cookies.\n"
    "\n"
    'Some are "necessary"; the others, 50% of them, ask for your agreement {before} being '
    "stored. A line \\ with a backslash and a\ttab.  \n"
    "  - and an indented list item"
)


@pytest.fixture
def portal():
    settings = PortalSettings(
        name="Ville de Test",
        base_url="https://data.example.org",
        source_language="fr",
        enabled_languages=["fr", "en"],
        contact_email="dpo@example.org",
    )
    db.session.add(settings)
    db.session.commit()
    return settings


@pytest.fixture
def policy(portal, make_cookie):
    """A small policy: a multi-line text, a category, a provider, two cookies.

    In English: the title translated, the introduction missing, the category's name a draft,
    its explanation outdated (the French changed after it was translated).
    """
    title = create_policy_text("title", "Politique de cookies", position=1, actor=None).unit
    introduction = create_policy_text("introduction", INTRODUCTION, position=2, actor=None).unit
    session = make_cookie(names=["sessionid"], function="Connexion", purpose="Vous garde connecté.")
    language = make_cookie(
        names=["django_language"],
        function="Langue",
        purpose="Retient la langue choisie.",
        category=session.category,
        provider=session.provider,
    )
    category = session.category
    translate(title, "Cookie policy")
    translate(category.name_unit, "Category one", state=TextState.DRAFT)
    translate(category.explanation_unit, "Explanation of category one.")
    texts.set_source_text(category.explanation_unit, "Nouvelle explication.", None)
    db.session.commit()
    return {
        "title": title,
        "introduction": introduction,
        "category_name": category.name_unit,
        "category_explanation": category.explanation_unit,
        "session_function": session.function_unit,
        "session_purpose": session.purpose_unit,
        "language_function": language.function_unit,
        "language_purpose": language.purpose_unit,
        "session": session,
        "language": language,
    }


def parse(data: bytes) -> polib.POFile:
    return polib.pofile(data.decode("utf-8"))


def entries(data: bytes) -> dict[str, polib.POEntry]:
    return {entry.msgctxt: entry for entry in parse(data)}


def edit(data: bytes, translations: dict[TextUnit, str]) -> bytes:
    """Fill msgstrs as a translator's tool does: the fuzzy flag of an edited entry is
    cleared, the rest of the file is kept."""
    po = parse(data)
    for unit, text in translations.items():
        entry = po.find(unit.key, by="msgctxt")
        entry.msgstr = text
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    return str(po).encode("utf-8")


def snapshot() -> dict[str, int]:
    return {model.__name__: count_rows(model) for model in (TextVersion, CurrentText, AuditEvent)}


def outcomes(report) -> dict[str, ImportOutcome]:
    return {row.key: row.outcome for row in report.rows}


def msgfmt_check(path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [MSGFMT, "--check", "-o", "/dev/null", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


# --- Export -------------------------------------------------------------------------------


@needs_gettext
def test_the_exported_file_passes_msgfmt_check(policy, tmp_path):
    # A translation whose paragraph layout differs from its source's: flagged, still valid.
    translate(policy["session_purpose"], "Keeps you logged in.\n")
    path = tmp_path / "en.po"
    path.write_bytes(export_po("en"))

    result = msgfmt_check(path)

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_the_export_carries_unit_keys_source_hashes_and_context(policy):
    exported = entries(export_po("en"))

    title = exported[policy["title"].key]
    assert title.msgid == "Politique de cookies"
    assert title.msgstr == "Cookie policy"
    assert f"source-sha256: {text_hash('Politique de cookies')}" in title.comment.splitlines()
    assert "Title · Policy page text" in title.comment.splitlines()
    purpose = exported[policy["session_purpose"].key]
    assert "sessionid · Cookie purpose" in purpose.comment.splitlines()
    assert purpose.msgid == "Vous garde connecté."
    assert purpose.msgstr == ""


def test_the_export_has_one_message_per_text_the_policy_shows(policy, make_cookie):
    session = policy["session"]
    archived = make_cookie(
        names=["old"], category=session.category, provider=session.provider, archived=True
    )

    keys = set(entries(export_po("en")))

    expected = {unit.key for name, unit in policy.items() if isinstance(unit, TextUnit)}
    # The provider's safeguard is empty: nothing to translate, so not in the file.
    assert keys == expected
    assert archived.function_unit.key not in keys


def test_outdated_and_draft_translations_are_fuzzy_the_others_not(policy):
    exported = entries(export_po("en"))

    fuzzy = {key for key, entry in exported.items() if "fuzzy" in entry.flags}
    assert fuzzy == {policy["category_name"].key, policy["category_explanation"].key}
    outdated = exported[policy["category_explanation"].key]
    assert (outdated.msgid, outdated.msgstr) == (
        "Nouvelle explication.",
        "Explanation of category one.",
    )


def test_no_text_is_flagged_as_a_format_string(policy):
    # Babel guesses python-format from "%" or "{}": msgfmt would then check placeholders.
    exported = entries(export_po("en"))

    assert exported[policy["introduction"].key].flags == []


def test_the_header_marks_the_file_as_ours(policy):
    po = parse(export_po("en"))

    assert po.metadata["Language"] == "en"
    assert po.metadata["X-Portal-Cookies-Format"] == "1"
    assert po.metadata["X-Portal-Cookies-Source-Language"] == "fr"
    assert po.metadata["X-Portal-Cookies-Portal"] == "Ville de Test"
    assert po.metadata["Project-Id-Version"].startswith("portal-cookies ")
    assert po.metadata["Content-Type"] == "text/plain; charset=utf-8"
    assert po.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert po.metadata["Report-Msgid-Bugs-To"] == "dpo@example.org"
    assert not po.metadata_is_fuzzy


@pytest.mark.parametrize("language", ["fr", "de", ""])
def test_the_source_language_or_a_language_not_enabled_cannot_be_exported(policy, language):
    with pytest.raises(ServiceError) as refused:
        export_po(language)

    assert refused.value.field == "language"
    assert "other than its source language" in refused.value.message


def test_a_third_language_enabled_by_configuration_exports_every_text_empty(policy, portal):
    portal.enabled_languages = ["fr", "en", "de"]
    db.session.commit()

    po = parse(export_po("de"))

    assert po.metadata["Language"] == "de"
    assert len(po) == 8
    assert all(entry.msgstr == "" and "fuzzy" not in entry.flags for entry in po)


# --- Import -------------------------------------------------------------------------------


def test_a_round_trip_brings_translations_back_as_drafts_with_a_report(policy, make_user):
    translator = make_user("translator")
    exported = export_po("en")
    edited = edit(
        exported,
        {
            policy["session_purpose"]: "Keeps you logged in.",
            policy["language_purpose"]: "Remembers the language you chose.",
            policy["language_function"]: "Language",
        },
    )
    po = parse(edited)
    po.append(polib.POEntry(msgctxt="unit-999999", msgid="Inconnu", msgstr="Unknown"))
    edited = str(po).encode("utf-8")
    # Meanwhile, in the portal, a source text changes.
    texts.set_source_text(policy["language_function"], "Langue de l'interface", None)
    db.session.commit()

    report = import_po(edited, actor=translator)

    assert report.language == "en"
    assert outcomes(report) == {
        policy["title"].key: ImportOutcome.UNCHANGED,
        policy["introduction"].key: ImportOutcome.SKIPPED,
        policy["category_name"].key: ImportOutcome.UNCHANGED,
        policy["category_explanation"].key: ImportOutcome.UNCHANGED,
        policy["session_function"].key: ImportOutcome.SKIPPED,
        policy["session_purpose"].key: ImportOutcome.APPLIED,
        policy["language_function"].key: ImportOutcome.CONFLICT,
        policy["language_purpose"].key: ImportOutcome.APPLIED,
        "unit-999999": ImportOutcome.UNKNOWN,
    }
    assert report.counts == {
        ImportOutcome.APPLIED: 2,
        ImportOutcome.UNCHANGED: 3,
        ImportOutcome.SKIPPED: 2,
        ImportOutcome.CONFLICT: 1,
        ImportOutcome.UNKNOWN: 1,
    }
    for name, text in [
        ("session_purpose", "Keeps you logged in."),
        ("language_purpose", "Remembers the language you chose."),
    ]:
        version = policy[name].current_version("en")
        assert (version.text, version.state, version.origin) == (
            text,
            TextState.DRAFT,
            TextOrigin.IMPORT,
        )
        assert version.author == translator
        assert status_of(policy[name], "en") == TextStatus.DRAFT
    assert policy["language_function"].current_version("en") is None
    conflict = next(row for row in report.rows if row.outcome == ImportOutcome.CONFLICT)
    assert conflict.label == "django_language · Cookie function"
    assert "source text changed since the export" in conflict.message
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "import")).all()
    assert {(event.object_id, event.actor_id) for event in events} == {
        (policy["session_purpose"].id, translator.id),
        (policy["language_purpose"].id, translator.id),
    }
    assert events[0].after["state"] == "draft"


def test_multi_line_text_round_trips_exactly(policy):
    edited = edit(export_po("en"), {policy["introduction"]: INTRODUCTION_EN})

    report = import_po(edited, actor=None)

    assert outcomes(report)[policy["introduction"].key] == ImportOutcome.APPLIED
    assert policy["introduction"].text("en") == INTRODUCTION_EN
    assert entries(export_po("en"))[policy["introduction"].key].msgstr == INTRODUCTION_EN


def test_a_file_imported_twice_changes_nothing_the_second_time(policy):
    edited = edit(export_po("en"), {policy["session_purpose"]: "Keeps you in."})
    import_po(edited, actor=None)
    before = snapshot()

    report = import_po(edited, actor=None)

    assert outcomes(report)[policy["session_purpose"].key] == ImportOutcome.UNCHANGED
    assert report.counts[ImportOutcome.APPLIED] == 0
    assert snapshot() == before


def test_an_outdated_translation_left_fuzzy_is_unchanged_and_confirmed_when_cleared(policy):
    unit = policy["category_explanation"]
    exported = export_po("en")

    untouched = import_po(exported, actor=None)
    po = parse(exported)
    po.find(unit.key, by="msgctxt").flags.remove("fuzzy")
    confirmed = import_po(str(po).encode("utf-8"), actor=None)

    assert outcomes(untouched)[unit.key] == ImportOutcome.UNCHANGED
    assert outcomes(confirmed)[unit.key] == ImportOutcome.APPLIED
    assert unit.text("en") == "Explanation of category one."
    assert status_of(unit, "en") == TextStatus.DRAFT


def test_a_translation_changed_in_the_portal_since_the_export_is_a_conflict(policy):
    unit = policy["title"]
    exported = export_po("en")
    translate(unit, "Our cookie policy")

    report = import_po(edit(exported, {unit: "The cookie policy"}), actor=None)

    row = next(row for row in report.rows if row.key == unit.key)
    assert row.outcome == ImportOutcome.CONFLICT
    assert "translation was changed in the portal" in row.message
    assert unit.text("en") == "Our cookie policy"


def test_a_text_of_an_entry_archived_since_the_export_is_unknown(policy):
    exported = edit(export_po("en"), {policy["session_purpose"]: "Keeps you in."})
    inventory.archive_entry(policy["session"], actor=None)

    report = import_po(exported, actor=None)

    assert outcomes(report)[policy["session_purpose"].key] == ImportOutcome.UNKNOWN
    assert policy["session_purpose"].current_version("en") is None


@needs_gettext
def test_a_file_rewrapped_by_gnu_msgcat_comes_back_unchanged(policy, tmp_path):
    path = tmp_path / "en.po"
    path.write_bytes(export_po("en"))
    subprocess.run([MSGCAT, "--width=40", "-o", str(path), str(path)], check=True)
    before = snapshot()

    report = import_po(path.read_bytes(), actor=None)

    assert report.counts[ImportOutcome.APPLIED] == 0
    assert report.counts[ImportOutcome.CONFLICT] == 0
    assert report.counts[ImportOutcome.UNCHANGED] == 3
    assert snapshot() == before


def test_a_file_saved_by_a_windows_editor_imports_the_same(policy):
    edited = edit(export_po("en"), {policy["introduction"]: INTRODUCTION_EN})
    windows = b"\xef\xbb\xbf" + edited.replace(b"\n", b"\r\n")

    report = import_po(windows, actor=None)

    assert outcomes(report)[policy["introduction"].key] == ImportOutcome.APPLIED
    assert report.counts[ImportOutcome.CONFLICT] == 0
    assert policy["introduction"].text("en") == INTRODUCTION_EN


@needs_gettext
def test_a_file_filled_by_a_translator_still_passes_msgfmt(policy, tmp_path):
    path = tmp_path / "en.po"
    path.write_bytes(edit(export_po("en"), {policy["introduction"]: INTRODUCTION_EN}))

    assert msgfmt_check(path).returncode == 0


@pytest.fixture
def two_filled(policy) -> bytes:
    """The English export with two missing translations filled in."""
    return edit(
        export_po("en"),
        {
            policy["session_purpose"]: "Keeps you logged in.",
            policy["language_purpose"]: "Remembers the language.",
        },
    )


def test_a_save_conflict_during_the_import_saves_none_of_the_file(policy, two_filled, monkeypatch):
    saves = []
    save_text = texts.save_text

    def save_with_someone_faster(unit, language, text, author, **options):
        saves.append(unit.key)
        if len(saves) == 2:
            # Started from a version that is not the current one: someone saved meanwhile.
            options["base_version_id"] = unit.current_version(unit.source_language).id
        return save_text(unit, language, text, author, **options)

    monkeypatch.setattr(texts, "save_text", save_with_someone_faster)
    before = snapshot()

    with pytest.raises(ServiceError, match="nothing was imported"):
        import_po(two_filled, actor=None)

    assert len(saves) == 2
    assert snapshot() == before


def test_an_unexpected_error_during_the_import_saves_none_of_the_file(
    policy, two_filled, monkeypatch
):
    events = []

    def failing_audit(*args, **kwargs):
        events.append(args)
        if len(events) == 2:
            raise RuntimeError("the disk is full")

    monkeypatch.setattr(texts, "record_event", failing_audit)
    before = snapshot()

    with pytest.raises(RuntimeError):
        import_po(two_filled, actor=None)

    assert snapshot() == before
    assert policy["session_purpose"].current_version("en") is None


DJANGO_CATALOG = b"""\
# Django's French catalog.
msgid ""
msgstr ""
"Project-Id-Version: django\\n"
"Language: fr\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\\n"

msgid "Log in"
msgstr "Connexion"
"""


def _retagged(data: bytes, old: bytes, new: bytes) -> bytes:
    assert old in data
    return data.replace(old, new)


REFUSED = {
    "truncated quote": (
        lambda data: data[: data.index(b'msgstr "Cookie policy"') + len(b'msgstr "Cook')],
        "not a valid PO file (line",
    ),
    "foreign catalog": (lambda data: DJANGO_CATALOG, "not a file exported by portal-cookies"),
    "language not enabled": (
        lambda data: _retagged(data, b'"Language: en\\n"', b'"Language: de\\n"'),
        "“de”, which is not a language",
    ),
    "the source language": (
        lambda data: _retagged(data, b'"Language: en\\n"', b'"Language: fr\\n"'),
        "“fr”, which is not a language",
    ),
    "no language": (
        lambda data: _retagged(data, b'"Language: en\\n"', b""),
        "does not say which language",
    ),
    "another source language": (
        lambda data: _retagged(
            data,
            b'"X-Portal-Cookies-Source-Language: fr\\n"',
            b'"X-Portal-Cookies-Source-Language: it\\n"',
        ),
        "translates from “it”",
    ),
    "a newer format": (
        lambda data: _retagged(
            data, b'"X-Portal-Cookies-Format: 1\\n"', b'"X-Portal-Cookies-Format: 2\\n"'
        ),
        "format 2",
    ),
    "empty file": (lambda data: b"", "The file is empty."),
    "blank file": (lambda data: b"\n  \n", "The file is empty."),
    "binary blob": (lambda data: bytes(range(256)) * 4, "binary data"),
    "not UTF-8": (lambda data: data.decode("utf-8").encode("latin-1"), "not in UTF-8"),
}


@pytest.mark.parametrize(("change", "message"), REFUSED.values(), ids=REFUSED.keys())
def test_a_broken_or_foreign_file_is_refused_whole_and_changes_nothing(policy, change, message):
    exported = edit(export_po("en"), {policy["session_purpose"]: "Keeps you in."})
    before = snapshot()

    with pytest.raises(ServiceError) as refused:
        import_po(change(exported), actor=None)

    assert message in refused.value.message
    assert refused.value.field == "file"
    assert snapshot() == before
    assert policy["session_purpose"].current_version("en") is None


def test_a_file_stripped_of_its_hash_comments_is_checked_by_its_source_text(policy):
    exported = edit(export_po("en"), {policy["session_purpose"]: "Keeps you in."})
    po = parse(exported)
    for entry in po:
        entry.comment = ""
    texts.set_source_text(policy["session_function"], "Session", None)
    db.session.commit()
    stripped = edit(str(po).encode("utf-8"), {policy["session_function"]: "Login"})

    report = import_po(stripped, actor=None)

    assert outcomes(report)[policy["session_purpose"].key] == ImportOutcome.APPLIED
    assert outcomes(report)[policy["session_function"].key] == ImportOutcome.CONFLICT


def test_babel_reads_the_export_as_gettext_does(policy):
    # The service writes with Babel; a Babel-based tool reads every text back the same.
    catalog = read_po(io.BytesIO(export_po("en")), abort_invalid=True)

    assert catalog.get(INTRODUCTION, context=policy["introduction"].key).string == ""
    assert catalog.get("Politique de cookies", context=policy["title"].key).string == (
        "Cookie policy"
    )


# --- Command line -------------------------------------------------------------------------


def test_flask_texts_export_writes_the_file(policy, runner, tmp_path):
    path = tmp_path / "en.po"

    result = runner.invoke(args=["texts", "export", "--locale", "en", str(path)])

    assert result.exit_code == 0, result.output
    assert parse(path.read_bytes()).metadata["Language"] == "en"
    assert f"Wrote the en texts to {path}." in result.stderr


def test_flask_texts_export_writes_to_standard_output_with_a_dash(policy, runner):
    result = runner.invoke(args=["texts", "export", "--locale", "en", "-"])

    assert result.exit_code == 0, result.output
    assert parse(result.stdout_bytes).metadata["X-Portal-Cookies-Format"] == "1"


def test_flask_texts_export_refuses_the_source_language(policy, runner, tmp_path):
    path = tmp_path / "fr.po"

    result = runner.invoke(args=["texts", "export", "--locale", "fr", str(path)])

    assert result.exit_code == 1
    assert "other than its source language" in result.stderr
    assert not path.exists()


def test_flask_texts_import_prints_the_report(policy, runner, tmp_path):
    path = tmp_path / "en.po"
    path.write_bytes(edit(export_po("en"), {policy["session_purpose"]: "Keeps you logged in."}))

    result = runner.invoke(args=["texts", "import", str(path)])

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert (
        f"applied\t{policy['session_purpose'].key}\tsessionid · Cookie purpose\t"
        "Saved as a draft to review."
    ) in lines
    assert lines[-1] == (
        f"Imported {path} (en): 1 applied, 3 unchanged, 4 skipped, 0 conflict, 0 unknown."
    )
    db.session.expire_all()
    assert policy["session_purpose"].current_version("en").origin == TextOrigin.IMPORT


def test_flask_texts_import_reports_conflicts_without_failing(policy, runner, tmp_path):
    path = tmp_path / "en.po"
    path.write_bytes(edit(export_po("en"), {policy["session_purpose"]: "Keeps."}))
    texts.set_source_text(policy["session_purpose"], "Vous garde connecté partout.", None)
    db.session.commit()

    result = runner.invoke(args=["texts", "import", str(path)])

    assert result.exit_code == 0, result.output
    assert f"conflict\t{policy['session_purpose'].key}\t" in result.stdout


def test_flask_texts_import_refuses_a_foreign_file_with_exit_status_1(policy, runner, tmp_path):
    path = tmp_path / "django.po"
    path.write_bytes(DJANGO_CATALOG)
    before = snapshot()

    result = runner.invoke(args=["texts", "import", str(path)])

    assert result.exit_code == 1
    assert "Error: This is not a file exported by portal-cookies" in result.stderr
    assert result.stdout == ""
    assert snapshot() == before
