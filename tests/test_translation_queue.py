"""The translation queue at any size: pages, filters and counts in SQL over the kept check
results, the editor's previous and next found by a query, and the kept results never
drifting from what the checks find."""

import random
import re

import pytest
import sqlalchemy as sa

from portal_cookies import checks
from portal_cookies.extensions import db
from portal_cookies.inventory import services as inventory
from portal_cookies.models import (
    Location,
    PortalSettings,
    Role,
    TextCheckResult,
    TextKind,
    TextUnit,
)
from portal_cookies.service_errors import ServiceError
from portal_cookies.texts import set_source_text, status_of
from portal_cookies.translation import services
from tests.helpers import count_queries, log_in, translate


@pytest.fixture
def portal():
    settings = PortalSettings(
        name="Test portal", base_url="https://portal.example.org", enabled_languages=["fr", "en"]
    )
    db.session.add(settings)
    db.session.commit()
    return settings


@pytest.fixture
def make_entry(make_cookie, make_category, make_provider):
    """Entries of one provider and one category; the queue filtered on the provider
    (``make_entry.provider``) holds only the entries' texts."""
    category, provider = make_category(slug="analytics"), make_provider(name="Matomo")

    def make(**values):
        defaults = {"function": "Mesure d'audience", "purpose": "Compte les visites."}
        return make_cookie(**{"category": category, "provider": provider, **defaults, **values})

    make.provider = provider
    return make


def queue_links(response) -> list[str]:
    """The editor addresses the queue page lists, in order."""
    return re.findall(
        r'<th scope="row">\s*<a href="(/admin/translation/\d+/en[^"]*)"', response.text
    )


def unit_ids(links: list[str]) -> list[int]:
    return [int(re.search(r"/admin/translation/(\d+)/", link).group(1)) for link in links]


def test_the_queue_is_shown_a_page_at_a_time(portal, app, client, make_entry, monkeypatch):
    monkeypatch.setitem(app.config, "TRANSLATION_PAGE_SIZE", 4)
    for _ in range(5):
        make_entry()
    log_in(client, Role.TRANSLATOR)
    whole = [
        item.unit.id
        for item in services.build_queue(
            services.QueueParams("en", provider=make_entry.provider.id)
        )
    ]

    first = client.get(f"/admin/translation/?language=en&provider={make_entry.provider.id}")
    third = client.get(f"/admin/translation/?language=en&provider={make_entry.provider.id}&page=3")
    beyond = client.get(
        f"/admin/translation/?language=en&provider={make_entry.provider.id}&page=99"
    )

    assert len(whole) == 10
    assert "10 texts to look at" in first.text
    assert unit_ids(queue_links(first)) == whole[:4]
    assert unit_ids(queue_links(third)) == whole[8:]
    assert f'href="/admin/translation/?provider={make_entry.provider.id}&amp;page=2"' in first.text
    # Past the end (the list shrank since the link was made): the last page.
    assert unit_ids(queue_links(beyond)) == whole[8:]


def test_a_bad_page_number_is_explained_and_ignored(portal, client, make_entry):
    make_entry()
    log_in(client, Role.TRANSLATOR)

    response = client.get(
        f"/admin/translation/?language=en&provider={make_entry.provider.id}&page=abc"
    )

    assert response.status_code == 200
    assert "A page is a whole number." in response.text
    assert "2 texts to look at" in response.text


def test_the_failing_filter_shows_texts_whose_checks_find_something(portal, make_entry):
    wrong, right = make_entry(purpose="Garde 13 mois."), make_entry(purpose="Garde 2 mois.")
    translate(wrong.purpose_unit, "Kept for 12 months.")
    translate(right.purpose_unit, "Kept for 2 months.")
    for entry in (wrong, right):
        translate(entry.function_unit, "Audience measurement")

    failing = services.build_queue(
        services.QueueParams("en", services.QueueFilter.FAILING, provider=make_entry.provider.id)
    )

    assert [(item.unit.id, item.errors + item.warnings > 0) for item in failing] == [
        (wrong.purpose_unit.id, True)
    ]


