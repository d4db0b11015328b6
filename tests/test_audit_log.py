"""The audit log (/admin/audit/): what it shows, how it filters and pages, its CSV file."""

import csv
import io
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from html import unescape

import pytest

from portal_cookies import checks
from portal_cookies.audit import record_event
from portal_cookies.audit_log import services
from portal_cookies.extensions import db
from portal_cookies.inventory import services as inventory
from portal_cookies.inventory.fields import entry_fields
from portal_cookies.models import AuditEvent, CookieEntry, Role
from portal_cookies.portal import get_settings, update_portal
from portal_cookies.service_errors import ServiceError
from portal_cookies.texts import save_text
from tests.helpers import count_queries, log_in

LOG = "/admin/audit/"
EXPORT = "/admin/audit/export"


def page_of(response) -> str:
    return unescape(response.get_data(as_text=True))


def rows_of(html: str) -> list[str]:
    """The log table's rows, newest first, as their HTML."""
    table = html[html.index('<table class="audit-log">') :]
    return table[: table.index("</table>\n</div>")].split("<td><time ")[1:]


OBJECT_CELL = r'<th scope="row">\s*<span class="small muted">.*?</span>(.*?)</th>'


def labels_listed(html: str) -> list[str]:
    """The object of each row of the log, in order."""
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()
        for cell in re.findall(OBJECT_CELL, html, re.S)
    ]


def event(
    action="update", obj=None, *, actor=None, at=None, label="thing", before=None, after=None
):
    """An event recorded now, or at ``at`` (an aware datetime)."""
    obj = obj if obj is not None else get_settings()
    recorded = record_event(actor, action, obj, label=label, before=before, after=after)
    if at is not None:
        recorded.created_at = at
    db.session.commit()
    return recorded


def events_for(filters=None) -> list[AuditEvent]:
    return list(db.session.scalars(services.search_events(filters)))


@pytest.fixture
def portal():
    """The portal's saved settings, in Europe/Paris (its default zone)."""
    settings = update_portal(actor=None, name="Portail")
    db.session.execute(db.delete(AuditEvent))
    db.session.commit()
    return settings


@pytest.fixture
def operator(client):
    return log_in(client, Role.OPERATOR)


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


# --- Searching ----------------------------------------------------------------------------


def test_each_filter_narrows_the_log_alone_and_together(portal, make_user):
    alice, bob = make_user(Role.OPERATOR), make_user(Role.ADMIN)
    db.session.execute(db.delete(AuditEvent))
    db.session.commit()
    monday = datetime(2025, 3, 3, 10, tzinfo=UTC)
    by_alice = event("update", portal, actor=alice, at=monday, label="a")
    moved = event("move", portal, actor=alice, at=monday + timedelta(days=1), label="b")
    about_bob = event("change_role", bob, actor=bob, at=monday + timedelta(days=2), label="c")
    by_system = event("update", portal, at=monday + timedelta(days=3), label="d")

    def labels(**filters):
        return [found.object_label for found in events_for(services.EventFilters(**filters))]

    assert labels() == ["d", "c", "b", "a"]
    assert labels(person=alice) == ["b", "a"]
    assert labels(by_system=True) == [by_system.object_label]
    assert labels(kind="User") == [about_bob.object_label]
    assert labels(action="update") == ["d", "a"]
    assert labels(start=date(2025, 3, 4), end=date(2025, 3, 5)) == ["c", "b"]
    assert labels(person=alice, action="update") == [by_alice.object_label]
    assert labels(person=alice, kind="PortalSettings", start=date(2025, 3, 4)) == [
        moved.object_label
    ]
    assert labels(person=bob, action="move") == []


def test_the_date_range_takes_whole_days_in_the_portals_time_zone(portal):
    # 10 March 2025 in Paris (UTC+1) runs from 9 March 23:00 to 10 March 23:00 in UTC.
    event(label="late on the 9th", at=datetime(2025, 3, 9, 22, 59, tzinfo=UTC))
    event(label="first minute", at=datetime(2025, 3, 9, 23, 0, tzinfo=UTC))
    event(label="last minute", at=datetime(2025, 3, 10, 22, 59, 59, tzinfo=UTC))
    event(label="the 11th", at=datetime(2025, 3, 10, 23, 0, tzinfo=UTC))
    tenth = services.EventFilters(start=date(2025, 3, 10), end=date(2025, 3, 10))

    assert [found.object_label for found in events_for(tenth)] == ["last minute", "first minute"]

    # In New York (UTC-4 since 9 March 2025) the 10th runs from 04:00 to 04:00 the next day.
    portal.time_zone = "America/New_York"
    db.session.commit()
    assert [found.object_label for found in events_for(tenth)] == ["the 11th", "last minute"]


