"""The inventory's rules, through its services: what they accept, refuse, record and find."""

from datetime import date, timedelta

import pytest

from portal_cookies.extensions import db
from portal_cookies.inventory import queries, services
from portal_cookies.inventory.queries import EntryFilters, EntrySort, EntryStatus
from portal_cookies.inventory.services import EntryData
from portal_cookies.inventory.validation import validate_entry
from portal_cookies.models import (
    AuditEvent,
    Category,
    ConsentBasis,
    CookieEntry,
    CookieName,
    DurationKind,
    DurationUnit,
    ExemptionGround,
    Location,
    Party,
    PortalSettings,
    Provider,
    StorageKind,
    TextUnit,
    TextVersion,
)
from portal_cookies.service_errors import ServiceError
from portal_cookies.texts import save_text
from tests.helpers import count_rows

TABLES = (CookieEntry, CookieName, Category, Provider, TextUnit, TextVersion, AuditEvent)


def snapshot() -> dict[str, int]:
    return {model.__name__: count_rows(model) for model in TABLES}


@pytest.fixture
def entry_data(make_provider, make_category):
    """Valid values for a new entry; a test changes what it is about."""
    provider, category = make_provider(name="Google"), make_category(slug="statistics")

    def data(**changes) -> EntryData:
        values = {
            "provider": provider,
            "category": category,
            "names": ["_ga", "_gid"],
            "storage_kind": StorageKind.HTTP_COOKIE,
            "party": Party.THIRD,
            "domain": ".google.com",
            "locations": [Location.FRONT_OFFICE],
            "function": "Mesure d'audience",
            "purpose": "Compte les visites.",
            "duration_kind": DurationKind.FIXED,
            "duration_value": 13,
            "duration_unit": DurationUnit.MONTHS,
            "consent_basis": ConsentBasis.CONSENT,
            "exemption_ground": None,
        }
        return EntryData(**(values | changes))

    return data


def refusal(call, *args, **kwargs) -> ServiceError:
    """The ServiceError a refused change raises, once sure it saved nothing."""
    before = snapshot()
    with pytest.raises(ServiceError) as caught:
        call(*args, **kwargs)
    db.session.expire_all()
    assert snapshot() == before, "a refused change saved something"
    return caught.value


# --- Cookie names -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["_ga", "sessionid", "_pk_id.*", "AMP_TOKEN", "__Host-csrf", "a!#$%&'+-.^_`|~9", "x.y.*"],
)
def test_a_valid_cookie_name_or_prefix_pattern_is_accepted(entry_data, name):
    entry = services.create_entry(entry_data(names=[name]), actor=None)
    assert entry.name_list == [name]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("my cookie", "a space"),
        ("a;b", "“;”"),
        ("a=b", "“=”"),
        ("a,b", "“,”"),
        ('a"b', '“"”'),
        ("a/b", "“/”"),
        ("a\tb", "a control character"),
        ("café", "“é”"),
    ],
)
def test_a_cookie_name_outside_the_rfc_6265_token_characters_is_refused(entry_data, name, reason):
    error = refusal(services.create_entry, entry_data(names=[name]), actor=None)
    assert error.field == "names"
    assert f"“{name}” is not a valid cookie name: it contains {reason}" in error.message


@pytest.mark.parametrize(
    ("names", "message"),
    [
        ([], "Give at least one cookie name."),
        (["  ", ""], "Give at least one cookie name."),
        ([".*"], "“.*” needs a prefix before it"),
        (["_pk*"], "only a final “.*” may stand for the rest of a name"),
        (["*.id"], "only a final “.*” may stand for the rest of a name"),
        (["_ga", "_gid", "_ga"], "“_ga” is listed twice."),
        (["x" * 256], "at most 255 characters"),
    ],
)
def test_names_must_be_present_well_formed_and_distinct(entry_data, names, message):
    error = refusal(services.create_entry, entry_data(names=names), actor=None)
    assert (error.field, message in error.message) == ("names", True), error.message


def test_a_name_another_entry_declares_on_the_same_domain_is_refused_naming_that_entry(
    entry_data,
):
    services.create_entry(entry_data(), actor=None)

    error = refusal(services.create_entry, entry_data(names=["_gat", "_ga"]), actor=None)

    assert error.field == "names"
    assert error.message == (
        "“_ga” on this domain is already declared by the entry “_ga, _gid” (Google)."
    )


