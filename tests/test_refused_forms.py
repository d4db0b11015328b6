"""A refused form, on every kind of admin page: the page's title says so first, and a summary
of the errors, which the page opens on, leads to each field, which says it is invalid and why.
tests/test_browser_admin.py follows the links and the focus in a browser."""

import re

import pytest

from portal_cookies.models import Role
from tests.helpers import error_summary, log_in, page_title

# (who, address, what is posted, the field the first error leads to)
REFUSED = [
    (None, "/login", {"email": "", "password": ""}, "email"),
    (Role.OPERATOR, "/admin/inventory/entries/new", {}, "provider"),
    (Role.OPERATOR, "/admin/inventory/categories/new", {"slug": "Bad slug!"}, "slug"),
    (Role.OPERATOR, "/admin/inventory/providers/new", {"website": "nowhere"}, "name"),
    (Role.OPERATOR, "/admin/policy-texts/new", {}, "title"),
    (Role.ADMIN, "/admin/settings/", {"base_url": "not an address"}, "name"),
    (Role.ADMIN, "/admin/users/new", {"email": ""}, "email"),
    (Role.TRANSLATOR, "/account", {"submit_password": "y"}, "current_password"),
]


def tag_of(html: str, ident: str) -> str:
    found = re.search(rf'<(?:input|select|textarea)\b[^>]*\bid="{ident}"[^>]*>', html)
    assert found, f"no field #{ident}"
    return found.group(0)


@pytest.mark.parametrize(("role", "path", "data", "field"), REFUSED)
def test_a_refused_form_says_so_in_the_title_and_leads_to_each_field(
    client, role, path, data, field
):
    if role is not None:
        log_in(client, role)

    response = client.post(path, data=data)

    assert response.status_code in (200, 422)
    assert page_title(response).startswith("Error: ")
    summary = error_summary(response)
    assert "autofocus" in summary.split(">", 1)[0]
    link = re.search(rf'<a href="#{field}">([^<]*)</a>', summary)
    assert link, summary
    tag = tag_of(response.text, field)
    assert 'aria-invalid="true"' in tag
    described = re.search(r'aria-describedby="([^"]*)"', tag).group(1).split()
    error = re.search(rf'<p class="field__error" id="{field}-error">([^<]*)</p>', response.text)
    assert f"{field}-error" in described and error.group(1) in link.group(1)


def test_the_first_choice_of_a_refused_group_of_choices_is_where_its_error_leads(client):
    log_in(client, Role.OPERATOR)

    response = client.post("/admin/inventory/entries/new", data={})

    assert '<a href="#consent_basis-0">' in error_summary(response)
    assert 'type="radio"' in tag_of(response.text, "consent_basis-0")


def test_a_page_not_refused_has_no_error_in_its_title(client, make_cookie):
    log_in(client, Role.OPERATOR)

    form = client.get("/admin/inventory/entries/new")
    misread_address = client.get("/admin/inventory/?page=first&party=fourth")

    assert not page_title(form).startswith("Error")
    assert error_summary(form) == ""
    assert "was not understood" in misread_address.text
    assert not page_title(misread_address).startswith("Error")