def test_a_range_of_days_that_is_not_one_is_refused(portal):
    with pytest.raises(ServiceError) as refused:
        services.search_events(services.EventFilters(start=date(2025, 3, 2), end=date(2025, 3, 1)))
    assert refused.value.field == "end"
    with pytest.raises(ServiceError):
        services.search_events(services.EventFilters(end=date.max))


# --- Reading ------------------------------------------------------------------------------


def test_a_change_reads_in_words(client, operator, make_cookie):
    entry = make_cookie(names=["_pk_id.*"])
    data = inventory.EntryData(**entry_fields(entry))
    inventory.update_entry(entry, replace(data, duration_value=6, visible=False), actor=operator)

    html = page_of(client.get(LOG, query_string={"action": "update"}))

    assert "Changed" in html
    assert operator.email in html
    row = rows_of(html)[0]
    assert re.search(
        r"<th scope=\"row\">Duration</th>\s*<td>13 months</td>\s*<td>6 months</td>", row
    )
    assert re.search(r"Shown on the policy</th>\s*<td>yes</td>\s*<td>no</td>", row)
    assert "duration_value" not in html and "visible" not in row


def test_an_accounts_values_read_in_words(client, operator, make_user):
    translator = make_user(Role.TRANSLATOR)
    event("change_role", translator, before={"role": "translator"}, after={"role": "admin"})
    event("set_locale", translator, before={"locale": None}, after={"locale": "fr"})

    rows = rows_of(page_of(client.get(LOG, query_string={"kind": "User"})))

    assert re.search(r"Interface language</th>\s*<td>—</td>\s*<td>French</td>", rows[0])
    assert re.search(r"Role</th>\s*<td>translator</td>\s*<td>administrator</td>", rows[1])
    assert "Role changed" in rows[1]


def test_an_event_no_one_foresaw_still_reads_in_words(client, operator, portal):
    event(
        "frobnicate_widget",
        portal,
        before={"widget_colour": "red"},
        after={"widget_colour": "blue"},
    )

    row = rows_of(page_of(client.get(LOG)))[0]

    assert "Frobnicate widget" in row
    assert re.search(r"Widget colour</th>\s*<td>red</td>\s*<td>blue</td>", row)


def test_a_long_text_is_shown_in_full(client, operator, make_cookie):
    purpose = "Mesure l'audience du portail. " * 10
    entry = make_cookie()
    data = inventory.EntryData(**entry_fields(entry))
    inventory.update_entry(entry, replace(data, purpose=purpose.strip()), actor=operator)

    row = rows_of(page_of(client.get(LOG, query_string={"action": "update"})))[0]

    assert f'<div class="text-block">{purpose.strip()}</div>' in row


def test_each_object_links_to_its_page_while_it_exists(
    client, operator, portal, make_cookie, make_published
):
    entry = make_cookie()  # with its provider and category
    text = save_text(entry.purpose_unit, "en", "Counts visits.", None, base_version_id=None)
    db.session.flush()
    event(
        "translate",
        entry.purpose_unit,
        label="purpose [en]",
        after={"language": "en", "text": text.text},
    )
    event("publish", make_published(3), label="version 3", after={"number": 3})
    event("update", portal, label="Portail", after={"name": "Portail"})

    html = page_of(client.get(LOG))

    assert f'href="/admin/inventory/entries/{entry.id}"' in html
    assert f'href="/admin/inventory/categories/{entry.category.id}"' in html
    assert f'href="/admin/inventory/providers/{entry.provider.id}"' in html
    assert f'href="/admin/translation/{entry.purpose_unit.id}/en/history"' in html
    assert 'href="/admin/publishing/history#version-3"' in html
    assert 'href="/admin/settings/"' in html
    assert "badge--archived" not in html


def test_a_dismissed_warning_links_to_what_it_was_about(client, operator, make_cookie):
    entry = make_cookie(last_reviewed_on=date(2020, 5, 4))
    [warning] = [problem for problem in checks.check_entry(entry) if not problem.is_error]
    checks.dismiss_warning(warning, reason="Reviewed with the DPO.", actor=operator)

    html = page_of(client.get(LOG, query_string={"kind": "CheckDismissal"}))

    [row] = rows_of(html)
    assert "Warning dismissed" in row
    assert f'href="/admin/inventory/entries/{entry.id}#problems"' in row
    assert re.search(r"Reason</th>\s*<td>—</td>\s*<td>Reviewed with the DPO.</td>", row)


