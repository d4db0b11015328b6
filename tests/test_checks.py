"""The check engine: each check fires on a realistic mistake and stays silent once it is fixed;
warnings can be dismissed with a reason until what they checked changes."""

from datetime import date, timedelta

import pytest

from portal_cookies import checks
from portal_cookies.checks import Check, Severity
from portal_cookies.extensions import db
from portal_cookies.inventory import services
from portal_cookies.models import (
    AuditEvent,
    CheckDismissal,
    ConsentBasis,
    CookieName,
    DurationKind,
    DurationUnit,
    ExemptionGround,
    Party,
    PortalSettings,
    TextKind,
    TextState,
    TextUnit,
)
from portal_cookies.service_errors import ServiceError
from portal_cookies.texts import create_unit, save_text, set_source_text
from tests.helpers import count_queries, count_rows, log_in, translate

RECENTLY = date.today() - timedelta(days=30)


def found(problems) -> list[str]:
    return [problem.check for problem in problems]


def english(unit: TextUnit, text: str) -> list[str]:
    """The checks that fire on ``text`` as the English translation of ``unit``."""
    translate(unit, text)
    return found(checks.check_translation(unit, "en"))


@pytest.fixture
def reviewed_cookie(make_cookie, make_provider):
    """An entry with no problem of its own: reviewed, first party, a duration."""

    def make(**overrides):
        return make_cookie(**({"last_reviewed_on": RECENTLY} | overrides))

    return make


@pytest.fixture
def french_unit():
    """A text written in English and translated into French."""

    def make(source: str) -> TextUnit:
        unit = create_unit(TextKind.POLICY_TEXT, "en", source, None)
        db.session.commit()
        return unit

    return make


# --- Text checks ----------------------------------------------------------------------------


def test_a_missing_translation_is_an_error_until_it_is_written(reviewed_cookie):
    entry = reviewed_cookie(function="Authentification")
    unit = entry.function_unit

    missing = checks.check_translation(unit, "en")

    assert found(missing) == [Check.TEXT_MISSING]
    assert missing[0].severity == Severity.ERROR
    assert missing[0].message == "The English translation is missing."
    assert (missing[0].language, missing[0].unit_id, missing[0].entry_id) == (
        "en",
        unit.id,
        entry.id,
    )
    assert english(unit, "Authentication") == []


def test_the_source_language_and_an_empty_source_need_no_translation(
    reviewed_cookie, make_provider
):
    entry = reviewed_cookie()
    provider = make_provider(safeguard="")

    assert checks.check_translation(entry.function_unit, "fr") == []
    assert checks.check_translation(provider.safeguard_unit, "en") == []


def test_an_outdated_translation_is_an_error_until_it_is_translated_again(reviewed_cookie):
    unit = reviewed_cookie(purpose="Garde la session ouverte.").purpose_unit
    translate(unit, "Keeps the session open.")
    set_source_text(unit, "Garde la session ouverte pendant la visite.", None)
    db.session.commit()

    assert found(checks.check_translation(unit, "en")) == [Check.TEXT_OUTDATED]
    assert english(unit, "Keeps the session open during the visit.") == []


def test_an_english_purpose_that_drops_the_number_13_is_an_error(reviewed_cookie):
    unit = reviewed_cookie(purpose="Garde votre choix pendant 13 mois.").purpose_unit

    assert english(unit, "Keeps your choice for a year.") == [Check.NUMBERS_DIFFER]
    problem = checks.check_translation(unit, "en")[0]
    assert problem.severity == Severity.ERROR
    assert "Missing here: “13”." in problem.message
    assert english(unit, "Keeps your choice for 13 months.") == []


def test_numbers_written_the_english_way_are_the_same_numbers(reviewed_cookie):
    unit = reviewed_cookie(purpose="Compte 1\u00a0000 visites, soit 2,5 % du trafic.").purpose_unit

    assert english(unit, "Counts 1,000 visits, that is 2.5% of the traffic.") == []
    assert english(unit, "Counts 10,000 visits, that is 2.5% of the traffic.") == [
        Check.NUMBERS_DIFFER
    ]