def test_an_archived_entry_still_holds_its_names(entry_data):
    services.archive_entry(services.create_entry(entry_data(), actor=None), actor=None)

    error = refusal(services.create_entry, entry_data(names=["_gid"]), actor=None)

    assert "already declared by the archived entry “_ga, _gid”" in error.message


def test_a_duplicate_refusal_links_the_entry_that_declares_the_name(entry_data):
    google = services.create_entry(entry_data(), actor=None)

    error = refusal(services.create_entry, entry_data(names=["_gid"]), actor=None)

    assert (error.link.endpoint, dict(error.link.values)) == (
        "inventory.update",
        {"entry_id": google.id},
    )
    assert error.link.text == "Open the entry “_ga, _gid”"


def test_a_name_a_pattern_of_another_entry_covers_is_refused_naming_and_linking_it(
    entry_data,
):
    matomo = services.create_entry(
        entry_data(names=["_pk_id.*"], domain=".matomo.cloud"), actor=None
    )

    error = refusal(
        services.create_entry, entry_data(names=["_pk_id.abc"], domain="Matomo.cloud"), actor=None
    )

    assert error.field == "names"
    assert error.message == (
        "“_pk_id.abc” on this domain is already covered by “_pk_id.*” of the entry "
        "“_pk_id.*” (Google)."
    )
    assert dict(error.link.values) == {"entry_id": matomo.id}


def test_a_pattern_covering_another_entrys_pattern_is_refused(entry_data):
    services.create_entry(entry_data(names=["_pk_id.*"], domain=".matomo.cloud"), actor=None)

    error = refusal(
        services.create_entry, entry_data(names=["_pk.*"], domain=".matomo.cloud"), actor=None
    )

    assert error.message == (
        "“_pk.*” on this domain covers “_pk_id.*”, already declared by the entry “_pk_id.*” "
        "(Google)."
    )


def test_one_entry_cannot_list_a_pattern_and_a_name_it_covers(entry_data):
    error = refusal(services.create_entry, entry_data(names=["_pk_id.abc", "_pk_id.*"]), actor=None)

    assert (error.field, error.message) == (
        "names",
        "“_pk_id.*” already stands for “_pk_id.abc”: list only one of them.",
    )


def test_an_archived_entrys_pattern_covers_nothing(entry_data):
    old = services.create_entry(entry_data(names=["_pk_id.*"], domain=".matomo.cloud"), actor=None)
    services.archive_entry(old, actor=None)

    new = services.create_entry(
        entry_data(names=["_pk_id.abc"], domain=".matomo.cloud"), actor=None
    )

    assert new.name_list == ["_pk_id.abc"]


def test_a_pattern_covers_nothing_on_another_domain(entry_data):
    services.create_entry(entry_data(names=["_pk_id.*"], domain=".matomo.cloud"), actor=None)

    other = services.create_entry(
        entry_data(names=["_pk_id.abc"], domain="", party=Party.FIRST), actor=None
    )

    assert other.name_list == ["_pk_id.abc"]


def test_an_entry_with_a_pattern_saves_again_unchanged(entry_data):
    entry = services.create_entry(entry_data(names=["_pk_id.*", "_pk_ses.*"]), actor=None)

    services.update_entry(entry, entry_data(names=["_pk_id.*", "_pk_ses.*"]), actor=None)

    assert entry.name_list == ["_pk_id.*", "_pk_ses.*"]


def test_the_same_name_on_another_domain_is_another_cookie(entry_data):
    services.create_entry(entry_data(), actor=None)

    other = services.create_entry(entry_data(domain=".doubleclick.net"), actor=None)

    assert other.name_list == ["_ga", "_gid"]


def test_a_leading_dot_does_not_make_another_domain(entry_data):
    services.create_entry(entry_data(domain=".google.com"), actor=None)

    error = refusal(services.create_entry, entry_data(domain="GOOGLE.com"), actor=None)

    assert "already declared" in error.message


def test_an_entry_keeps_its_own_names_when_edited(entry_data):
    entry = services.create_entry(entry_data(), actor=None)

    services.update_entry(entry, entry_data(names=["_gid", "_ga"]), actor=None)

    assert entry.name_list == ["_gid", "_ga"]


