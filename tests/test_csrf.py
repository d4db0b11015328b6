"""Every form that changes something needs the token of a page this site rendered."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from portal_cookies.extensions import db
from portal_cookies.models import User
from tests.helpers import PASSWORD, csrf_token, page_language

pytestmark = pytest.mark.usefixtures("csrf_enabled")


def logged_in(client, user) -> bool:
    return client.get("/admin/").status_code == 200


def preferred_language(client, user) -> str | None:
    return db.session.get(User, user.id).locale


def login_page_language(client, user) -> str:
    return page_language(client.get("/login"))


@dataclass(frozen=True)
class Form:
    path: str
    fields: Callable[[User], dict[str, str]]
    page: str  # a page that renders the form, with its token
    needs_login: bool
    state: Callable  # what the form changes, as seen from outside


FORMS = {
    "login": Form(
        path="/login",
        fields=lambda user: {"email": user.email, "password": PASSWORD},
        page="/login",
        needs_login=False,
        state=logged_in,
    ),
    "logout": Form(
        path="/logout", fields=lambda user: {}, page="/admin/", needs_login=True, state=logged_in
    ),
    "account": Form(
        path="/account",
        fields=lambda user: {"locale": "fr", "submit_preferences": "Save preferences"},
        page="/account",
        needs_login=True,
        state=preferred_language,
    ),
    "language": Form(
        path="/language",
        fields=lambda user: {"language": "fr", "next": "/login"},
        page="/login",
        needs_login=False,
        state=login_page_language,
    ),
}


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_a_post_without_its_token_is_refused_and_changes_nothing(client, make_user, form):
    user = make_user()
    if form.needs_login:
        token = csrf_token(client.get("/login").get_data(as_text=True))
        credentials = {"email": user.email, "password": PASSWORD, "csrf_token": token}
        assert client.post("/login", data=credentials).status_code == 302
    before = form.state(client, user)

    response = client.post(form.path, data=form.fields(user))
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert form.state(client, user) == before

    token = csrf_token(client.get(form.page).get_data(as_text=True))
    response = client.post(form.path, data={**form.fields(user), "csrf_token": token})
    assert response.status_code == 302
    assert form.state(client, user) != before
