"""The policy page's own texts (issue 8): editing the built-in sections, adding, moving and
removing one's own, and what translators, the publishing diff and visitors then see."""

import re
from html import unescape

import pytest
import sqlalchemy as sa

from portal_cookies import checks
from portal_cookies.demo import load_demo_portal
from portal_cookies.extensions import db
from portal_cookies.models import (
    AuditEvent,
    PolicyText,
    PortalSettings,
    Role,
    TextUnit,
    TextVersion,
)
from portal_cookies.policy_texts import services
from portal_cookies.portal import create_policy_text
from portal_cookies.publishing import services as publishing
from portal_cookies.publishing.changes import compare
from portal_cookies.publishing.content import build_content
from portal_cookies.publishing.render import render_page
from portal_cookies.service_errors import ServiceError
from portal_cookies.texts import TextConflict, TextStatus, status_of
from portal_cookies.translation import services as translation
from tests.helpers import count_rows, log_in, translate

PAGE_TEXTS = "/admin/policy-texts"

BUILT_IN = [
    ("title", "Politique de cookies", "Cookie policy"),
    ("introduction", "Ce portail dépose peu de cookies.", "This portal stores few cookies."),
    ("what_is_a_cookie", "Un cookie est une petite information.", "A cookie is a small piece."),
    ("managing_consent", "Vous pouvez changer d'avis.", "You can change your mind."),
    ("contact", "Écrivez-nous.", "Write to us."),
]


@pytest.fixture
def portal() -> dict[str, PolicyText]:
    """A portal in French and English with the built-in sections, translated; no entry."""
    db.session.add(
        PortalSettings(
            name="Portail test",
            base_url="https://data.example.org",
            source_language="fr",
            enabled_languages=["fr", "en"],
            controller_name="Ville de Test",
            contact_email="vie-privee@example.org",
        )
    )
    db.session.commit()
    sections = {}
    for position, (key, french, english) in enumerate(BUILT_IN):
        sections[key] = create_policy_text(key, french, position=position, actor=None)
        translate(sections[key].unit, english)
    return sections


def social_networks(after_tables: bool = True) -> PolicyText:
    return services.create_section(
        title="Réseaux sociaux",
        text="Suivez-nous sur [Mastodon](https://mastodon.social).",
        after_tables=after_tables,
        actor=None,
    )


def translate_section(section: PolicyText, title: str, text: str) -> None:
    translate(section.title_unit, title)
    translate(section.unit, text)


def page_order() -> list[str]:
    return [section.key for section in services.list_sections()]


def current_id(unit: TextUnit) -> int:
    return unit.current_version(unit.source_language).id


def rows() -> dict[str, int]:
    return {
        model.__name__: count_rows(model)
        for model in (PolicyText, TextUnit, TextVersion, AuditEvent)
    }


def field_value(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'<textarea[^>]*name="{name}"[^>]*>\r?\n?([^<]*)</textarea>', html
    )
    assert match, f"no field {name}"
    return unescape(match.group(1))


def headings(html: str) -> list[str]:
    """The page's second-level headings, in order."""
    return [unescape(re.sub(r"<[^>]+>", "", h)) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", html)]


# --- Editing a section's text -------------------------------------------------------------


def test_an_edit_makes_the_english_translation_outdated(portal):
    introduction = portal["introduction"]

    services.update_section(introduction, text="Ce portail dépose trois cookies.", actor=None)

    assert introduction.unit.source_text == "Ce portail dépose trois cookies."
    assert status_of(introduction.unit, "en") == TextStatus.OUTDATED


def test_a_minor_edit_keeps_the_english_translation_current(portal):
    introduction = portal["introduction"]

    services.update_section(
        introduction, text="Ce portail dépose peu de cookies !", minor_edit=True, actor=None
    )

    assert status_of(introduction.unit, "en") == TextStatus.TRANSLATED
    assert introduction.unit.current_version("en").note == "minor source edit"


def test_an_edit_records_one_event_with_what_changed(portal, make_user):
    operator = make_user(Role.OPERATOR)
    contact = portal["contact"]

    services.update_section(contact, text="Écrivez au DPO.", after_tables=False, actor=operator)

    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "update")).one()
    assert (event.actor, event.object_label) == (operator, "Contact")
    assert event.before == {"text": "Écrivez-nous.", "after_tables": True, "position": 4}
    assert event.after == {"text": "Écrivez au DPO.", "after_tables": False, "position": 3}