def test_a_translation_that_renames_the_cookie_is_an_error(reviewed_cookie):
    unit = reviewed_cookie(
        names=["sessionid"], purpose="Le cookie sessionid garde votre session."
    ).purpose_unit

    assert english(unit, "The session cookie keeps you logged in.") == [Check.NAMES_DIFFER]
    assert "Missing here: “sessionid”." in checks.check_translation(unit, "en")[0].message
    assert english(unit, "The sessionid cookie keeps you logged in.") == []


def test_code_like_words_must_stay_as_they_are(reviewed_cookie):
    unit = reviewed_cookie(purpose="Lit django_language et _pk_id.* si présents.").purpose_unit

    assert english(unit, "Reads django-language and _pk_id.* when present.") == [Check.NAMES_DIFFER]
    assert english(unit, "Reads django_language and _pk_id.* when present.") == []


def test_emphasis_is_not_mistaken_for_a_cookie_name(reviewed_cookie):
    unit = reviewed_cookie(purpose="Un cookie _très_ utile pour la navigation.").purpose_unit

    assert english(unit, "A _very_ useful cookie for browsing.") == []


def test_a_translation_linking_elsewhere_is_an_error(reviewed_cookie):
    unit = reviewed_cookie(
        purpose="Lisez [leur politique](https://matomo.org/privacy/) ou écrivez à dpo@example.org."
    ).purpose_unit

    assert english(unit, "Read [their policy](https://matomo.org/en/privacy) or write to us.") == [
        Check.LINKS_DIFFER
    ]
    message = checks.check_translation(unit, "en")[0].message
    assert "Missing here: “dpo@example.org”, “https://matomo.org/privacy”." in message
    assert "Not in the source text: “https://matomo.org/en/privacy”." in message
    assert (
        english(
            unit, "Read [their policy](https://matomo.org/privacy) or write to dpo@example.org."
        )
        == []
    )


def test_a_translation_identical_to_its_source_is_a_warning(reviewed_cookie):
    unit = reviewed_cookie(function="Mesure d'audience").function_unit

    translate(unit, "Mesure d'audience")
    problems = checks.check_translation(unit, "en")

    assert found(problems) == [Check.IDENTICAL]
    assert problems[0].severity == Severity.WARNING
    assert english(unit, "Audience measurement") == []


def test_a_single_word_may_read_the_same_in_both_languages(reviewed_cookie):
    unit = reviewed_cookie(function="Session").function_unit

    assert english(unit, "Session") == []


def test_a_translation_far_shorter_than_its_source_is_a_warning(reviewed_cookie):
    unit = reviewed_cookie(
        purpose="Retient la langue choisie pour afficher le portail dans cette langue."
    ).purpose_unit

    assert english(unit, "Keeps the language.") == [Check.LENGTH]
    assert english(unit, "Remembers the chosen language to show the portal in it.") == []


def test_a_different_final_punctuation_is_a_warning(reviewed_cookie):
    unit = reviewed_cookie(purpose="Retient votre choix de consentement.").purpose_unit

    assert english(unit, "Remembers your consent choice") == [Check.PUNCTUATION]
    assert "ends with no punctuation mark, the source text with “.”" in (
        checks.check_translation(unit, "en")[0].message
    )
    assert english(unit, "Remembers your consent choice.") == []


def test_stray_spaces_are_a_warning(reviewed_cookie):
    unit = reviewed_cookie(purpose="Retient votre choix de consentement.").purpose_unit

    assert english(unit, "Remembers your  consent choice. ") == [Check.SPACING]
    assert english(unit, "Remembers your consent choice.") == []


def test_a_french_translation_with_a_plain_space_before_a_colon_is_a_typography_warning(
    french_unit,
):
    unit = french_unit("To withdraw your consent: use the consent centre!")

    translate(unit, "Pour retirer votre consentement : utilisez le centre de consentement !", "fr")
    problems = checks.check_translation(unit, "fr")

    assert found(problems) == [Check.FRENCH_TYPOGRAPHY]
    assert problems[0].severity == Severity.WARNING
    assert "2 places need a no-break space" in problems[0].message
    assert "U+00A0" in problems[0].message and "U+202F" in problems[0].message
    fixed = "Pour retirer votre consentement\u00a0: utilisez le centre de consentement\u202f!"
    translate(unit, fixed, "fr")
    assert checks.check_translation(unit, "fr") == []