def test_a_deleted_entrys_history_stays_readable_without_a_link(
    client, operator, make_cookie, make_category
):
    entry = make_cookie(names=["_ga"], archived=True)
    entry_id = entry.id
    inventory.delete_entry(entry, actor=operator)

    html = page_of(client.get(LOG, query_string={"kind": "CookieEntry"}))

    assert labels_listed(html) == ["_ga deleted", "_ga deleted", "_ga deleted"]
    assert [re.search(r"<td>(Created|Archived|Deleted)</td>", row)[1] for row in rows_of(html)] == [
        "Deleted",
        "Archived",
        "Created",
    ]
    assert f"/admin/inventory/entries/{entry_id}" not in html
    # Its last values are still there to read.
    assert re.search(r"Cookie names</th>\s*<td>_ga</td>\s*<td>—</td>", rows_of(html)[0])
    assert db.session.get(CookieEntry, entry_id) is None


def test_times_read_in_the_portals_time_zone(client, operator, portal):
    event(at=datetime(2025, 7, 1, 22, 30, tzinfo=UTC))

    html = page_of(client.get(LOG))

    assert (
        '<time datetime="2025-07-02T00:30:00+02:00">2 July 2025 at 00:30 (France Time)</time>'
        in html
    )
    assert "Europe/Paris" in html


def test_the_log_is_paged_newest_first_keeping_the_filters(
    app, client, operator, portal, monkeypatch
):
    monkeypatch.setitem(app.config, "AUDIT_LOG_PAGE_SIZE", 2)
    start = datetime(2025, 1, 1, 12, tzinfo=UTC)
    for day in range(5):
        event("update", portal, label=f"day {day + 1}", at=start + timedelta(days=day))
    event("move", portal, label="other action", at=start + timedelta(days=9))

    first = page_of(client.get(LOG, query_string={"action": "update"}))
    second = page_of(client.get(LOG, query_string={"action": "update", "page": 2}))
    last = page_of(client.get(LOG, query_string={"action": "update", "page": 3}))

    assert labels_listed(first) == ["day 5", "day 4"]
    assert labels_listed(second) == ["day 3", "day 2"]
    assert labels_listed(last) == ["day 1"]
    assert 'href="/admin/audit/?action=update&page=2"' in first
    assert "5 events" in first


def test_a_page_reads_the_database_a_fixed_number_of_times(
    client, operator, portal, make_cookie, make_user
):
    make_cookie()

    def show():
        assert client.get(LOG).status_code == 200

    show()
    few = count_queries(show)
    for _number in range(3):
        make_cookie()
        make_user(Role.TRANSLATOR)
    assert count_queries(show) == few


# --- Bad addresses ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"person": "999999"}, "There is no such person."),
        ({"person": "somebody"}, "There is no such person."),
        ({"kind": "Secret"}, "There is no such kind of object."),
        ({"action": "drop_table"}, "There is no such action."),
        ({"start": "31/03/2025"}, "Give a date as year-month-day"),
        ({"end": "2025-02-30"}, "Give a date as year-month-day"),
        ({"start": "0001-01-01"}, "Give a date between"),
        ({"end": "9999-12-31"}, "Give a date between"),
        ({"start": "2025-03-02", "end": "2025-03-01"}, "The end date comes before the start date."),
        ({"page": "0"}, "Number must be between 1 and 100000."),
        ({"page": "99999999999999999999"}, "Number must be between 1 and 100000."),
        ({"page": "two"}, "A page is a whole number."),
    ],
)
def test_a_bad_filter_is_shown_on_the_form_and_ignored(client, operator, portal, args, message):
    event(label="still listed")

    response = client.get(LOG, query_string=args)

    html = page_of(response)
    assert response.status_code == 200
    assert "Part of this address was not understood and is ignored" in html
    assert re.search(rf"<li>\w[\w ]*: {re.escape(message)}", html)
    assert labels_listed(html) == ["still listed"]


