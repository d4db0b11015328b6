"""`flask policy check | publish | export`: the publishing gate and publication from a shell."""

import json

import sqlalchemy as sa

from portal_cookies.demo import load_demo_portal
from portal_cookies.extensions import db
from portal_cookies.models import CookieName, PolicyPage, PolicyVersion
from portal_cookies.portal import update_portal
from portal_cookies.texts import save_text
from tests.helpers import count_rows, publish_a_second_demo_version


def session_purpose_entry():
    """The demo's sessionid entry."""
    return db.session.scalar(sa.select(CookieName).where(CookieName.name == "sessionid")).entry


def session_purpose():
    """The demo's sessionid purpose text unit."""
    return session_purpose_entry().purpose_unit


def set_english(unit, text: str) -> None:
    save_text(unit, "en", text, None, base_version_id=unit.current_version("en").id)
    db.session.commit()


def test_check_prints_each_problem_and_succeeds_without_errors(runner):
    load_demo_portal()
    entry = session_purpose_entry()
    entry.last_reviewed_on = None
    db.session.commit()
    result = runner.invoke(args=["policy", "check"])
    assert result.exit_code == 0, result.output
    assert "warning\tentry.not_reviewed\tsessionid: This entry has never been reviewed" in (
        result.output
    )
    assert "Nothing to publish: the draft is what visitors read (version 1).\n" in result.output
    assert result.output.rstrip().endswith("0 errors, 1 warning.")


def test_check_says_what_there_is_to_publish(runner):
    result = runner.invoke(args=["policy", "check"])
    assert "To publish: the first version." in result.output

    load_demo_portal()
    set_english(session_purpose(), "Keeps the user logged in from page to page.")
    result = runner.invoke(args=["policy", "check"])
    assert "To publish: 1 change since version 1." in result.output


def test_check_exits_1_on_an_error_and_names_the_text(runner):
    load_demo_portal()
    set_english(session_purpose(), "")
    result = runner.invoke(args=["policy", "check"])
    assert result.exit_code == 1
    assert (
        "error\ttext.missing\tsessionid · Cookie purpose (English): "
        "The English translation is missing."
    ) in result.output
    assert result.output.splitlines()[0].startswith("error\t")


def test_check_exits_1_naming_the_consent_centre_once_it_is_removed(runner):
    load_demo_portal()
    assert runner.invoke(args=["policy", "check"]).exit_code == 0
    update_portal(actor=None, consent_centre_url="")

    result = runner.invoke(args=["policy", "check"])

    assert result.exit_code == 1
    assert result.output.startswith(
        "error\tportal.consent_centre_missing\tVisitors give their consent on this portal "
        "(cookies_preferences) and must be able to withdraw it as easily as they gave it: set "
        "the “Consent centre” address in the portal settings.\n"
    )
    assert result.output.rstrip().endswith("1 error, 0 warnings.")


def test_publish_prints_the_new_version(runner):
    load_demo_portal()
    set_english(session_purpose(), "Keeps the user logged in from page to page.")
    result = runner.invoke(args=["policy", "publish", "--note", "Clearer English"])
    assert result.exit_code == 0, result.output
    assert result.output == (
        "Published version 2: 1 change, renewed consent: no, languages: fr, en.\n"
    )
    version = db.session.scalar(sa.select(PolicyVersion).where(PolicyVersion.number == 2))
    assert version.notes == {"fr": "Clearer English"}


def test_publish_takes_the_note_in_other_languages(runner):
    load_demo_portal()
    set_english(session_purpose(), "Keeps the user logged in from page to page.")
    result = runner.invoke(
        args=["policy", "publish", "--note", "Anglais plus clair", "--note-in", "en", "Clearer"]
    )
    assert result.exit_code == 0, result.output
    version = db.session.scalar(sa.select(PolicyVersion).where(PolicyVersion.number == 2))
    assert version.notes == {"fr": "Anglais plus clair", "en": "Clearer"}