def test_french_typography_leaves_links_times_and_english_alone(french_unit, reviewed_cookie):
    unit = french_unit("Open from 10:30, see https://example.org/a?b=c. Questions? Ask.")
    translate(
        unit,
        "Ouvert dès 10:30, voir https://example.org/a?b=c. Des questions\u202f? Demandez.",
        "fr",
    )

    assert checks.check_translation(unit, "fr") == []
    english_unit = reviewed_cookie(purpose="Une question ? Écrivez-nous.").purpose_unit
    assert english(english_unit, "A question? Write to us.") == []


def test_the_typography_fix_puts_the_right_no_break_spaces():
    text = "Note : « oui » ou non ? Voir https://example.org/?a=b ; merci! Le signe « ! »."

    assert checks.fix_french_typography(text) == (
        "Note\u00a0: «\u00a0oui\u00a0» ou non\u202f? "
        "Voir https://example.org/?a=b\u202f; merci\u202f! Le signe «\u00a0!\u00a0»."
    )


def test_a_text_can_be_checked_before_it_is_saved(reviewed_cookie):
    unit = reviewed_cookie(purpose="Garde votre choix pendant 13 mois.").purpose_unit

    assert found(checks.check_translation(unit, "en", "Keeps it for a year.")) == [
        Check.NUMBERS_DIFFER
    ]
    assert found(checks.check_translation(unit, "en", "")) == [Check.TEXT_MISSING]
    assert unit.current_version("en") is None


# --- Entry checks ---------------------------------------------------------------------------


def entry_checks(entry) -> list[str]:
    return [problem.check for problem in checks.check_entry(entry, ["fr"])]


def test_an_entry_without_a_duration_is_an_error(reviewed_cookie):
    entry = reviewed_cookie(duration_kind=None, duration_value=None, duration_unit=None)

    assert entry_checks(entry) == [Check.DURATION_MISSING]
    assert checks.check_entry(entry, ["fr"])[0].severity == Severity.ERROR
    assert (
        entry_checks(
            reviewed_cookie(
                duration_kind=DurationKind.SESSION, duration_value=None, duration_unit=None
            )
        )
        == []
    )


def test_an_invalid_cookie_name_is_an_error(reviewed_cookie):
    entry = reviewed_cookie(names=["sessionid"])
    entry.names[0].name = "session id"  # as an import might bring it
    db.session.commit()

    problems = checks.check_entry(entry, ["fr"])

    assert found(problems) == [Check.INVALID_NAME]
    assert "“session id” is not a valid cookie name" in problems[0].message


@pytest.mark.parametrize(
    ("duration", "consent", "warned"),
    [
        ((DurationKind.FIXED, 25, DurationUnit.MONTHS), ConsentBasis.EXEMPT, True),
        ((DurationKind.UNTIL_DELETED, None, None), ConsentBasis.EXEMPT, True),
        ((DurationKind.FIXED, 2, DurationUnit.YEARS), ConsentBasis.EXEMPT, True),
        ((DurationKind.FIXED, 57, DurationUnit.WEEKS), ConsentBasis.EXEMPT, True),
        ((DurationKind.FIXED, 13, DurationUnit.MONTHS), ConsentBasis.EXEMPT, False),
        ((DurationKind.FIXED, 395, DurationUnit.DAYS), ConsentBasis.EXEMPT, False),
        ((DurationKind.FIXED, 1, DurationUnit.YEARS), ConsentBasis.EXEMPT, False),
        ((DurationKind.FIXED, 25, DurationUnit.MONTHS), ConsentBasis.CONSENT, False),
    ],
)
def test_an_exempt_audience_measurement_cookie_over_13_months_is_a_warning(
    reviewed_cookie, duration, consent, warned
):
    kind, value, unit = duration
    entry = reviewed_cookie(
        duration_kind=kind,
        duration_value=value,
        duration_unit=unit,
        consent_basis=consent,
        exemption_ground=(
            ExemptionGround.AUDIENCE_MEASUREMENT if consent == ConsentBasis.EXEMPT else None
        ),
    )

    expected = [Check.AUDIENCE_OVER_13_MONTHS] if warned else []
    assert entry_checks(entry) == expected