# --- Domain, party, locations, texts, dates -----------------------------------------------


def test_a_domain_is_stored_in_lower_case_with_its_leading_dot(entry_data):
    entry = services.create_entry(entry_data(domain="  .Matomo.Cloud "), actor=None)
    assert entry.domain == ".matomo.cloud"


@pytest.mark.parametrize(
    "domain",
    ["https://google.com", "google.com/path", "exa mple.org", "-bad.org", "a..b", "_x.org"],
)
def test_a_domain_must_be_a_host_name(entry_data, domain):
    error = refusal(services.create_entry, entry_data(domain=domain), actor=None)
    assert error.field == "domain"


def test_a_third_party_needs_its_domain_while_a_first_party_may_use_the_portals_host(
    entry_data,
):
    error = refusal(services.create_entry, entry_data(domain=""), actor=None)
    assert error.field == "domain"

    entry = services.create_entry(entry_data(party=Party.FIRST, domain=""), actor=None)
    assert entry.domain == ""


def test_an_entry_is_used_somewhere(entry_data):
    error = refusal(services.create_entry, entry_data(locations=[]), actor=None)
    assert error.field == "locations"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"function": "   "}, "function"),
        ({"function": "x" * 201}, "function"),
        ({"purpose": ""}, "purpose"),
        ({"purpose": "a\x00b"}, "purpose"),
        ({"last_reviewed_on": date.today() + timedelta(days=3)}, "last_reviewed_on"),
    ],
)
def test_texts_are_required_and_bounded_and_reviews_are_not_in_the_future(
    entry_data, changes, field
):
    assert refusal(services.create_entry, entry_data(**changes), actor=None).field == field


def test_texts_are_saved_in_the_source_language(entry_data):
    entry = services.create_entry(entry_data(function="  Mesure d'audience "), actor=None)

    assert entry.function_unit.source_language == "fr"
    assert entry.function_unit.source_text == "Mesure d'audience"


# --- Durations and consent ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "unit"),
    [
        (DurationKind.SESSION, None, None),
        (DurationKind.UNTIL_DELETED, None, None),
        (DurationKind.FIXED, 1, DurationUnit.HOURS),
        (DurationKind.FIXED, 1000, DurationUnit.DAYS),
        (None, None, None),
    ],
)
def test_a_duration_is_a_session_a_fixed_time_or_until_deleted(entry_data, kind, value, unit):
    changes = {"duration_kind": kind, "duration_value": value, "duration_unit": unit}
    entry = services.create_entry(entry_data(**changes), actor=None)
    assert (entry.duration_kind, entry.duration_value, entry.duration_unit) == (kind, value, unit)


@pytest.mark.parametrize(
    ("kind", "value", "unit", "field"),
    [
        (DurationKind.FIXED, None, DurationUnit.MONTHS, "duration_value"),
        (DurationKind.FIXED, 0, DurationUnit.MONTHS, "duration_value"),
        (DurationKind.FIXED, -3, DurationUnit.MONTHS, "duration_value"),
        (DurationKind.FIXED, 1001, DurationUnit.MONTHS, "duration_value"),
        (DurationKind.FIXED, 13, None, "duration_unit"),
        (DurationKind.SESSION, 13, None, "duration_value"),
        (DurationKind.UNTIL_DELETED, None, DurationUnit.DAYS, "duration_unit"),
        ("forever", None, None, "duration_kind"),
    ],
)
def test_only_a_fixed_time_has_a_positive_value_and_a_unit(entry_data, kind, value, unit, field):
    changes = {"duration_kind": kind, "duration_value": value, "duration_unit": unit}
    assert refusal(services.create_entry, entry_data(**changes), actor=None).field == field


def test_an_exempt_entry_names_its_ground_and_an_entry_needing_consent_has_none(entry_data):
    exempt = entry_data(consent_basis=ConsentBasis.EXEMPT)
    assert refusal(services.create_entry, exempt, actor=None).field == "exemption_ground"
    consent = entry_data(exemption_ground=ExemptionGround.SECURITY)
    assert refusal(services.create_entry, consent, actor=None).field == "exemption_ground"

    entry = services.create_entry(
        entry_data(consent_basis="exempt", exemption_ground="audience_measurement"), actor=None
    )

    assert entry.exemption_ground == ExemptionGround.AUDIENCE_MEASUREMENT