def test_saving_an_unchanged_section_records_nothing(portal):
    before = rows()

    services.update_section(portal["contact"], text="Écrivez-nous.", after_tables=True, actor=None)

    assert rows() == before


def test_two_editors_from_the_same_version_lose_nothing(portal):
    contact = portal["contact"]
    opened = current_id(contact.unit)
    services.update_section(
        contact, text="Écrivez au DPO.", text_base_version_id=opened, actor=None
    )

    with pytest.raises(TextConflict) as conflict:
        services.update_section(
            contact, text="Écrivez à la mairie.", text_base_version_id=opened, actor=None
        )

    assert conflict.value.current.text == "Écrivez au DPO."
    assert conflict.value.attempted_text == "Écrivez à la mairie."
    assert db.session.get(PolicyText, contact.id).unit.source_text == "Écrivez au DPO."


def test_a_text_left_as_it_was_does_not_undo_what_someone_saved_meanwhile(portal):
    section = social_networks()
    opened_text, opened_title = current_id(section.unit), current_id(section.title_unit)
    services.update_section(
        section,
        title="Réseaux sociaux",
        text="Suivez-nous sur Mastodon.",
        text_base_version_id=opened_text,
        title_base_version_id=opened_title,
        actor=None,
    )

    # The second editor changed only the heading, from the page as it was.
    services.update_section(
        section,
        title="Nos réseaux",
        text="Suivez-nous sur [Mastodon](https://mastodon.social).",
        text_base_version_id=opened_text,
        title_base_version_id=opened_title,
        actor=None,
    )

    assert section.title_unit.source_text == "Nos réseaux"
    assert section.unit.source_text == "Suivez-nous sur Mastodon."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Write the section's text."),
        ("x" * 5001, "Keep it to 5000 characters at most"),
        ("Voir <a href='https://x.org'>ici</a>.", "Remove the HTML (<a href='https://x.org'>)"),
        ("<script>alert(1)</script>", "Remove the HTML"),
        ("[Cliquez](javascript:alert(1))", "A link may only lead to a web page"),
        ("Voir [la page](/about).", "not to “/about”"),
    ],
)
def test_a_bad_text_is_refused_and_nothing_changes(portal, text, message):
    before = rows()

    with pytest.raises(ServiceError) as refused:
        services.update_section(portal["introduction"], text=text, actor=None)

    assert message in refused.value.message
    assert refused.value.field == "text"
    assert rows() == before
    assert portal["introduction"].unit.source_text == "Ce portail dépose peu de cookies."


def test_code_and_plain_angle_brackets_are_not_html(portal):
    text = "Le cookie `<session>` vaut 1 < 2. Voir <https://example.org>."

    services.update_section(portal["introduction"], text=text, actor=None)

    assert portal["introduction"].unit.source_text == text


def test_a_built_in_section_has_no_heading_of_its_own(portal):
    with pytest.raises(ServiceError):
        services.update_section(portal["contact"], title="Nous écrire", text="Ici.", actor=None)
    assert portal["contact"].title_unit is None


def test_the_page_title_is_one_line_and_stays_at_the_top(portal):
    title = portal["title"]

    with pytest.raises(ServiceError, match="Keep it on one line"):
        services.update_section(title, text="Politique\nde cookies", actor=None)
    with pytest.raises(ServiceError, match="heads the page"):
        services.update_section(title, text="Cookies", after_tables=True, actor=None)
    with pytest.raises(ServiceError, match="heads the page"):
        services.move_section(title, direction="down", actor=None)


# --- Adding, moving, removing sections ----------------------------------------------------