def test_the_audience_measurement_warning_says_how_long_the_cookie_lasts(reviewed_cookie):
    entry = reviewed_cookie(
        duration_value=25,
        consent_basis=ConsentBasis.EXEMPT,
        exemption_ground=ExemptionGround.AUDIENCE_MEASUREMENT,
    )

    problem = checks.check_entry(entry, ["fr"])[0]

    assert problem.severity == Severity.WARNING
    assert "13 months at most (CNIL); this entry lasts 25 months." in problem.message


def test_an_exempt_third_party_without_a_privacy_url_is_a_warning(reviewed_cookie, make_provider):
    matomo = make_provider(name="Matomo")
    entry = reviewed_cookie(
        provider=matomo,
        party=Party.THIRD,
        domain=".matomo.cloud",
        consent_basis=ConsentBasis.EXEMPT,
        exemption_ground=ExemptionGround.AUDIENCE_MEASUREMENT,
    )

    problems = checks.check_entry(entry, ["fr"])

    assert found(problems) == [Check.THIRD_PARTY_WITHOUT_PRIVACY_URL]
    assert problems[0].severity == Severity.WARNING
    assert "Matomo has no privacy-policy URL" in problems[0].message
    services.update_provider(
        matomo,
        name="Matomo",
        website=None,
        privacy_policy_url="https://matomo.org/privacy-policy/",
        country="NZ",
        safeguard="",
        actor=None,
    )
    assert entry_checks(entry) == []


def test_a_third_party_needing_consent_without_a_privacy_url_is_an_error(
    reviewed_cookie, make_provider
):
    youtube = make_provider(name="YouTube")
    entry = reviewed_cookie(provider=youtube, party=Party.THIRD, domain=".youtube.com")

    problems = checks.check_entry(entry, ["fr"])

    assert found(problems) == [Check.CONSENT_THIRD_PARTY_WITHOUT_PRIVACY_URL]
    assert problems[0].is_error
    assert "YouTube, which has no privacy-policy URL: add it to the provider" in (
        problems[0].message
    )
    youtube.privacy_policy_url = "https://policies.google.com/privacy"
    assert entry_checks(entry) == []


def test_a_first_party_needs_no_privacy_url(reviewed_cookie):
    assert entry_checks(reviewed_cookie(party=Party.FIRST)) == []


@pytest.mark.parametrize(
    ("reviewed", "message"),
    [
        (None, "This entry has never been reviewed"),
        (date(2020, 5, 4), "This entry was last reviewed on 4 May 2020, more than 12 months ago."),
    ],
)
def test_an_entry_not_reviewed_for_12_months_is_a_warning(make_cookie, reviewed, message):
    entry = make_cookie(last_reviewed_on=reviewed)

    problems = checks.check_entry(entry, ["fr"])

    assert found(problems) == [Check.NOT_REVIEWED]
    assert message in problems[0].message


def test_an_entry_reviewed_this_year_is_fine(make_cookie):
    assert entry_checks(make_cookie(last_reviewed_on=date.today() - timedelta(days=360))) == []


def test_an_entry_shows_its_texts_problems_in_every_enabled_language(reviewed_cookie):
    db.session.add(
        PortalSettings(name="P", base_url="https://p.example", enabled_languages=["fr", "en", "co"])
    )
    entry = reviewed_cookie(function="Authentification", purpose="Garde la session.")
    translate(entry.function_unit, "Authentication")
    translate(entry.purpose_unit, "Keeps the session.")

    problems = checks.check_entry(entry)

    assert [(p.check, p.language, p.unit_id) for p in problems] == [
        (Check.TEXT_MISSING, "co", entry.function_unit_id),
        (Check.TEXT_MISSING, "co", entry.purpose_unit_id),
    ]