def test_every_problem_is_reported_at_once_for_a_form(entry_data):
    data = entry_data(names=["a b"], domain="", duration_value=None, locations=[])

    fields = {problem.field for problem in validate_entry(data)}

    assert fields == {"names", "domain", "duration_value", "locations"}


# --- Entry lifecycle and audit ------------------------------------------------------------


def test_creating_an_entry_records_who_and_what(entry_data, make_user):
    operator = make_user("operator")

    entry = services.create_entry(entry_data(), actor=operator)

    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.object_type == "CookieEntry"))
    assert (event.action, event.actor, event.object_id) == ("create", operator, entry.id)
    assert event.after["names"] == ["_ga", "_gid"]
    assert event.after["provider"] == "Google"
    assert event.after["category"] == "statistics"
    assert event.after["duration"] == {"kind": "fixed", "value": 13, "unit": "months"}
    assert (entry.created_by, entry.updated_by) == (operator, operator)


def test_an_edit_records_the_values_before_and_after(entry_data, make_user):
    operator = make_user("operator")
    entry = services.create_entry(entry_data(), actor=None)

    services.update_entry(entry, entry_data(duration_value=6, purpose="Autre."), actor=operator)

    event = queries.entry_history(entry)[0]
    assert event.action == "update"
    # The duration is recorded whole: its unit says what the numbers mean.
    assert event.before == {
        "purpose": "Compte les visites.",
        "duration": {"kind": "fixed", "value": 13, "unit": "months"},
    }
    assert event.after == {
        "purpose": "Autre.",
        "duration": {"kind": "fixed", "value": 6, "unit": "months"},
    }
    assert entry.updated_by == operator


def test_saving_an_unchanged_entry_records_nothing(entry_data):
    entry = services.create_entry(entry_data(), actor=None)
    updated_at = entry.updated_at

    services.update_entry(entry, entry_data(), actor=None)

    assert [event.action for event in queries.entry_history(entry)] == ["create"]
    assert entry.updated_at == updated_at


def test_a_refused_edit_leaves_the_entry_as_it_was(entry_data):
    entry = services.create_entry(entry_data(), actor=None)

    refusal(services.update_entry, entry, entry_data(names=["ok", "not ok"]), actor=None)

    assert entry.name_list == ["_ga", "_gid"]


def test_an_entry_is_archived_restored_and_only_then_deleted(entry_data):
    entry = services.create_entry(entry_data(), actor=None)
    assert "Archive it first" in refusal(services.delete_entry, entry, actor=None).message

    services.archive_entry(entry, actor=None)
    assert entry.archived
    assert "already archived" in refusal(services.archive_entry, entry, actor=None).message
    services.restore_entry(entry, actor=None)
    assert not entry.archived
    services.archive_entry(entry, actor=None)
    services.delete_entry(entry, actor=None)

    assert count_rows(CookieEntry) == count_rows(CookieName) == 0
    # Only the category's and the provider's texts are left.
    assert count_rows(TextUnit) == 3
    actions = db.session.scalars(
        db.select(AuditEvent.action)
        .where(AuditEvent.object_type == "CookieEntry")
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["create", "archive", "restore", "archive", "delete"]


# --- Categories ---------------------------------------------------------------------------


def test_new_categories_go_last(make_category):
    positions = [make_category().position for _ in range(3)]
    assert positions == [0, 1, 2]


@pytest.mark.parametrize("slug", ["", "Has space", "é", "a_b", "x" * 65])
def test_a_category_slug_is_short_lower_case_ascii(make_category, slug):
    error = refusal(make_category, slug=slug)
    assert error.field == "slug"


def test_a_slug_is_lower_cased_and_unique(make_category):
    assert make_category(slug=" Statistics ").slug == "statistics"
    error = refusal(make_category, slug="statistics")
    assert (error.field, error.message) == ("slug", "Another category already uses “statistics”.")


def test_a_category_needs_a_name(make_category):
    assert refusal(make_category, name=" ").field == "name"


def test_editing_a_category_records_before_and_after(make_category):
    category = make_category(slug="stats", name="Stats")

    services.update_category(
        category,
        slug="statistics",
        name="Statistiques",
        explanation=category.explanation_unit.source_text,
        consent_required_default=True,
        actor=None,
    )

    event = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.before == {"slug": "stats", "name": "Stats"}
    assert event.after == {"slug": "statistics", "name": "Statistiques"}
    assert category.name_unit.source_text == "Statistiques"


def test_moving_a_category_swaps_it_with_its_neighbour(make_category):
    first, second, third = make_category(), make_category(), make_category()

    services.move_category(third, direction="up", actor=None)
    services.move_category(first, direction="down", actor=None)

    order = db.session.scalars(db.select(Category).order_by(Category.position)).all()
    assert order == [third, first, second]
    assert refusal(services.move_category, third, direction="up", actor=None).field == "direction"
    assert refusal(services.move_category, second, direction="down", actor=None).field
    assert refusal(services.move_category, first, direction="sideways", actor=None).field


def test_a_category_in_use_cannot_be_deleted_and_the_message_names_its_entries(
    make_category, make_cookie
):
    category = make_category()
    make_cookie(category=category, names=["_pk_id.*", "_pk_ses.*"])
    make_cookie(category=category, names=["sessionid"], archived=True)

    error = refusal(services.delete_category, category, actor=None)

    assert "still used by 2 entries: “_pk_id.*, _pk_ses.*”, “sessionid”" in error.message


def test_an_unused_category_is_deleted_with_its_texts(make_category):
    category = make_category()

    services.delete_category(category, actor=None)

    assert count_rows(Category) == count_rows(TextUnit) == count_rows(TextVersion) == 0
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "delete"))
    assert event.before["slug"] == category.slug