def test_a_section_added_comes_last_on_its_side_of_the_tables(portal):
    after = social_networks()
    before = services.create_section(
        title="Vos droits", text="Vous avez des droits.", after_tables=False, actor=None
    )

    assert after.is_custom and after.key == "section-1" and before.key == "section-2"
    assert page_order() == [
        "title",
        "introduction",
        "what_is_a_cookie",
        "section-2",
        "managing_consent",
        "contact",
        "section-1",
    ]
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.object_id == after.id)).one()
    assert event.after["title"] == "Réseaux sociaux"


def test_a_section_moves_up_and_down_on_its_side_of_the_tables(portal):
    section = social_networks()

    services.move_section(section, direction="up", actor=None)
    assert page_order()[-3:] == ["managing_consent", "section-1", "contact"]
    services.move_section(section, direction="up", actor=None)
    assert page_order()[-3:] == ["section-1", "managing_consent", "contact"]
    with pytest.raises(ServiceError, match="already the first on its side"):
        services.move_section(section, direction="up", actor=None)
    services.move_section(section, direction="down", actor=None)
    assert page_order()[-3:] == ["managing_consent", "section-1", "contact"]
    with pytest.raises(ServiceError, match="already the last on its side"):
        services.move_section(portal["contact"], direction="down", actor=None)
    with pytest.raises(ServiceError, match="“up” or “down”"):
        services.move_section(section, direction="sideways", actor=None)


def test_a_section_taken_across_the_tables_stands_next_to_them(portal):
    services.update_section(
        portal["introduction"], text="Bienvenue.", after_tables=True, actor=None
    )

    assert page_order() == [
        "title",
        "what_is_a_cookie",
        "introduction",
        "managing_consent",
        "contact",
    ]


def test_removing_a_section_takes_its_texts_and_keeps_its_last_values(portal):
    section = social_networks()
    translate_section(section, "Social networks", "Follow [us](https://mastodon.social).")
    units = [section.unit_id, section.title_unit_id]
    before = rows()

    services.delete_section(section, actor=None)

    assert page_order() == [key for key, _fr, _en in BUILT_IN]
    assert db.session.scalars(sa.select(TextUnit).where(TextUnit.id.in_(units))).all() == []
    assert rows()["TextVersion"] == before["TextVersion"] - 4
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "delete")).one()
    assert event.object_label == "Réseaux sociaux"
    assert event.before["text"] == "Suivez-nous sur [Mastodon](https://mastodon.social)."


def test_a_built_in_section_cannot_be_removed(portal):
    before = rows()

    with pytest.raises(ServiceError, match="cannot be removed"):
        services.delete_section(portal["contact"], actor=None)

    assert rows() == before


def test_a_removed_sections_key_is_never_given_again(portal):
    services.delete_section(social_networks(), actor=None)

    assert social_networks().key == "section-2"


# --- Translators, checks, publishing ------------------------------------------------------


def test_a_new_sections_heading_and_text_wait_for_their_english_translation(portal):
    section = social_networks()

    queue = translation.build_queue(translation.QueueParams(language="en"))
    missing = {item.unit.id: item for item in queue if item.status == TextStatus.MISSING}
    errors = checks.errors(checks.check_policy())

    assert missing[section.title_unit_id].context.label == "Réseaux sociaux · Policy page heading"
    assert missing[section.unit_id].context.label == "Réseaux sociaux · Policy page text"
    assert {(problem.unit_id, problem.check) for problem in errors} == {
        (section.title_unit_id, checks.Check.TEXT_MISSING),
        (section.unit_id, checks.Check.TEXT_MISSING),
    }


def test_the_published_page_shows_the_section_in_its_place(portal):
    publishing.publish_policy(note="Première version", actor=None)
    section = social_networks()
    translate_section(
        section, "Social networks", "Follow us on [Mastodon](https://mastodon.social)."
    )
    services.move_section(section, direction="up", actor=None)

    version = publishing.publish_policy(note="Réseaux sociaux", actor=None)

    page = next(page for page in version.pages if page.language == "en").html
    assert headings(page) == [
        "What is a cookie?",
        "The cookies we use",
        "Managing and withdrawing consent",
        "Social networks",
        "Contact",
    ]
    assert 'Follow us on <a href="https://mastodon.social">Mastodon</a>.' in page