@pytest.fixture
def overlapping_entries(reviewed_cookie):
    """Matomo's `_pk_id.*` and an entry on the same domain given `_pk_id.abc` without the
    form, as data older than the rule, or an import, may hold."""
    matomo = reviewed_cookie(names=["_pk_id.*"], domain=".matomo.cloud", party=Party.THIRD)
    other = reviewed_cookie(names=["analytics"], domain="Matomo.cloud", party=Party.THIRD)
    other.names.append(CookieName(name="_pk_id.abc", position=1))
    db.session.commit()
    return matomo, other


def overlaps(entry) -> list[str]:
    return [
        problem.message
        for problem in checks.check_entry(entry, ["fr"])
        if problem.check == Check.OVERLAPPING_NAMES
    ]


def test_a_name_another_entrys_pattern_covers_is_an_error_on_both_entries(overlapping_entries):
    matomo, other = overlapping_entries

    assert overlaps(other) == [
        "“_pk_id.abc” is already covered by “_pk_id.*” of the entry “_pk_id.*” (Provider 1) "
        "on the same domain: the policy would declare it twice."
    ]
    assert overlaps(matomo) == [
        "“_pk_id.*” covers “_pk_id.abc” of the entry “analytics, _pk_id.abc” (Provider 2) on "
        "the same domain: the policy would declare it twice."
    ]
    assert Check.OVERLAPPING_NAMES.severity == Severity.ERROR


def test_overlapping_entries_block_publishing(overlapping_entries):
    gate = checks.errors(checks.check_policy())

    assert {(p.check, p.entry_id) for p in gate if p.check == Check.OVERLAPPING_NAMES} == {
        (Check.OVERLAPPING_NAMES, entry.id) for entry in overlapping_entries
    }


def test_a_pattern_covering_another_entrys_pattern_is_an_error(reviewed_cookie):
    narrow = reviewed_cookie(names=["_pk_id.*"])
    wide = reviewed_cookie(names=["x"])
    wide.names[0].name = "_pk.*"
    db.session.commit()

    assert overlaps(narrow) == [
        "“_pk_id.*” is already covered by “_pk.*” of the entry “_pk.*” (Provider 2) on the "
        "same domain: the policy would declare it twice."
    ]


def test_an_entry_listing_a_pattern_and_a_name_it_covers_is_an_error(reviewed_cookie):
    entry = reviewed_cookie(names=["_pk_id.abc"])
    entry.names.append(CookieName(name="_pk_id.*", position=1))
    db.session.commit()

    assert overlaps(entry) == [
        "“_pk_id.*” already stands for “_pk_id.abc” in this entry: keep only one of them."
    ]


def test_an_archived_entry_overlaps_nothing(overlapping_entries):
    matomo, other = overlapping_entries

    services.archive_entry(other, actor=None)

    assert overlaps(matomo) == overlaps(other) == []


def test_a_pattern_covers_nothing_on_another_domain(reviewed_cookie):
    matomo = reviewed_cookie(names=["_pk_id.*"], domain=".matomo.cloud", party=Party.THIRD)
    reviewed_cookie(names=["_pk_id.abc"])

    assert overlaps(matomo) == []


# --- Dismissals -----------------------------------------------------------------------------


@pytest.fixture
def identical(reviewed_cookie):
    """A unit whose English translation reads as its French source: a warning."""
    unit = reviewed_cookie(function="Google Analytics").function_unit
    translate(unit, "Google Analytics")
    return unit