# --- Providers ----------------------------------------------------------------------------


def test_a_provider_name_is_unique_whatever_its_case(make_provider):
    make_provider(name="Matomo")
    error = refusal(make_provider, name="  MATOMO")
    assert (error.field, error.message) == ("name", "A provider named “Matomo” already exists.")


@pytest.mark.parametrize(
    "url",
    ["ftp://example.org", "javascript:alert(1)", "https://", "example.org", "https://a b.org"],
)
def test_provider_addresses_are_http_urls_with_a_host(make_provider, url):
    assert refusal(make_provider, website=url).field == "website"
    assert refusal(make_provider, privacy_policy_url=url).field == "privacy_policy_url"


@pytest.mark.parametrize("country", ["XX", "EU", "FRA", "1"])
def test_a_provider_country_is_an_iso_3166_code(make_provider, country):
    assert refusal(make_provider, country=country).field == "country"


def test_a_provider_is_saved_with_normalised_values_and_an_optional_safeguard(make_provider):
    provider = make_provider(
        name=" Matomo ", website="https://matomo.org", privacy_policy_url="", country="nz"
    )
    assert (provider.name, provider.privacy_policy_url, provider.country) == (
        "Matomo",
        None,
        "NZ",
    )
    assert provider.safeguard_unit.source_text == ""


def test_editing_a_provider_records_before_and_after(make_provider):
    provider = make_provider(name="Matomo")

    services.update_provider(
        provider,
        name="Matomo",
        website=None,
        privacy_policy_url=None,
        country="NZ",
        safeguard="Décision d'adéquation.",
        actor=None,
    )

    event = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.action, event.before, event.after) == (
        "update",
        {"country": None, "safeguard": ""},
        {"country": "NZ", "safeguard": "Décision d'adéquation."},
    )


def test_a_provider_in_use_cannot_be_deleted(make_provider, make_cookie):
    provider = make_provider()
    make_cookie(provider=provider, names=["_ga"], archived=True)

    error = refusal(services.delete_provider, provider, actor=None)

    assert "still used by the entry “_ga”" in error.message
    services.delete_provider(make_provider(), actor=None)
    assert count_rows(Provider) == 1


# --- Search -------------------------------------------------------------------------------


def found(**filters) -> list[str]:
    entries = db.session.scalars(queries.search_entries(EntryFilters(**filters))).all()
    return [entry.label for entry in entries]


