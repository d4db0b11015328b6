"""The admin pages load what they show: as many queries for 60 entries as for 10, and the
publishing page's long lists a page or a fold at a time."""

import re

import pytest
import sqlalchemy as sa

from portal_cookies.demo import load_demo_portal
from portal_cookies.extensions import db
from portal_cookies.models import Category, Provider, Role
from portal_cookies.publishing import services as publishing
from tests.helpers import count_queries, log_in, translate

PAGES = [
    "/admin/",
    "/admin/inventory/?sort=names",
    "/admin/inventory/?sort=-names",
    "/admin/publishing/",
    "/admin/publishing/preview/fr",
    "/admin/publishing/preview/fr/changes",
    "/admin/publishing/compare?from=1&to={last}",
]


def build_inventory(make_cookie, size: int, *, english=True):
    """The demo portal (version 1 published), and ``size`` more statistics cookies."""
    load_demo_portal()
    provider = db.session.scalar(sa.select(Provider))
    category = db.session.scalar(sa.select(Category).where(Category.slug == "statistics"))
    for _number in range(size):
        entry = make_cookie(provider=provider, category=category)
        if english:
            number = entry.name_list[0].removeprefix("cookie_")
            translate(entry.function_unit, f"Function {number}")
            translate(entry.purpose_unit, f"Purpose of cookie {number}.")


def queries_per_page(client, make_cookie, size):
    build_inventory(make_cookie, size // 2)
    publishing.publish_policy(note="Une moitié.", actor=None)
    build_inventory(make_cookie, size - size // 2)
    publishing.publish_policy(note="L'autre moitié.", actor=None)
    log_in(client, Role.ADMIN)
    counts = {}
    last = publishing.current_version().number
    for page in (page.format(last=last) for page in PAGES):
        assert client.get(page).status_code == 200
        # The second request: what every request but the first after a change costs.
        counts[page.replace(str(last), "last")] = count_queries(lambda page=page: client.get(page))
    return counts


@pytest.fixture
def small_counts(client, make_cookie):
    return queries_per_page(client, make_cookie, 10)


def test_the_admin_pages_query_the_database_as_often_at_60_entries_as_at_10(
    small_counts, client, make_cookie
):
    large = queries_per_page(client, make_cookie, 60)

    assert large == small_counts
    assert max(large.values()) < 25


def problem_count(html: str) -> int:
    gate = html.split('id="gate-title"', 1)[1].split('id="diff-title"', 1)[0]
    return len(re.findall(r'<li class="problem ', gate))


def test_the_gate_lists_its_problems_fifty_to_a_page(client, make_cookie):
    # Sixty entries without their English texts: two errors each.
    build_inventory(make_cookie, 60, english=False)
    log_in(client, Role.OPERATOR)

    first = client.get("/admin/publishing/").text
    total = int(re.search(r"Problems 1 to 50 of (\d+)\.", first).group(1))
    pages = (total + 49) // 50
    last = client.get(f"/admin/publishing/?page={pages}").text

    assert "120 errors block publishing." in first
    assert total >= 120
    assert problem_count(first) == 50
    assert 'href="/admin/publishing/?page=2"' in first
    assert f"Problems {50 * (pages - 1) + 1} to {total} of {total}." in last
    assert problem_count(last) == total - 50 * (pages - 1)
    # Past the end: the last page.
    assert problem_count(client.get("/admin/publishing/?page=99").text) == problem_count(last)
    # The blocking errors beside the form are folded after the first fifty.
    assert "And 70 more, listed under the checks above." in first


def test_a_long_list_of_changes_is_folded_with_a_way_to_see_it_whole(client, make_cookie):
    build_inventory(make_cookie, 60)
    log_in(client, Role.OPERATOR)

    folded = client.get("/admin/publishing/").text
    whole = client.get("/admin/publishing/?changes=all").text

    added = re.compile(r'<ul class="item-list item-list--added">(.*?)</ul>', re.S)
    assert added.search(folded).group(1).count("<li") == 50
    assert "And 10 more." in folded
    assert 'href="/admin/publishing/?changes=all#diff-title"' in folded
    assert added.search(whole).group(1).count("<li") == 60
    assert "And 10 more." not in whole