def test_a_dismissed_warning_stays_dismissed_until_the_translation_changes(
    reviewed_cookie, make_user
):
    operator = make_user("operator")
    unit = reviewed_cookie(function="Langue de l'interface.").function_unit
    translate(unit, "Interface language")
    [warning] = checks.check_translation(unit, "en")

    checks.dismiss_warning(warning, reason="Titles end without a full stop.", actor=operator)

    [again] = checks.check_translation(unit, "en")
    assert again.check == Check.PUNCTUATION and again.dismissed
    assert again.dismissal.reason == "Titles end without a full stop."
    assert again.dismissal.dismissed_by == operator
    assert checks.warnings([again]) == [] and checks.warnings([again], dismissed=True) == [again]
    translate(unit, "Language of the interface")
    [lapsed] = checks.check_translation(unit, "en")
    assert lapsed.check == Check.PUNCTUATION and not lapsed.dismissed


def test_a_dismissal_is_recorded_with_who_and_why(identical, make_user):
    operator = make_user("operator")
    [warning] = checks.check_translation(identical, "en")

    dismissal = checks.dismiss_warning(warning, reason="  A product name.  ", actor=operator)

    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "dismiss")).one()
    assert (event.object_type, event.object_id, event.actor) == (
        "CheckDismissal",
        dismissal.id,
        operator,
    )
    assert event.after["check"] == "text.identical" and event.after["reason"] == "A product name."
    assert (dismissal.unit_id, dismissal.language, dismissal.entry_id) == (identical.id, "en", None)


def test_an_error_cannot_be_dismissed(reviewed_cookie):
    [missing] = checks.check_translation(reviewed_cookie().function_unit, "en")

    with pytest.raises(ServiceError, match="Errors cannot be dismissed"):
        checks.dismiss_warning(missing, reason="Later.", actor=None)
    assert count_rows(CheckDismissal) == 0


@pytest.mark.parametrize("reason", ["", "   ", "x" * 1001])
def test_a_dismissal_needs_a_reason(identical, reason):
    [warning] = checks.check_translation(identical, "en")

    with pytest.raises(ServiceError) as refused:
        checks.dismiss_warning(warning, reason=reason, actor=None)

    assert refused.value.field == "reason"
    assert count_rows(CheckDismissal) == 0


def test_a_warning_is_dismissed_once(identical):
    [warning] = checks.check_translation(identical, "en")
    checks.dismiss_warning(warning, reason="A product name.", actor=None)

    with pytest.raises(ServiceError, match="already dismissed"):
        checks.dismiss_warning(
            checks.check_translation(identical, "en")[0], reason="Again.", actor=None
        )


def test_an_entry_warning_dismissal_lapses_when_the_value_it_read_changes(make_cookie):
    entry = make_cookie(last_reviewed_on=date(2020, 5, 4))
    [warning] = checks.check_entry(entry, ["fr"])
    checks.dismiss_warning(warning, reason="Reviewed with the DPO, not recorded.", actor=None)

    assert checks.check_entry(entry, ["fr"])[0].dismissed
    entry.last_reviewed_on = date(2021, 1, 1)
    db.session.commit()
    [lapsed] = checks.check_entry(entry, ["fr"])
    assert lapsed.check == Check.NOT_REVIEWED and not lapsed.dismissed


def test_dismissals_go_with_the_entry_they_are_about(make_cookie):
    entry = make_cookie(names=["old"])
    checks.dismiss_warning(checks.check_entry(entry, ["fr"])[0], reason="Old.", actor=None)
    services.archive_entry(entry, actor=None)

    services.delete_entry(entry, actor=None)

    assert count_rows(CheckDismissal) == 0


# --- Helpers and the whole policy ----------------------------------------------------------


def test_errors_block_and_warnings_do_not(identical, reviewed_cookie):
    missing = checks.check_translation(reviewed_cookie().function_unit, "en")
    warned = checks.check_translation(identical, "en")
    problems = warned + missing

    assert checks.errors(problems) == missing
    assert checks.warnings(problems) == warned
    assert checks.by_severity(problems) == missing + warned