def test_search_finds_names_providers_and_texts_in_every_language(make_cookie, make_provider):
    matomo = make_provider(name="Matomo")
    make_cookie(names=["_pk_id.*"], provider=matomo)
    entry = make_cookie(names=["sessionid"], function="Authentification")
    make_cookie(names=["csrftoken"], purpose="Protège les formulaires.")
    save_text(entry.function_unit, "en", "Authentication", None, base_version_id=None)
    db.session.commit()

    assert found(q="PK_ID") == ["_pk_id.*"]
    assert found(q="matomo") == ["_pk_id.*"]
    assert found(q="authentication") == ["sessionid"]
    assert found(q="authentif") == ["sessionid"]
    assert found(q="formulaires") == ["csrftoken"]
    assert found(q="session authentication") == ["sessionid"]
    assert found(q="session csrf") == []


def test_search_treats_like_wildcards_as_plain_characters(make_cookie):
    make_cookie(names=["_ga"])
    make_cookie(names=["xga"])

    assert found(q="_ga") == ["_ga"]
    assert found(q="%") == []


def test_the_list_filters_by_category_provider_party_consent_and_status(
    make_cookie, make_category, make_provider
):
    category, provider = make_category(), make_provider()
    make_cookie(names=["a"], category=category)
    make_cookie(names=["b"], provider=provider, party=Party.THIRD, domain="b.example")
    make_cookie(
        names=["c"], consent_basis=ConsentBasis.EXEMPT, exemption_ground=ExemptionGround.SECURITY
    )
    make_cookie(names=["d"], category=category, archived=True)

    assert found() == ["a", "b", "c"]
    assert found(category=category) == ["a"]
    assert found(category=category, status=EntryStatus.ALL) == ["a", "d"]
    assert found(status=EntryStatus.ARCHIVED) == ["d"]
    assert found(provider=provider) == found(party=Party.THIRD) == ["b"]
    assert found(consent_basis=ConsentBasis.EXEMPT) == ["c"]
    assert queries.count_entries_by_status(EntryFilters(category=category)) == {
        EntryStatus.ACTIVE: 1,
        EntryStatus.ARCHIVED: 1,
        EntryStatus.ALL: 2,
    }


def test_the_list_sorts_by_names_provider_category_and_last_update(
    make_cookie, make_provider, make_category
):
    late, early = make_category(), make_category()
    services.move_category(early, direction="up", actor=None)
    make_cookie(names=["b"], provider=make_provider(name="Zeta"), category=late)
    make_cookie(names=["A"], provider=make_provider(name="alpha"), category=early)
    make_cookie(names=["c"], provider=make_provider(name="Mu"), category=late)

    assert found() == ["A", "b", "c"]
    assert found(sort=EntrySort.NAMES, descending=True) == ["c", "b", "A"]
    assert found(sort=EntrySort.PROVIDER) == ["A", "c", "b"]
    assert found(sort=EntrySort.CATEGORY) == ["A", "b", "c"]
    assert found(sort=EntrySort.UPDATED, descending=True) == ["c", "A", "b"]


def test_the_translation_filter_finds_missing_and_outdated_translations(make_cookie):
    db.session.add(
        PortalSettings(name="P", base_url="https://p.example", enabled_languages=["fr", "en"])
    )
    db.session.commit()
    done = make_cookie(names=["done"])
    outdated = make_cookie(names=["outdated"])
    make_cookie(names=["missing"])
    for entry in (done, outdated):
        for unit in entry.text_units.values():
            save_text(unit, "en", "In English", None, base_version_id=None)
    db.session.commit()
    services.update_entry(
        outdated,
        EntryData(**(current_data(outdated) | {"purpose": "Nouvelle finalité."})),
        actor=None,
    )

    assert found(untranslated=True) == ["missing", "outdated"]
    problems = queries.untranslated_languages([done, outdated])
    assert problems[done.id] == []
    assert [(language, status.value) for language, status in problems[outdated.id]] == [
        ("en", "outdated")
    ]


def current_data(entry: CookieEntry) -> dict:
    """An entry's current values as EntryData fields."""
    fields = EntryData.__dataclass_fields__
    values = {name: getattr(entry, name) for name in fields if hasattr(CookieEntry, name)}
    values["names"] = entry.name_list
    values["locations"] = [Location(location) for location in entry.locations]
    values["function"] = entry.function_unit.source_text
    values["purpose"] = entry.purpose_unit.source_text
    return values


def test_an_entry_reads_back_as_the_data_it_was_made_from(entry_data):
    entry = services.create_entry(entry_data(), actor=None)
    assert EntryData(**current_data(entry)) == entry_data()