def test_the_diff_and_the_change_log_name_the_sections(portal):
    publishing.publish_policy(note="Première version", actor=None)
    section = social_networks()
    translate_section(section, "Social networks", "Follow [us](https://mastodon.social).")
    services.update_section(portal["introduction"], text="Bienvenue.", actor=None)
    translate(portal["introduction"].unit, "Welcome.")
    services.move_section(portal["contact"], direction="up", actor=None)

    diff = publishing.draft_diff()
    version = publishing.publish_policy(note="Sections", actor=None)

    assert [item.label for item in diff.sections_added] == ["Réseaux sociaux"]
    assert {change.label for change in diff.texts_changed} == {
        "Introduction",
        "Réseaux sociaux",
        "Réseaux sociaux (heading)",
    }
    assert diff.section_order[1] == [
        "Introduction",
        "What is a cookie?",
        None,
        "Contact",
        "Managing and withdrawing consent",
        "Réseaux sociaux",
    ]
    assert diff.size == 3
    changes = next(page for page in version.pages if page.language == "en").changes_html
    assert "Section added: Social networks." in changes
    assert "Texts changed: Introduction." in changes
    assert "The sections of the page are in a new order." in changes


def test_a_removed_section_is_named_in_the_change_log(portal):
    section = social_networks()
    translate_section(section, "Social networks", "Follow [us](https://mastodon.social).")
    publishing.publish_policy(note="Avec réseaux", actor=None)

    services.delete_section(section, actor=None)
    version = publishing.publish_policy(note="Sans réseaux", actor=None)

    changes = next(page for page in version.pages if page.language == "en").changes_html
    assert "Section removed: Social networks." in changes
    assert "Texts changed" not in changes


def test_a_content_published_before_sections_renders_and_compares_as_then(portal):
    draft = build_content()
    older = {key: value for key, value in draft.items() if key != "sections"}

    assert compare(older, draft).is_empty
    for language in ("fr", "en"):
        assert render_page(older, language, number=1, published_at=None) == render_page(
            draft, language, number=1, published_at=None
        )
    assert headings(render_page(older, "en", number=1, published_at=None)) == [
        "What is a cookie?",
        "The cookies we use",
        "Managing and withdrawing consent",
        "Contact",
    ]


# --- The pages ----------------------------------------------------------------------------


@pytest.fixture
def operator(client):
    return log_in(client, Role.OPERATOR)


def test_the_list_shows_the_sections_around_the_tables_with_their_states(portal, client, operator):
    section = social_networks()

    page = client.get(f"{PAGE_TEXTS}/").text

    names = re.findall(r'<a href="/admin/policy-texts/\d+">(?:<span lang="fr">)?([^<]+)<', page)
    assert names == [
        "Title",
        "Introduction",
        "What is a cookie?",
        "Managing and withdrawing consent",
        "Contact",
        "Réseaux sociaux",
    ]
    assert (
        page.index("What is a cookie?")
        < page.index("The cookie tables")
        < page.index("Managing and withdrawing consent")
    )
    assert "2 errors" in page
    assert "textstate--missing" in page
    assert f'action="{PAGE_TEXTS}/{section.id}/delete"' in page
    assert f'action="{PAGE_TEXTS}/{portal["contact"].id}/delete"' not in page


def test_an_operator_adds_a_section_through_the_form(portal, client, operator):
    response = client.post(
        f"{PAGE_TEXTS}/new",
        data={"title": "Réseaux sociaux", "text": "Suivez-nous.", "placement": "before"},
        follow_redirects=True,
    )

    section = db.session.scalar(sa.select(PolicyText).where(PolicyText.key == "section-1"))
    assert "Section “Réseaux sociaux” added." in response.text
    assert section.after_tables is False
    assert f'href="/admin/translation/{section.title_unit_id}/en"' in response.text
    assert (
        f'href="/admin/translation/{section.unit_id}/fr/history">History of the source'
        in response.text
    )


