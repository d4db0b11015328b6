"""Who may use which address: every rule of the app, for every role and for visitors.

The cases come from the app's url_map, so a new route is tested the day it is added, and fails
until this table says who may use it.
"""

from dataclasses import dataclass
from urllib.parse import quote

import pytest

from portal_cookies import create_app
from portal_cookies.extensions import db
from portal_cookies.inventory import services as inventory
from portal_cookies.inventory.observations import Observation
from portal_cookies.models import Role, StorageKind
from portal_cookies.policy_texts import services as policy_texts
from portal_cookies.portal import create_policy_text, update_portal
from portal_cookies.publishing.content import build_content
from portal_cookies.texts import save_text
from tests.helpers import log_in, settings_for

ANONYMOUS = "anonymous"
WHO = (ANONYMOUS, *(role.value for role in Role))
LOGIN = "to /login?next=<this address>"


def anyone(status):
    return dict.fromkeys(WHO, status)


def logged_in(status):
    return {**anyone(status), ANONYMOUS: LOGIN}


def editors(status):
    """Operators and administrators; translators read the inventory but change nothing."""
    return {**logged_in(status), Role.TRANSLATOR.value: 403}


def admins(status):
    """Administrators only: accounts and the portal's settings."""
    return {**logged_in(403), Role.ADMIN.value: status}


# endpoint -> method -> who -> the status expected (LOGIN: sent to log in first). A POST
# carries no fields: forms come back with their errors (200), buttons redirect (302).
ACCESS = {
    "public.healthz": {"GET": anyone(200)},
    "public.favicon": {"GET": anyone(200)},
    # The published policy (url_values publishes version 1): the same for everyone.
    "public.cookie_policy_redirect": {"GET": anyone(302)},
    "public.cookie_policy": {"GET": anyone(200)},
    "public.cookie_policy_json": {"GET": anyone(200)},
    "public.changes": {"GET": anyone(200)},
    "public.version": {"GET": anyone(200)},
    "public.version_json": {"GET": anyone(200)},
    # Someone logged in is sent on to the dashboard.
    "auth.login": {"GET": {**anyone(302), ANONYMOUS: 200}, "POST": {**anyone(302), ANONYMOUS: 200}},
    "auth.set_language": {"POST": anyone(302)},
    "auth.logout": {"POST": logged_in(302)},
    "auth.account": {"GET": logged_in(200), "POST": logged_in(200)},
    "dashboard.index": {"GET": logged_in(200)},
    "inventory.index": {"GET": logged_in(200)},
    "inventory.categories": {"GET": logged_in(200)},
    "inventory.providers": {"GET": logged_in(200)},
    # Translators see an entry read-only, as the context of their translations.
    "inventory.update": {"GET": logged_in(200), "POST": editors(200)},
    "inventory.create": {"GET": editors(200), "POST": editors(200)},
    "inventory.archive": {"POST": editors(302)},
    "inventory.restore": {"POST": editors(302)},
    "inventory.dismiss_warning": {"POST": editors(302)},
    "inventory.review": {"POST": editors(302)},
    # Nothing ticked: back to the list, saying so.
    "inventory.review_entries": {"POST": editors(302)},
    # Deleting an archived entry for good asks first.
    "inventory.delete": {"GET": editors(200), "POST": editors(302)},
    "inventory.create_category": {"GET": editors(200), "POST": editors(200)},
    "inventory.update_category": {"GET": editors(200), "POST": editors(200)},
    "inventory.move_category": {"POST": editors(302)},
    "inventory.delete_category": {"POST": editors(302)},
    "inventory.create_provider": {"GET": editors(200), "POST": editors(200)},
    "inventory.update_provider": {"GET": editors(200), "POST": editors(200)},
    "inventory.delete_provider": {"POST": editors(302)},
    # The catalogue's suggestions fill the entry form, which only editors change; no name
    # asked, no suggestion.
    "catalogue.suggest": {"GET": editors(200)},
    # The inventory as a file: an empty upload comes back with its error (422); a
    # confirmation naming no uploaded file goes back to the upload page.
    "inventory.exchange": {"GET": editors(200)},
    "inventory.export": {"GET": editors(200)},
    "inventory.import_file": {"POST": editors(422)},
    "inventory.confirm_import": {"POST": editors(302)},
    # The drift report: translators read it; an upload without a file comes back refused.
    "inventory.drift_report": {"GET": logged_in(200)},
    "inventory.check_drift": {"POST": editors(422)},
    "inventory.create_from_finding": {"GET": editors(200), "POST": editors(200)},
    # Everyone logged in translates; an empty POST is a form with its errors (422).
    "translation.index": {"GET": logged_in(200)},
    "translation.edit": {"GET": logged_in(200), "POST": logged_in(422)},
    "translation.confirm": {"POST": logged_in(302)},
    "translation.dismiss": {"POST": logged_in(302)},
    "translation.history": {"GET": logged_in(200)},
    "translation.revert": {"POST": logged_in(302)},
    "translation.export": {"GET": logged_in(200)},
    "translation.import_file": {"POST": logged_in(422)},
    # Approving is a reviewer's job.
    "translation.approve": {"POST": editors(302)},
    # Everyone logged in previews and reads the history; publishing takes an editor. An
    # empty publish form comes back with its errors (422); compare without versions is sent
    # back to the history (302).
    "publishing.index": {"GET": logged_in(200)},
    "publishing.preview": {"GET": logged_in(200)},
    "publishing.preview_changes": {"GET": logged_in(200)},
    "publishing.history": {"GET": logged_in(200)},
    "publishing.compare_versions": {"GET": logged_in(302)},
    "publishing.publish": {"POST": editors(422)},
    # Version 1 is the current one: rolling back to it is refused, back to the history.
    "publishing.confirm_rollback": {"GET": editors(302)},
    "publishing.rollback": {"POST": editors(302)},
    # The policy's own sections: translators read them; an empty form comes back with its
    # errors (200); the buttons redirect.
    "policy_texts.index": {"GET": logged_in(200)},
    "policy_texts.update": {"GET": logged_in(200), "POST": editors(200)},
    "policy_texts.create": {"GET": editors(200), "POST": editors(200)},
    "policy_texts.move": {"POST": editors(302)},
    "policy_texts.delete": {"POST": editors(302)},
    "audit_log.index": {"GET": editors(200)},
    "audit_log.export": {"GET": editors(200)},
    # Accounts: an empty form comes back with its errors (200); a reset shows the one-time
    # password on the page it answers with (200); the other buttons redirect.
    "users.index": {"GET": admins(200)},
    "users.create": {"GET": admins(200), "POST": admins(200)},
    "users.update": {"GET": admins(200), "POST": admins(200)},
    "users.deactivate": {"POST": admins(302)},
    "users.reactivate": {"POST": admins(302)},
    "users.reset_password": {"POST": admins(200)},
    "settings.index": {"GET": admins(200), "POST": admins(200)},
}