def test_an_export_with_a_bad_filter_downloads_nothing_and_says_why(client, operator, portal):
    response = client.get(EXPORT + "?kind=Secret&_external=1")
    assert response.headers["Location"] == "/admin/audit/?kind=Secret&_external=1"

    response = client.get(response.headers["Location"])

    html = page_of(response)
    assert response.status_code == 200
    assert "Nothing was downloaded" in html
    assert "There is no such kind of object." in html


# --- CSV ----------------------------------------------------------------------------------


def test_the_csv_file_has_a_row_per_value_of_the_filtered_events(client, operator, portal):
    event(
        "update",
        portal,
        actor=operator,
        label="Portail",
        at=datetime(2025, 7, 1, 8, tzinfo=UTC),
        before={"name": "Ancien", "review_required": False},
        after={"name": "Portail", "review_required": True},
    )
    event(
        "change_password",
        operator,
        actor=operator,
        label=operator.email,
        at=datetime(2025, 7, 2, 8, tzinfo=UTC),
    )
    event("move", portal, label="not asked for", at=datetime(2025, 7, 3, 8, tzinfo=UTC))

    response = client.get(EXPORT, query_string={"person": str(operator.id)})

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="audit-log-')
    assert response.get_data().startswith(b"\xef\xbb\xbf")
    assert csv_rows(response) == [
        ["Time", "E-mail", "Action", "Kind", "Object id", "Object", "Field", "Before", "After"],
        [
            "2025-07-02T10:00:00+02:00",
            operator.email,
            "Password changed",
            "Account",
            str(operator.id),
            operator.email,
            "",
            "",
            "",
        ],
        [
            "2025-07-01T10:00:00+02:00",
            operator.email,
            "Changed",
            "Portal settings",
            str(portal.id),
            "Portail",
            "Name",
            "Ancien",
            "Portail",
        ],
        [
            "2025-07-01T10:00:00+02:00",
            operator.email,
            "Changed",
            "Portal settings",
            str(portal.id),
            "Portail",
            "Translation review required",
            "no",
            "yes",
        ],
    ]


def test_the_csv_file_never_holds_a_formula(client, operator, portal):
    event(
        "update",
        portal,
        label='=HYPERLINK("http://evil.example")',
        before={"note": "+1+1", "reason": "-2"},
        after={"note": "@SUM(A1)", "reason": "\tcmd"},
    )

    rows = csv_rows(client.get(EXPORT))

    assert rows[1][5] == '\'=HYPERLINK("http://evil.example")'
    assert [row[6:] for row in rows[1:]] == [
        ["Note", "'+1+1", "'@SUM(A1)"],
        ["Reason", "'-2", "'\tcmd"],
    ]


def test_a_large_export_reads_the_log_in_batches_missing_none(
    client, operator, portal, monkeypatch
):
    monkeypatch.setattr(services, "EXPORT_BATCH", 2)
    # Events recorded in the same instant come in the order they were recorded, newest first.
    same_time = datetime(2025, 5, 5, 12, tzinfo=UTC)
    for number in range(1, 8):
        event(
            "update",
            portal,
            label=f"event {number}",
            at=same_time if number % 2 else same_time - timedelta(hours=number),
        )

    rows = csv_rows(client.get(EXPORT))

    assert [row[5] for row in rows[1:]] == [
        "event 7",
        "event 5",
        "event 3",
        "event 1",
        "event 2",
        "event 4",
        "event 6",
    ]


# --- Who may read it ----------------------------------------------------------------------


@pytest.mark.parametrize("address", [LOG, EXPORT])
def test_translators_may_not_read_the_log(client, address):
    log_in(client, Role.TRANSLATOR)

    assert client.get(address).status_code == 403


@pytest.mark.parametrize("role", [Role.ADMIN, Role.OPERATOR])
def test_administrators_and_operators_read_the_log(client, portal, role):
    event(label="read me")
    log_in(client, role)

    assert labels_listed(page_of(client.get(LOG))) == ["read me"]
    assert client.get(EXPORT).status_code == 200


def test_texts_in_another_language_than_the_page_say_which(client, portal, operator, make_cookie):
    entry = make_cookie(purpose="Compter les visites.", duration_value=6)
    data = inventory.EntryData(**entry_fields(entry))
    inventory.update_entry(entry, replace(data, purpose="Compter.", duration_value=3), actor=None)

    page = client.get("/admin/audit/").text

    assert '<td lang="fr">Compter les visites.</td>' in page  # the French source, before
    assert '<td lang="fr">Compter.</td>' in page
    assert "<td>6 months</td>" in page  # not a text: in the page's language