def test_a_dismissed_warning_leaves_the_failing_filter(portal, make_entry, make_user):
    entry = make_entry()
    translate(entry.function_unit, "Audience measurement")
    translate(entry.purpose_unit, "Counts visits")
    params = services.QueueParams(
        "en", services.QueueFilter.FAILING, provider=make_entry.provider.id
    )
    assert [item.unit.id for item in services.build_queue(params)] == [entry.purpose_unit.id]

    [warning] = checks.warnings(checks.check_translation(entry.purpose_unit, "en"))
    checks.dismiss_warning(warning, reason="A label, not a sentence.", actor=make_user())

    assert services.build_queue(params) == []


def test_renaming_a_cookie_checks_its_texts_again(portal, make_entry):
    entry = make_entry(names=["sid"], function="Garde sid en mémoire")
    translate(entry.function_unit, "Keeps sid in memory")
    translate(entry.purpose_unit, "Counts visits.")
    params = services.QueueParams(
        "en", services.QueueFilter.FAILING, provider=make_entry.provider.id
    )
    assert services.build_queue(params) == []

    data = inventory.EntryData(**{**entry_values(entry), "names": ["sid", "memory"]})
    inventory.update_entry(entry, data, actor=None)

    assert [item.unit.id for item in services.build_queue(params)] == [entry.function_unit.id]


def entry_values(entry) -> dict:
    return {
        "provider": entry.provider,
        "category": entry.category,
        "names": entry.name_list,
        "storage_kind": entry.storage_kind,
        "party": entry.party,
        "domain": entry.domain,
        "locations": [Location(value) for value in entry.locations],
        "function": entry.function_unit.source_text,
        "purpose": entry.purpose_unit.source_text,
        "duration_kind": entry.duration_kind,
        "duration_value": entry.duration_value,
        "duration_unit": entry.duration_unit,
        "consent_basis": entry.consent_basis,
        "exemption_ground": entry.exemption_ground,
    }


def test_the_queue_filters_by_category_kind_and_cookie_name(
    portal, make_cookie, make_category, make_provider
):
    statistics = make_category(slug="statistics")
    counted = make_cookie(names=["_pk_id"], category=statistics)
    make_cookie(names=["session_id"])

    by_category = services.build_queue(services.QueueParams("en", category="statistics"))
    purposes = services.build_queue(
        services.QueueParams("en", category="statistics", kind=TextKind.ENTRY_PURPOSE)
    )
    by_name = services.build_queue(services.QueueParams("en", q="PK_ID"))

    category_units = {statistics.name_unit_id, statistics.explanation_unit_id}
    assert {item.unit.id for item in by_category} == category_units | {
        counted.function_unit_id,
        counted.purpose_unit_id,
    }
    assert [item.unit.id for item in purposes] == [counted.purpose_unit_id]
    assert {item.unit.id for item in by_name} == {counted.function_unit_id, counted.purpose_unit_id}


def test_the_editor_links_to_the_texts_before_and_after_it_in_the_queue(portal, client, make_entry):
    make_entry()
    second = make_entry()
    make_entry()
    translate(second.function_unit, "Function")
    set_source_text(second.function_unit, "Une fonction réécrite", None)
    db.session.commit()
    log_in(client, Role.TRANSLATOR)
    order = [
        item.unit.id
        for item in services.build_queue(
            services.QueueParams("en", provider=make_entry.provider.id)
        )
    ]
    assert order[0] == second.function_unit.id  # outdated first

    for position, unit_id in enumerate(order):
        page = client.get(
            f"/admin/translation/{unit_id}/en?language=en&provider={make_entry.provider.id}"
        )
        previous = re.search(
            r'id="previous-text" rel="prev" href="/admin/translation/(\d+)/', page.text
        )
        following = re.search(
            r'id="next-text" rel="next" href="/admin/translation/(\d+)/', page.text
        )
        assert (int(previous.group(1)) if previous else None) == (
            order[position - 1] if position else None
        )
        assert (int(following.group(1)) if following else None) == (
            order[position + 1] if position + 1 < len(order) else None
        )


def test_the_editor_of_a_text_left_out_by_the_filter_leads_to_the_first_one(
    portal, client, make_entry
):
    done = make_entry()
    make_entry()
    translate(done.function_unit, "Function")
    log_in(client, Role.TRANSLATOR)

    page = client.get(f"/admin/translation/{done.function_unit_id}/en?filter=missing")

    first = services.build_queue(services.QueueParams("en", services.QueueFilter.MISSING))[0]
    assert 'id="previous-text"' not in page.text
    assert f'id="next-text" rel="next" href="/admin/translation/{first.unit.id}/en' in page.text