@dataclass(frozen=True)
class Case:
    rule: str
    endpoint: str
    method: str
    who: str

    def __str__(self) -> str:
        return f"{self.method} {self.rule} as {self.who}"


def every_case() -> list[Case]:
    rules = create_app(settings_for("sqlite://")).url_map.iter_rules()
    return [
        Case(rule.rule, rule.endpoint, method, who)
        for rule in sorted(rules, key=lambda rule: rule.rule)
        if rule.endpoint != "static"
        for method in ("GET", "POST")
        if method in rule.methods
        for who in WHO
    ]


def pytest_generate_tests(metafunc):
    if "case" in metafunc.fixturenames:
        cases = every_case()
        metafunc.parametrize("case", cases, ids=[str(case) for case in cases])


def undeclared_finding():
    """A drift report's undeclared cookie, as a browser's recording would give it."""
    update_portal(actor=None, base_url="https://portal.example.org")
    observed = Observation(
        name="_new",
        domain="portal.example.org",
        storage_kind=StorageKind.HTTP_COOKIE,
        page="https://portal.example.org/",
        seen_in="set-cookie",
    )
    report = inventory.build_drift_report([observed])
    return inventory.record_drift_report(report, source="a.har", actor=None).findings[0]


@pytest.fixture
def url_values(make_category, make_provider, make_cookie, make_published, make_user):
    """An id for every URL parameter; deletions get objects nothing else uses."""
    # A real content, as publishing stores it: the admin pages compare the draft with it.
    published = make_published(1, content=build_content())
    category, provider = make_category(), make_provider()
    entry = make_cookie(category=category, provider=provider)
    translation = save_text(entry.purpose_unit, "en", "A purpose.", None, base_version_id=None)
    db.session.commit()
    values = {
        "entry_id": entry.id,
        "category_id": category.id,
        "provider_id": provider.id,
        "unit_id": entry.purpose_unit.id,
        "language": "en",
        "version_id": translation.id,
        "lang": "fr",
        "number": published.number,
        # Someone else's account: the tests act on it, never on the person logged in.
        "user_id": make_user(Role.TRANSLATOR).id,
        "text_id": create_policy_text("introduction", "Bienvenue.", position=1, actor=None).id,
        "finding_id": undeclared_finding().id,
    }
    unused = {
        "entry_id": make_cookie(category=category, provider=provider, archived=True).id,
        "category_id": make_category().id,
        "provider_id": make_provider().id,
        # Only a section an operator added can be removed.
        "text_id": policy_texts.create_section(
            title="Réseaux sociaux", text="Suivez-nous.", after_tables=True, actor=None
        ).id,
    }
    return lambda endpoint: {**values, **(unused if "delete" in endpoint else {})}


def test_the_access_table_names_only_addresses_that_exist(app):
    gone = ACCESS.keys() - {rule.endpoint for rule in app.url_map.iter_rules()}
    assert not gone, f"remove {', '.join(sorted(gone))} from the access table"


def test_who_may_use_each_address(app, client, url_values, case):
    if case.endpoint not in ACCESS:
        pytest.fail(f"add {case.endpoint} ({case.rule}) to the access table", pytrace=False)
    if case.method not in ACCESS[case.endpoint]:
        pytest.fail(f"add {case.method} of {case.endpoint} to the access table", pytrace=False)
    expected = ACCESS[case.endpoint][case.method][case.who]
    if case.rule.startswith("/admin/"):
        assert ACCESS[case.endpoint][case.method][ANONYMOUS] == LOGIN, "/admin/ is never public"

    rule = next(
        rule
        for rule in app.url_map.iter_rules()
        if (rule.rule, rule.endpoint) == (case.rule, case.endpoint)
    )
    values = url_values(case.endpoint)
    missing = rule.arguments - values.keys()
    assert not missing, f"give test_access a value for {', '.join(missing)}"
    _domain, path = rule.build({name: values[name] for name in rule.arguments})
    if case.who != ANONYMOUS:
        log_in(client, case.who)

    response = client.open(path, method=case.method)

    assert response.status_code != 500, response.get_data(as_text=True)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.headers["Location"] == f"/login?next={quote(path, safe='')}"
    else:
        assert response.status_code == expected, response.headers.get("Location")