def test_a_text_is_ready_when_translated_without_errors(reviewed_cookie):
    unit = reviewed_cookie(purpose="Garde votre choix pendant 13 mois.").purpose_unit
    assert not checks.is_ready(unit, "en", review_required=False)

    translate(unit, "Keeps your choice for a year.")
    assert not checks.is_ready(unit, "en", review_required=False)

    translate(unit, "Keeps your choice for 13 months.")
    assert checks.is_ready(unit, "en", review_required=False)
    assert not checks.is_ready(unit, "en", review_required=True)

    translate(unit, "Keeps your choice for 13 months.", state=TextState.APPROVED)
    assert checks.is_ready(unit, "en", review_required=True)
    translate(unit, "Keeps your choice for 13 months", state=TextState.DRAFT)
    assert not checks.is_ready(unit, "en", review_required=False)


def test_a_list_of_units_gets_the_same_problems_as_each_unit(reviewed_cookie, identical):
    units = [reviewed_cookie().function_unit, identical]

    by_unit = checks.problems_by_unit(units, "en")

    assert by_unit == {unit.id: checks.check_translation(unit, "en") for unit in units}


def test_a_category_text_must_exist_in_the_source_and_every_language(make_category):
    category = make_category(name="Mesure d'audience", explanation="")

    problems = checks.check_category(category, ["fr", "en"])

    assert [(p.check, p.language) for p in problems] == [
        (Check.TEXT_MISSING, "en"),
        (Check.CATEGORY_TEXT_MISSING, "fr"),
    ]
    assert problems[1].message == "The category has no explanation in the source language."


def test_the_policy_check_covers_what_the_page_shows_in_page_order(
    make_category, make_provider, reviewed_cookie
):
    empty = make_category(slug="marketing", name="Marketing", explanation="Publicité.")
    translate(empty.name_unit, "Marketing")
    translate(empty.explanation_unit, "Advertising.")
    unused = make_provider(name="Unused", safeguard="Clauses types.")
    shown = reviewed_cookie(
        names=["shown"], duration_kind=None, duration_value=None, duration_unit=None
    )
    reviewed_cookie(
        names=["hidden"], visible=False, duration_kind=None, duration_value=None, duration_unit=None
    )
    reviewed_cookie(
        names=["gone"], archived=True, duration_kind=None, duration_value=None, duration_unit=None
    )

    problems = checks.check_policy()

    assert not [p for p in problems if p.unit_id in [u.id for u in unused.text_units.values()]]
    assert not [p for p in problems if p.unit_id in [u.id for u in empty.text_units.values()]]
    entry_problems = [p for p in problems if p.entry_id is not None]
    assert {p.entry_id for p in entry_problems} == {shown.id}
    assert [(p.check, p.language) for p in entry_problems] == [
        (Check.DURATION_MISSING, None),
        (Check.TEXT_MISSING, "en"),
        (Check.TEXT_MISSING, "en"),
    ]
    assert [p.check for p in problems][-3:] == [p.check for p in entry_problems]
    assert problems == checks.check_policy()


# --- What the page needs of the portal's settings ----------------------------------------


def portal_settings(**changes) -> PortalSettings:
    """Settings giving the page all it needs, with ``changes``."""
    values = {
        "name": "Portail",
        "base_url": "https://data.example.org",
        "enabled_languages": ["fr"],
        "controller_name": "Ville de Bastia",
        "contact_email": "vie-privee@example.org",
        "consent_centre_url": "https://data.example.org/mes-cookies",
    }
    settings = PortalSettings(**(values | changes))
    db.session.add(settings)
    db.session.commit()
    return settings


def setting_problems() -> list[tuple[str, str, bool]]:
    """(check, setting, is an error) for each problem of the draft about a setting."""
    return [
        (problem.check, problem.setting, problem.is_error)
        for problem in checks.check_policy()
        if problem.setting is not None
    ]


def test_complete_settings_give_the_page_all_it_needs(reviewed_cookie):
    portal_settings()
    reviewed_cookie()

    assert setting_problems() == []


def test_the_page_must_name_the_controller_and_how_to_reach_it():
    portal_settings(controller_name=None, contact_email=None)

    problems = [p for p in checks.check_policy() if p.setting]

    assert [(p.check, p.setting, p.is_error) for p in problems] == [
        (Check.CONTROLLER_MISSING, "controller_name", True),
        (Check.CONTACT_MISSING, "contact_email", True),
    ]
    assert "set “Controller” in the portal settings" in problems[0].message
    assert "set “Contact e-mail” in the portal settings" in problems[1].message


