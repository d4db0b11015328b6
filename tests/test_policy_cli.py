"""`flask policy check | publish | export`: the publishing gate and publication from a shell."""

import json

import sqlalchemy as sa

from portal_cookies.demo import load_demo_portal
from portal_cookies.extensions import db
from portal_cookies.models import CookieName, PolicyPage, PolicyVersion
from portal_cookies.portal import update_portal
from portal_cookies.texts import save_text
from tests.helpers import count_rows


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
    assert result.output.rstrip().endswith("0 errors, 1 warning.")


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
    assert version.note == "Clearer English"


def test_publish_exits_1_with_the_refusal(runner):
    load_demo_portal()
    result = runner.invoke(args=["policy", "publish", "--note", "Nothing new"])
    assert result.exit_code == 1
    assert "Error: Nothing changed since version 1." in result.output

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


def test_export_writes_static_files(runner, tmp_path):
    load_demo_portal()
    result = runner.invoke(args=["policy", "export", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote 12 files to {tmp_path / 'site'}.\n"
    page = db.session.scalar(sa.select(PolicyPage).where(PolicyPage.language == "fr"))
    assert (tmp_path / "site/fr/cookies/index.html").read_text("utf-8") == page.html
    assert json.loads((tmp_path / "site/en/cookies.json").read_text("utf-8"))["version"] == 1


def test_export_exits_1_before_the_first_publication(runner, tmp_path):
    result = runner.invoke(args=["policy", "export", str(tmp_path)])
    assert result.exit_code == 1
    assert "Nothing is published yet." in result.output
