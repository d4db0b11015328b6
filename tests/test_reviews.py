"""The review queue: entries marked as reviewed one by one or many at once, the inventory's
filter of those due, and the dashboard's count that leads to it."""

import re
from datetime import UTC, date, datetime, timedelta
from html import unescape

import pytest
import sqlalchemy as sa

from portal_cookies import checks
from portal_cookies import i18n as i18n_module
from portal_cookies.checks import Check, review_due_before
from portal_cookies.extensions import db
from portal_cookies.i18n import portal_today
from portal_cookies.inventory import services
from portal_cookies.models import AuditEvent
from portal_cookies.portal import update_portal
from portal_cookies.service_errors import ServiceError
from tests.helpers import csrf_token, log_in

INVENTORY = "/admin/inventory"
LONG_AGO = date(2020, 5, 4)


@pytest.fixture
def queue(make_cookie):
    """Two entries due for review (never reviewed, reviewed long ago), one reviewed lately
    and an archived one long unreviewed."""
    return {
        "never": make_cookie(names=["never_reviewed"], last_reviewed_on=None),
        "old": make_cookie(names=["reviewed_long_ago"], last_reviewed_on=LONG_AGO),
        "recent": make_cookie(names=["reviewed_lately"], last_reviewed_on=portal_today()),
        "archived": make_cookie(names=["archived_one"], last_reviewed_on=None, archived=True),
    }


def review_events() -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "review").order_by(AuditEvent.id)
        )
    )


def reviewed_days(queue) -> dict[str, date | None]:
    db.session.expire_all()
    return {key: entry.last_reviewed_on for key, entry in queue.items()}


def flashes(html: str) -> list[str]:
    return [unescape(text) for text in re.findall(r'<p class="flash flash--\w+">(.*?)</p>', html)]


# --- The rule -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "due_before"),
    [
        (date(2026, 3, 1), date(2025, 3, 1)),
        (date(2024, 2, 29), date(2023, 2, 28)),
        (date(2026, 1, 15), date(2025, 1, 15)),
    ],
)
def test_an_entry_is_due_when_last_reviewed_over_12_months_before(today, due_before):
    assert checks.REVIEW_INTERVAL_MONTHS == 12
    assert review_due_before(today) == due_before


def test_today_is_the_portals_day_in_its_time_zone(monkeypatch):
    update_portal(actor=None, time_zone="Pacific/Auckland")
    # 20:00 on 30 November in UTC is already 1 December in Auckland (UTC+13 in summer).
    monkeypatch.setattr(i18n_module, "utcnow", lambda: datetime(2026, 11, 30, 20, tzinfo=UTC))

    assert portal_today() == date(2026, 12, 1)


# --- One entry ------------------------------------------------------------------------------


def test_an_operator_marks_an_entry_reviewed_from_its_page(client, queue):
    operator = log_in(client, "operator")
    entry = queue["old"]
    page = client.get(f"{INVENTORY}/entries/{entry.id}").text
    assert f'action="{INVENTORY}/entries/{entry.id}/review"' in page

    response = client.post(f"{INVENTORY}/entries/{entry.id}/review", follow_redirects=True)

    assert "Entry “reviewed_long_ago” marked as reviewed today." in flashes(response.text)
    assert entry.last_reviewed_on == portal_today()
    [event] = review_events()
    assert (event.actor_id, event.object_id) == (operator.id, entry.id)
    assert (event.before, event.after) == (
        {"last_reviewed_on": "2020-05-04"},
        {"last_reviewed_on": portal_today().isoformat()},
    )
    assert "Marked as reviewed" in response.text
    assert Check.NOT_REVIEWED not in [problem.check for problem in checks.check_entry(entry)]


def test_marking_an_entry_reviewed_twice_a_day_records_it_once(queue):
    services.mark_reviewed([queue["never"]], actor=None)
    services.mark_reviewed([queue["never"]], actor=None)

    assert len(review_events()) == 1


def test_a_translator_cannot_mark_an_entry_reviewed(client, queue):
    log_in(client, "translator")
    entry = queue["never"]
    assert (
        f"{INVENTORY}/entries/{entry.id}/review"
        not in client.get(f"{INVENTORY}/entries/{entry.id}").text
    )

    response = client.post(f"{INVENTORY}/entries/{entry.id}/review")

    assert response.status_code == 403
    assert reviewed_days(queue)["never"] is None
    assert review_events() == []


def test_an_archived_entry_is_not_reviewed(queue):
    with pytest.raises(ServiceError) as refused:
        services.mark_reviewed([queue["never"], queue["archived"]], actor=None)

    assert refused.value.message == (
        "The entry “archived_one” is archived: restore it to review it. Nothing was changed."
    )
    assert reviewed_days(queue)["never"] is None
    assert review_events() == []


# --- The list: its filter and many entries at once -------------------------------------------


def test_the_inventory_filters_the_entries_due_for_review(client, queue):
    log_in(client, "translator")

    html = client.get(INVENTORY + "/?review=due").text

    assert "never_reviewed" in html and "reviewed_long_ago" in html
    assert "reviewed_lately" not in html and "archived_one" not in html
    assert "Not reviewed for 12 months" in html
    # Translators read the list; ticking entries is for editors.
    assert 'name="entry"' not in html


