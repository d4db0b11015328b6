"""The portal's settings: `flask portal set` and a third language as configuration."""

from portal_cookies.demo import load_demo_portal
from portal_cookies.portal import get_settings
from portal_cookies.texts import TextStatus
from portal_cookies.translation.services import QueueParams, build_queue


def test_a_fresh_installation_sets_its_portal_up(runner):
    result = runner.invoke(
        args=[
            "portal",
            "set",
            "--name",
            "Open data of Corte",
            "--base-url",
            "https://data.corte.example",
            "--contact-email",
            "dpo@corte.example",
        ]
    )

    assert result.exit_code == 0, result.output
    settings = get_settings()
    assert (settings.name, settings.base_url, settings.contact_email) == (
        "Open data of Corte",
        "https://data.corte.example",
        "dpo@corte.example",
    )
    assert settings.enabled_languages == ["fr", "en"]


def test_enabling_a_third_language_leaves_every_text_missing_in_it(runner):
    load_demo_portal()

    result = runner.invoke(args=["portal", "set", "--languages", "fr,en,co"])

    assert result.exit_code == 0, result.output
    assert "languages\tfr,en,co" in result.output
    queue = build_queue(QueueParams(language="co"))
    assert queue and {item.status for item in queue} == {TextStatus.MISSING}


def test_bad_settings_are_refused_and_change_nothing(runner):
    load_demo_portal()

    for option, value, message in [
        ("--languages", "fr,en,xx-nope", "Unknown language code: xx_nope"),
        ("--base-url", "javascript:alert(1)", "https://"),
        ("--contact-email", "not an address", "not a valid e-mail"),
        ("--name", " ", "Give the portal a name"),
    ]:
        result = runner.invoke(args=["portal", "set", option, value])
        assert result.exit_code == 1, (option, result.output)
        assert message in result.output

    settings = get_settings()
    assert settings.enabled_languages == ["fr", "en"]
    assert settings.base_url == "https://mairie-bastia-datacorsica.opendatasoft.com"


def test_the_source_language_stays_enabled_and_first(runner):
    load_demo_portal()

    runner.invoke(args=["portal", "set", "--languages", "en,de"])

    assert get_settings().enabled_languages == ["fr", "en", "de"]