def test_publish_refuses_a_note_in_a_language_the_portal_lacks_or_twice(runner):
    load_demo_portal()
    set_english(session_purpose(), "Keeps the user logged in from page to page.")
    unknown = runner.invoke(
        args=["policy", "publish", "--note", "Anglais", "--note-in", "de", "Englisch"]
    )
    twice = runner.invoke(
        args=["policy", "publish", "--note", "A", "--note-in", "en", "B", "--note-in", "en", "C"]
    )
    assert unknown.exit_code == 1
    assert "“de” is not one of the portal's languages (fr, en)." in unknown.output
    assert twice.exit_code == 2
    assert "--note-in en is given twice." in twice.output
    assert count_rows(PolicyVersion) == 1


def test_publish_exits_1_with_the_refusal(runner):
    load_demo_portal()
    result = runner.invoke(args=["policy", "publish", "--note", "Nothing new"])
    assert result.exit_code == 1
    assert "Error: Nothing to publish: the draft is what visitors read." in result.output

    set_english(session_purpose(), "")
    result = runner.invoke(args=["policy", "publish", "--note", "Broken"])
    assert result.exit_code == 1
    assert "Publishing is blocked by 1 error: sessionid · Cookie purpose (English)" in (
        result.output
    )
    assert count_rows(PolicyVersion) == 1


def test_publish_overrides_renewed_consent_only_with_a_reason(runner):
    load_demo_portal()
    set_english(session_purpose(), "Keeps the user logged in from page to page.")
    result = runner.invoke(args=["policy", "publish", "--note", "Wording", "--renewal"])
    assert result.exit_code == 1
    assert "Say why you override the computed answer" in result.output

    result = runner.invoke(
        args=["policy", "publish", "--note", "Wording", "--renewal", "--reason", "Legal advice"]
    )
    assert result.exit_code == 0, result.output
    assert "renewed consent: yes" in result.output


def test_publish_needs_a_note(runner):
    result = runner.invoke(args=["policy", "publish"])
    assert result.exit_code == 2
    assert "Missing option '--note'" in result.output


def test_after_a_rollback_there_is_nothing_to_publish(runner):
    publish_a_second_demo_version()

    result = runner.invoke(args=["policy", "rollback", "1", "--note", "Retour à la version 1"])

    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "The draft is version 1's content again, published as version 3:"
    )
    check = runner.invoke(args=["policy", "check"])
    assert check.exit_code == 0, check.output
    assert "Nothing to publish: the draft is what visitors read (version 3)." in check.output
    first, third = (
        db.session.scalar(sa.select(PolicyVersion).where(PolicyVersion.number == number))
        for number in (1, 3)
    )
    assert third.content_hash == first.content_hash


def test_rollback_refuses_a_missing_or_the_current_version(runner):
    load_demo_portal()
    missing = runner.invoke(args=["policy", "rollback", "9", "--note", "Non"])
    current = runner.invoke(args=["policy", "rollback", "1", "--note", "Non"])
    assert (missing.exit_code, current.exit_code) == (1, 1)
    assert "Version 9 does not exist." in missing.output
    assert "Version 1 is the current version: visitors read it already." in current.output
    assert count_rows(PolicyVersion) == 1


def test_export_writes_static_files(runner, tmp_path):
    load_demo_portal()
    result = runner.invoke(args=["policy", "export", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    # Five pages per language (two of them the current version's), each with its .gz.
    assert result.output == f"Wrote 22 files to {tmp_path / 'site'}.\n"
    page = db.session.scalar(sa.select(PolicyPage).where(PolicyPage.language == "fr"))
    assert (tmp_path / "site/fr/cookies/index.html").read_text("utf-8") == page.html
    assert json.loads((tmp_path / "site/en/cookies.json").read_text("utf-8"))["version"] == 1


def test_export_exits_1_before_the_first_publication(runner, tmp_path):
    result = runner.invoke(args=["policy", "export", str(tmp_path)])
    assert result.exit_code == 1
    assert "Nothing is published yet." in result.output