def recomputed() -> dict[tuple[int, str], tuple[str, int, int]]:
    """Every shown text's state and findings in English, worked out from scratch."""
    units = [item.unit for item in services.build_queue(services.QueueParams("en"))]
    units += db.session.scalars(
        sa.select(TextUnit).where(
            TextUnit.id.in_(sa.select(TextCheckResult.unit_id)),
            TextUnit.id.not_in([unit.id for unit in units]),
        )
    ).all()
    found = checks.problems_by_unit(units, "en")
    return {
        (unit.id, "en"): (
            status_of(unit, "en").value,
            len(checks.errors(found[unit.id])),
            len(checks.warnings(found[unit.id])),
        )
        for unit in units
    }


def kept() -> dict[tuple[int, str], tuple[str, int, int]]:
    checks.refresh_results(["en"])
    return {
        (row.unit_id, row.language): (row.status, row.errors, row.warnings)
        for row in db.session.scalars(sa.select(TextCheckResult))
    }


@pytest.mark.parametrize("seed", range(4))
def test_kept_results_match_a_full_recomputation_after_any_edits(
    portal, make_entry, make_user, seed
):
    """Random sequences of what people do; after each step the kept rows equal the checks."""
    chance = random.Random(seed)
    reviewer = make_user(Role.OPERATOR)
    entries = [make_entry(purpose=f"Garde {n} mois.") for n in range(3)]
    words = ["Kept", "for", "12", "2", "months", "sid", "visits", "."]

    def translate_some():
        unit = chance.choice(entries).text_units[chance.choice(["function", "purpose"])]
        translate(unit, " ".join(chance.choices(words, k=chance.randint(1, 5))))

    def edit_a_source():
        unit = chance.choice(entries).purpose_unit
        set_source_text(unit, f"Garde {chance.randint(1, 3)} mois.", None)
        db.session.commit()

    def rename():
        entry = chance.choice(entries)
        names = chance.sample(["sid", "visits", "months", "tracker"], k=chance.randint(1, 2))
        data = inventory.EntryData(**{**entry_values(entry), "names": names})
        try:
            inventory.update_entry(entry, data, actor=None)
        except ServiceError:
            pass  # another entry declares one of these names already

    def dismiss():
        entry = chance.choice(entries)
        for unit in entry.text_units.values():
            for warning in checks.warnings(checks.check_translation(unit, "en")):
                checks.dismiss_warning(warning, reason="Checked.", actor=reviewer)
                return

    def archive_or_restore():
        entry = chance.choice(entries)
        if entry.archived:
            inventory.restore_entry(entry, actor=None)
        else:
            inventory.archive_entry(entry, actor=None)

    steps = [translate_some, translate_some, edit_a_source, rename, dismiss, archive_or_restore]
    for _ in range(12):
        chance.choice(steps)()
        stored = kept()
        shown = {key: value for key, value in stored.items() if key in recomputed()}
        assert shown == recomputed()


def add_entries(make_entry, count: int) -> None:
    for number in range(count):
        entry = make_entry()
        if number % 2:
            translate(entry.function_unit, f"Function {number}")


def test_the_queue_and_the_editor_cost_the_same_queries_at_any_size(portal, client, make_entry):
    log_in(client, Role.TRANSLATOR)

    def costs() -> tuple[int, int]:
        unit_id = services.build_queue(services.QueueParams("en", provider=make_entry.provider.id))[
            5
        ].unit.id
        queue_url = "/admin/translation/?language=en&filter=missing"
        editor_url = f"/admin/translation/{unit_id}/en?filter=missing"
        client.get(queue_url)  # the first reading works the new texts' results out
        return (
            count_queries(lambda: client.get(queue_url)),
            count_queries(lambda: client.get(editor_url)),
        )

    add_entries(make_entry, 10)
    small = costs()
    add_entries(make_entry, 50)
    large = costs()

    # Which kinds of text a page shows may cost a query more or less; never its length.
    assert large[0] <= small[0] and large[1] <= small[1]
    assert max(small) < 30