def test_a_cookie_needing_consent_needs_the_consent_centre(reviewed_cookie):
    settings = portal_settings(consent_centre_url=None)
    reviewed_cookie(names=["_pk_id"], consent_basis=ConsentBasis.CONSENT)

    problems = [p for p in checks.check_policy() if p.setting]

    assert [(p.check, p.setting, p.is_error) for p in problems] == [
        (Check.CONSENT_CENTRE_MISSING, "consent_centre_url", True)
    ]
    assert "(_pk_id)" in problems[0].message
    assert "set the “Consent centre” address in the portal settings" in problems[0].message
    settings.consent_centre_url = "https://data.example.org/mes-cookies"
    assert setting_problems() == []


@pytest.mark.parametrize(
    ("ground", "needs_the_centre"),
    [
        # Where consent choices are kept, visitors make them on the portal.
        (ExemptionGround.CONSENT_STORAGE, True),
        (ExemptionGround.AUTHENTICATION, False),
    ],
)
def test_an_exempt_cookie_needs_the_consent_centre_only_if_it_keeps_consent_choices(
    reviewed_cookie, ground, needs_the_centre
):
    portal_settings(consent_centre_url=None)
    reviewed_cookie(consent_basis=ConsentBasis.EXEMPT, exemption_ground=ground)

    assert bool(setting_problems()) is needs_the_centre


def test_a_hidden_cookie_needing_consent_does_not_need_the_consent_centre(reviewed_cookie):
    portal_settings(consent_centre_url=None)
    reviewed_cookie(visible=False)
    reviewed_cookie(archived=True)

    assert setting_problems() == []


def test_the_policy_check_takes_the_same_number_of_queries_whatever_the_inventory(
    reviewed_cookie,
):
    def queries() -> int:
        return count_queries(checks.check_policy)

    reviewed_cookie(party=Party.THIRD, domain=".example.org")
    # The portal's time zone is read once per request (Flask-Babel keeps it): not counted.
    checks.check_policy()
    db.session.expire_all()
    few = queries()
    for _ in range(5):
        reviewed_cookie(party=Party.THIRD, domain=".example.org")
    db.session.expire_all()

    assert queries() == few


def test_an_operator_dismisses_an_entry_warning_from_the_inventory(client, make_cookie):
    entry = make_cookie(last_reviewed_on=None)
    log_in(client, "operator")

    client.post(
        f"/admin/inventory/entries/{entry.id}/dismiss",
        data={"check": "entry.not_reviewed", "reason": "Reviewed with the supplier by phone."},
    )
    page = client.get(f"/admin/inventory/entries/{entry.id}")

    assert "Dismissed: Reviewed with the supplier by phone." in page.text
    not_reviewed = [p for p in checks.check_entry(entry) if p.check == "entry.not_reviewed"]
    assert not_reviewed and not_reviewed[0].dismissed


def test_an_entry_warning_is_not_dismissed_without_a_reason(client, make_cookie):
    entry = make_cookie(last_reviewed_on=None)
    log_in(client, "operator")

    response = client.post(
        f"/admin/inventory/entries/{entry.id}/dismiss",
        data={"check": "entry.not_reviewed", "reason": " "},
        follow_redirects=True,
    )

    assert "Say why the warning does not apply." in response.text
    assert not any(p.dismissed for p in checks.check_entry(entry))


def test_a_draft_translation_is_an_error_until_a_person_saves_it(make_cookie):
    entry = make_cookie(function="Authentification")
    draft = save_text(
        entry.function_unit,
        "en",
        "Authentication",
        None,
        base_version_id=None,
        state=TextState.DRAFT,
    )
    db.session.commit()
    assert Check.TEXT_DRAFT in {p.check for p in checks.errors(checks.check_entry(entry))}

    save_text(entry.function_unit, "en", "Authentication", None, base_version_id=draft.id)
    db.session.commit()

    assert Check.TEXT_DRAFT not in {p.check for p in checks.check_entry(entry)}
