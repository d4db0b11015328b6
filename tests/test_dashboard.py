"""The dashboard: what is published, and what the draft would change."""

import sqlalchemy as sa

from portal_cookies.demo import load_demo_portal
from portal_cookies.extensions import db
from portal_cookies.models import CookieName, Role
from portal_cookies.texts import set_source_text
from tests.helpers import log_in


def test_the_dashboard_says_nothing_is_published_yet(client):
    log_in(client, Role.TRANSLATOR)

    response = client.get("/admin/")

    assert "Nothing is published yet" in response.text


def test_the_dashboard_counts_unpublished_changes(client):
    load_demo_portal()
    log_in(client, Role.OPERATOR)
    assert "Visitors read version 1" in client.get("/admin/").text
    assert "nothing to publish" in client.get("/admin/").text

    name = db.session.scalar(sa.select(CookieName).where(CookieName.name == "sessionid"))
    set_source_text(name.entry.purpose_unit, "Une autre finalité.", None)
    db.session.commit()

    assert "1 unpublished change" in client.get("/admin/").text