def test_an_edit_through_the_form_outdates_the_translation(portal, client, operator):
    introduction = portal["introduction"]
    url = f"{PAGE_TEXTS}/{introduction.id}"
    form = client.get(url).text

    response = client.post(
        url,
        data={
            "text": "Ce portail dépose trois cookies.",
            "placement": "before",
            "text_version_id": field_value(form, "text_version_id"),
        },
        follow_redirects=True,
    )

    assert "Section “Introduction” saved." in response.text
    assert status_of(db.session.get(PolicyText, introduction.id).unit, "en") == TextStatus.OUTDATED
    assert "The English translation is outdated" in response.text


def test_a_conflict_shows_their_text_and_keeps_ours(portal, client, operator, second_auth):
    contact = portal["contact"]
    url = f"{PAGE_TEXTS}/{contact.id}"
    opened = field_value(client.get(url).text, "text_version_id")
    log_in(second_auth.client, Role.OPERATOR)
    second_auth.client.post(
        url, data={"text": "Écrivez au DPO.", "placement": "after", "text_version_id": opened}
    )

    conflict = client.post(
        url, data={"text": "Écrivez à la mairie.", "placement": "after", "text_version_id": opened}
    )
    again = client.post(
        url,
        data={
            "text": field_value(conflict.text, "text"),
            "placement": "after",
            "text_version_id": field_value(conflict.text, "text_version_id"),
        },
    )

    assert conflict.status_code == 409
    assert 'id="their-text">Écrivez au DPO.</div>' in conflict.text
    assert field_value(conflict.text, "text") == "Écrivez à la mairie."
    assert again.status_code == 302
    unit = db.session.get(PolicyText, contact.id).unit
    history = [version.text for version in unit.versions if version.language == "fr"]
    assert history == ["Écrivez-nous.", "Écrivez au DPO.", "Écrivez à la mairie."]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"title": "", "text": "Suivez-nous.", "placement": "after"},
            "Give the section a heading.",
        ),
        ({"title": "Réseaux", "text": "", "placement": "after"}, "Write the section's text."),
        ({"title": "x" * 201, "text": "Suivez-nous.", "placement": "after"}, "200"),
        ({"title": "Réseaux", "text": "Suivez-nous.", "placement": "inside"}, "Choose one of"),
        ({"title": "<b>Réseaux</b>", "text": "Suivez-nous.", "placement": "after"}, "HTML"),
        ({"title": "Réseaux", "text": "<iframe src=x>", "placement": "after"}, "HTML"),
    ],
)
def test_a_bad_new_section_comes_back_with_a_message(portal, client, operator, data, message):
    before = rows()

    response = client.post(f"{PAGE_TEXTS}/new", data=data)

    assert response.status_code == 200
    assert "The form has errors; nothing was saved." in response.text
    assert message in unescape(response.text)
    assert rows() == before


def test_bad_buttons_and_addresses_are_refused_with_a_message(portal, client, operator):
    contact = portal["contact"]
    before = rows()

    sideways = client.post(
        f"{PAGE_TEXTS}/{contact.id}/move", data={"direction": "sideways"}, follow_redirects=True
    )
    removed = client.post(f"{PAGE_TEXTS}/{contact.id}/delete", follow_redirects=True)
    missing = [
        client.get(f"{PAGE_TEXTS}/999999"),
        client.post(f"{PAGE_TEXTS}/999999/move", data={"direction": "up"}),
        client.post(f"{PAGE_TEXTS}/99999999999/delete"),
    ]

    assert "A section moves “up” or “down”." in sideways.text
    assert "A built-in section cannot be removed" in removed.text
    assert [response.status_code for response in missing] == [404, 404, 404]
    assert rows() == before


