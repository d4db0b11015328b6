"""Dates and times as people read them: one format per language, in the portal's time zone,
which every time names; the same functions write the admin pages and the published ones."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from flask import render_template_string

from portal_cookies.extensions import db
from portal_cookies.i18n import date_text, moment_text
from portal_cookies.labels import describe_value
from portal_cookies.models import Role
from portal_cookies.portal import update_portal
from portal_cookies.publishing.changelog import VersionRecord, render_changes
from portal_cookies.publishing.content import build_content
from portal_cookies.publishing.render import render_json, render_page
from tests.helpers import log_in

PARIS = ZoneInfo("Europe/Paris")
# 06:58 in Paris (UTC+1 in winter), on the first of a month.
FIRST_OF_DECEMBER = datetime(2026, 12, 1, 5, 58, 14, tzinfo=UTC)
# Midnight in Paris, still the 30th of November in UTC.
PARIS_MIDNIGHT = datetime(2026, 11, 30, 23, 0, tzinfo=UTC)


# --- Days ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "language", "text"),
    [
        (date(2026, 12, 1), "en", "1 December 2026"),
        (date(2026, 12, 2), "en", "2 December 2026"),
        (date(2026, 12, 1), "fr", "1er décembre 2026"),
        (date(2026, 12, 2), "fr", "2 décembre 2026"),
        (date(2026, 8, 21), "fr", "21 août 2026"),
    ],
)
def test_a_day_is_written_one_way_per_language(day, language, text):
    assert date_text(day, language) == text


def test_a_moment_gives_its_day_in_the_time_zone_asked():
    assert date_text(PARIS_MIDNIGHT, "fr", PARIS) == "1er décembre 2026"
    assert date_text(PARIS_MIDNIGHT, "fr", UTC) == "30 novembre 2026"
    assert date_text(PARIS_MIDNIGHT, "en", ZoneInfo("America/New_York")) == "30 November 2026"


def test_a_language_without_a_format_of_its_own_writes_cldrs():
    # Adding a language is configuration and data: it still reads its dates in its words.
    assert date_text(date(2026, 12, 1), "de") == "1. Dezember 2026"
    assert moment_text(FIRST_OF_DECEMBER, "de", PARIS).startswith("1. Dezember 2026 um 06:58")


# --- Moments ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "language", "text"),
    [
        (FIRST_OF_DECEMBER, "en", "1 December 2026 at 06:58 (France Time)"),
        (FIRST_OF_DECEMBER, "fr", "1er décembre 2026 à 06 h 58 (heure : France)"),
        (PARIS_MIDNIGHT, "en", "1 December 2026 at 00:00 (France Time)"),
        (PARIS_MIDNIGHT, "fr", "1er décembre 2026 à 00 h 00 (heure : France)"),
    ],
)
def test_a_moment_is_written_in_the_portals_zone_which_it_names(moment, language, text):
    assert moment_text(moment, language, PARIS) == text


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        # Clocks go from 02:00 to 03:00 on 29 March 2026 (01:00 in UTC)...
        (datetime(2026, 3, 29, 0, 59, tzinfo=UTC), "29 mars 2026 à 01 h 59 (heure : France)"),
        (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "29 mars 2026 à 03 h 00 (heure : France)"),
        # ... and back from 03:00 to 02:00 on 25 October 2026: 02:30 happens twice.
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "25 octobre 2026 à 02 h 30 (heure : France)"),
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "25 octobre 2026 à 02 h 30 (heure : France)"),
        (datetime(2026, 10, 25, 2, 30, tzinfo=UTC), "25 octobre 2026 à 03 h 30 (heure : France)"),
    ],
)
def test_times_follow_the_daylight_saving_changes(moment, text):
    assert moment_text(moment, "fr", PARIS) == text


@pytest.mark.parametrize(
    ("zone", "language", "text"),
    [
        ("America/Guadeloupe", "fr", "1er décembre 2026 à 01 h 58 (heure : Guadeloupe)"),
        ("America/New_York", "en", "1 December 2026 at 00:58 (United States (New York) Time)"),
        ("UTC", "fr", "1er décembre 2026 à 05 h 58 (UTC)"),
        ("Etc/GMT+5", "en", "1 December 2026 at 00:58 (GMT-05:00)"),
    ],
)
def test_every_zone_is_named_in_the_readers_language(zone, language, text):
    assert moment_text(FIRST_OF_DECEMBER, language, ZoneInfo(zone)) == text


# --- In the interface ---------------------------------------------------------------------


@contextmanager
def request_in(app, language: str) -> Iterator[None]:
    """A request of its own (Flask-Babel keeps the zone and the language per request), in an
    interface speaking ``language``."""
    with app.app_context(), app.test_request_context(headers={"Accept-Language": language}):
        yield


def render_in_request(app, source: str, language: str, **values) -> str:
    with request_in(app, language):
        return render_template_string(source, **values)


def test_the_templates_write_in_the_portals_zone_and_the_interface_language(app):
    update_portal(actor=None, time_zone="America/New_York")
    source = "{{ moment | moment_text }} / {{ moment | date_text }} / {{ moment | machine_time }}"

    assert render_in_request(app, source, "fr", moment=PARIS_MIDNIGHT) == (
        "30 novembre 2026 à 18 h 00 (heure : États-Unis (New York)) / 30 novembre 2026"
        " / 2026-11-30T18:00:00-05:00"
    )


def test_machine_readable_times_keep_the_portals_offset_to_the_second(app):
    summer = datetime(2026, 7, 1, 4, 58, 14, 123456, tzinfo=UTC)
    source = "{{ winter | machine_time }} {{ summer | machine_time }}"

    assert render_in_request(app, source, "en", winter=FIRST_OF_DECEMBER, summer=summer) == (
        "2026-12-01T06:58:14+01:00 2026-07-01T06:58:14+02:00"
    )


def test_an_account_page_writes_the_last_login_in_french(client):
    user = log_in(client, Role.OPERATOR)
    user.locale = "fr"
    user.last_login_at = FIRST_OF_DECEMBER
    db.session.commit()

    page = client.get("/account").get_data(as_text=True)

    assert "1er décembre 2026 à 06 h 58 (heure : France)" in page


def test_a_review_date_in_the_history_reads_as_a_day(app):
    # The audit trail keeps the day as "2026-12-01".
    with request_in(app, "fr"):
        assert describe_value("last_reviewed_on", "2026-12-01") == "1er décembre 2026"


# --- On the published pages ---------------------------------------------------------------


def test_the_published_pages_write_the_day_in_their_language_and_the_versions_zone(app):
    content = build_content()
    content["portal"]["time_zone"] = "Europe/Paris"
    record = VersionRecord(
        number=1, published_at=PARIS_MIDNIGHT, notes={}, summary={}, requires_renewed_consent=False
    )

    french = render_page(content, "fr", number=1, published_at=PARIS_MIDNIGHT)
    changes = render_changes(content, "en", [record])

    assert '<time datetime="2026-11-30T23:00:00Z">1er décembre 2026</time>' in french
    assert '<time datetime="2026-11-30T23:00:00Z">1 December 2026</time>' in changes
    # A version keeps the zone it was published in, whatever the portal's is now.
    content["portal"]["time_zone"] = "America/New_York"
    assert ">30 novembre 2026</time>" in render_page(
        content, "fr", number=1, published_at=PARIS_MIDNIGHT
    )


def test_the_public_json_keeps_utc(app):
    data = render_json(
        build_content(), "fr", number=1, published_at=FIRST_OF_DECEMBER, consent_revision=1
    )

    assert '"published_at": "2026-12-01T05:58:14Z"' in data
