"""`make bench`'s harness at a tiny size, so that it keeps working as the app changes.

No timing is asserted: the figures are the benchmark's, on a quiet machine
(docs/PERFORMANCE.md). This only checks that the builder makes a publishable portal and that
every page the benchmark times answers and is measured.
"""

from bench.admin_pages import admin_pages, log_in, measure_page
from bench.portal_builder import ADMIN_EMAIL, ADMIN_PASSWORD, add_history, build_portal
from portal_cookies import checks
from portal_cookies.extensions import db
from portal_cookies.models import CookieEntry
from portal_cookies.publishing import services as publishing
from portal_cookies.texts import TextStatus, status_of


def test_the_builder_makes_a_translated_portal_the_gate_accepts(app):
    portal = build_portal(4)

    assert portal.entries == 4
    entries = db.session.scalars(db.select(CookieEntry)).all()
    assert [len(entry.names) for entry in entries] == [2, 2, 2, 2]
    for entry in entries:
        for unit in (entry.function_unit, entry.purpose_unit):
            assert status_of(unit, "en") != TextStatus.MISSING
    assert checks.errors(publishing.gate_report()) == []


def test_every_benchmarked_page_answers_and_is_measured(app, client):
    add_history(build_portal(4), changes=1)
    assert [version.number for version in publishing.list_versions()] == [2, 1]
    assert not publishing.nothing_to_publish()
    log_in(client, ADMIN_EMAIL, ADMIN_PASSWORD)

    figures = [measure_page(app, client, label, url, requests=1) for label, url in admin_pages()]

    assert len(figures) == 7
    for figure in figures:
        assert figure.requests == 1
        assert figure.queries > 0, figure.label
        assert figure.size > 0, figure.label