def test_moving_and_removing_from_the_list(portal, client, operator):
    section = social_networks()

    moved = client.post(
        f"{PAGE_TEXTS}/{section.id}/move", data={"direction": "up"}, follow_redirects=True
    )
    removed = client.post(f"{PAGE_TEXTS}/{section.id}/delete", follow_redirects=True)

    assert "Section “Réseaux sociaux” moved." in moved.text
    assert "Section “Réseaux sociaux” removed." in removed.text
    assert page_order() == [key for key, _fr, _en in BUILT_IN]


def test_translators_read_the_sections_and_change_nothing(portal, client):
    log_in(client, Role.TRANSLATOR)
    section = social_networks()
    url = f"{PAGE_TEXTS}/{section.id}"

    listing = client.get(f"{PAGE_TEXTS}/")
    page = client.get(url)
    refused = client.post(url, data={"title": "Autre", "text": "Autre.", "placement": "after"})

    assert listing.status_code == page.status_code == 200
    assert "Move up" not in listing.text and "Add a section" not in listing.text
    assert "<textarea" not in page.text and "Suivez-nous sur" in page.text
    assert f'href="/admin/translation/{section.unit_id}/en"' in page.text
    assert refused.status_code == 403
    assert section.title_unit.source_text == "Réseaux sociaux"


def test_the_translation_queue_and_editor_lead_to_the_sections_page(portal, client):
    log_in(client, Role.TRANSLATOR)
    section = social_networks()

    queue = client.get("/admin/translation/?language=en&filter=missing")
    editor = client.get(f"/admin/translation/{section.title_unit_id}/en")
    source = client.get(f"{PAGE_TEXTS}/{section.id}")
    history = client.get(f"/admin/translation/{section.unit_id}/fr/history")

    assert "Policy page heading" in editor.text
    assert f'href="{PAGE_TEXTS}/{section.id}">Where this text comes from' in queue.text
    assert f'href="{PAGE_TEXTS}/{section.id}">Where this text comes from' in editor.text
    assert source.status_code == 200
    assert f'href="{PAGE_TEXTS}/{section.id}">Back to where this text comes from' in history.text


def test_a_sections_heading_shown_as_its_name_says_it_is_french(portal, client):
    log_in(client, Role.TRANSLATOR)
    section = social_networks()
    marked = '<span lang="fr">Réseaux sociaux</span>'

    pages = {
        "list": client.get(PAGE_TEXTS + "/"),
        "section": client.get(f"{PAGE_TEXTS}/{section.id}"),
        "queue": client.get("/admin/translation/?language=en&filter=missing"),
        "editor": client.get(f"/admin/translation/{section.unit_id}/en"),
        "history": client.get(f"/admin/translation/{section.unit_id}/fr/history"),
    }

    assert [name for name, page in pages.items() if marked not in page.text] == []
    assert "<title>Section “Réseaux sociaux” · " in pages["section"].text


def test_the_publishing_gate_leads_to_where_a_policy_text_is_fixed(portal, client, operator, app):
    from portal_cookies.publishing.views import fix_link

    section = social_networks()
    page = client.get("/admin/publishing/").text
    source_problem = checks.Problem(
        checks.Check.TEXT_MISSING,
        checks.Severity.ERROR,
        "",
        language="fr",
        unit_id=section.title_unit_id,
    )
    described = next(
        line
        for line in publishing.describe(checks.check_policy())
        if line.problem.unit_id == section.title_unit_id
    )

    assert "Réseaux sociaux · Policy page heading (English)" in page
    assert f'href="/admin/translation/{section.title_unit_id}/en">Fix it' in page
    with app.test_request_context():
        line = publishing.GateLine(source_problem, "", described.unit_id, described.edit_endpoint)
        link = fix_link(line, "fr")
    assert link == f"{PAGE_TEXTS}/{section.id}"
    assert client.get(link).status_code == 200


def test_the_demo_page_keeps_its_sections_around_the_tables():
    load_demo_portal()

    page = next(page for page in publishing.current_version().pages if page.language == "en")

    assert headings(page.html) == [
        "What is a cookie?",
        "The cookies we use",
        "Managing and withdrawing consent",
        "Contact",
    ]