def test_an_entry_reviewed_exactly_12_months_ago_is_not_yet_due(client, make_cookie):
    boundary = review_due_before(portal_today())
    make_cookie(names=["on_the_day"], last_reviewed_on=boundary)
    make_cookie(names=["a_day_late"], last_reviewed_on=boundary - timedelta(days=1))
    log_in(client, "operator")

    html = client.get(INVENTORY + "/?review=due").text

    assert "a_day_late" in html and "on_the_day" not in html


def test_an_operator_marks_the_ticked_entries_reviewed_and_returns_to_the_filtered_list(
    client, queue, csrf_enabled
):
    log_in(client, "operator")
    page = client.get(INVENTORY + "/?review=due").text
    assert f'action="{INVENTORY}/review?review=due"' in page
    ticked = [str(queue["never"].id), str(queue["old"].id)]

    response = client.post(
        INVENTORY + "/review?review=due",
        data={"csrf_token": csrf_token(page), "entry": ticked, "mark_selected": "y"},
    )

    assert response.headers["Location"] == INVENTORY + "/?review=due"
    listing = client.get(response.headers["Location"]).text
    assert "2 entries marked as reviewed today." in flashes(listing)
    assert "never_reviewed" not in listing and "reviewed_long_ago" not in listing
    assert reviewed_days(queue) == {
        "never": portal_today(),
        "old": portal_today(),
        "recent": portal_today(),
        "archived": None,
    }
    assert [event.object_id for event in review_events()] == [
        queue["never"].id,
        queue["old"].id,
    ]


def test_an_operator_marks_every_entry_the_page_shows_reviewed(client, queue):
    log_in(client, "operator")
    page = client.get(INVENTORY + "/?review=due").text
    shown = re.findall(r'<input type="hidden" name="shown" value="(\d+)">', page)
    assert sorted(shown) == sorted([str(queue["never"].id), str(queue["old"].id)])

    response = client.post(
        INVENTORY + "/review?review=due",
        data={"shown": shown, "mark_shown": "y"},
        follow_redirects=True,
    )

    assert "2 entries marked as reviewed today." in flashes(response.text)
    assert "No entry matches these filters." in response.text


@pytest.mark.parametrize(
    ("ticked", "message"),
    [
        ([], "Choose the entries to mark as reviewed."),
        (["abc"], "The selection could not be read; nothing was changed. Reload the list."),
        (["-1"], "The selection could not be read; nothing was changed. Reload the list."),
        (["9" * 30], "The selection could not be read; nothing was changed. Reload the list."),
        (
            ["{never}", "99999"],
            "There is no entry number 99999 (deleted meanwhile?): nothing was changed.",
        ),
        (
            ["{never}", "{archived}"],
            "The entry “archived_one” is archived: restore it to review it. Nothing was changed.",
        ),
    ],
)
def test_a_selection_that_cannot_be_marked_changes_nothing_and_says_why(
    client, queue, ticked, message
):
    log_in(client, "operator")
    before = reviewed_days(queue)
    ids = {key: entry.id for key, entry in queue.items()}

    response = client.post(
        INVENTORY + "/review",
        data={"entry": [value.format(**ids) for value in ticked], "mark_selected": "y"},
        follow_redirects=True,
    )

    assert response.status_code == 200
    assert message in flashes(response.text)
    assert reviewed_days(queue) == before
    assert review_events() == []


def test_a_selection_longer_than_any_page_is_refused(client, queue):
    log_in(client, "operator")

    response = client.post(
        INVENTORY + "/review",
        data={"entry": [str(n) for n in range(1, 1002)], "mark_selected": "y"},
        follow_redirects=True,
    )

    assert "Choose 500 entries at most at once." in flashes(response.text)
    assert review_events() == []


def test_a_translator_cannot_mark_entries_reviewed_in_bulk(client, queue):
    log_in(client, "translator")

    response = client.post(
        INVENTORY + "/review", data={"entry": [str(queue["never"].id)], "mark_selected": "y"}
    )

    assert response.status_code == 403
    assert reviewed_days(queue)["never"] is None


# --- The dashboard --------------------------------------------------------------------------


def test_the_dashboard_counts_the_active_entries_due_for_review_and_leads_to_them(client, queue):
    log_in(client, "translator")

    html = unescape(client.get("/admin/").text)

    card = re.search(
        r'<span class="stat">(\d+)</span>\s*<a href="([^"]+)">entries not reviewed', html
    )
    assert card and card.groups() == ("2", INVENTORY + "/?review=due")
    listing = client.get(card.group(2)).text
    for key in ("never", "old"):
        assert f'href="{INVENTORY}/entries/{queue[key].id}"' in listing


def test_the_dashboard_count_falls_as_entries_are_reviewed(client, queue):
    log_in(client, "operator")
    services.mark_reviewed([queue["never"]], actor=None)

    html = client.get("/admin/").text

    assert re.search(r'<span class="stat">1</span>\s*<a href="[^"]+">entry not reviewed', html)
