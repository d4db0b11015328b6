"""Publishing's core: the content a version freezes, its pages and JSON, the differences
between versions, the gate, publication, rollback and export (issue 4)."""

import gzip
import html as html_module
import json
import re
import threading
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from portal_cookies.config import PROJECT_ROOT
from portal_cookies.extensions import db
from portal_cookies.inventory import services as inventory
from portal_cookies.labels import describe_value
from portal_cookies.markdown import render_inline_markdown, render_markdown
from portal_cookies.models import (
    AuditEvent,
    Category,
    ConsentBasis,
    CookieEntry,
    CookieName,
    DurationUnit,
    ExemptionGround,
    Location,
    Party,
    PolicyPage,
    PolicyText,
    PolicyVersion,
    PortalSettings,
    Provider,
    TextUnit,
    TextVersion,
)
from portal_cookies.policy_texts import services as policy_texts
from portal_cookies.portal import create_policy_text, get_settings, update_portal
from portal_cookies.publishing import services
from portal_cookies.publishing.changes import compare, needs_renewed_consent
from portal_cookies.publishing.content import build_content, content_hash
from portal_cookies.publishing.render import Preview, render_json, render_page
from portal_cookies.service_errors import ServiceError
from portal_cookies.texts import set_source_text
from tests.helpers import TEST_DATABASE_URL, count_queries, count_rows, translate

PUBLISHED_AT = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)

POLICY_TEXTS = [
    ("title", "Politique de cookies", "Cookie policy"),
    ("introduction", "Ce portail dépose *peu* de cookies.", "This portal stores *few* cookies."),
    ("what_is_a_cookie", "Un cookie est une petite information.", "A cookie is a small piece."),
    ("managing_consent", "Vous pouvez changer d'avis.", "You can change your mind."),
    ("contact", "Écrivez-nous.", "Write to us."),
]


def in_english(obj: object, **english: str) -> None:
    """Give an entry's, category's or provider's texts their English translation."""
    for name, text in english.items():
        translate(obj.text_units[name], text)


@dataclass
class Draft:
    necessary: Category
    statistics: Category
    provider: Provider
    session: CookieEntry
    language: CookieEntry


@pytest.fixture
def draft(make_category, make_provider, make_cookie) -> Draft:
    """A small portal, complete in French and English, ready to publish."""
    db.session.add(
        PortalSettings(
            name="Portail test",
            base_url="https://data.example.org",
            source_language="fr",
            enabled_languages=["fr", "en"],
            controller_name="Ville de Test",
            contact_email="dpo@example.org",
            consent_centre_url="https://data.example.org/cookies",
        )
    )
    db.session.commit()
    for position, (key, french, english) in enumerate(POLICY_TEXTS):
        translate(create_policy_text(key, french, position=position, actor=None).unit, english)
    necessary = make_category(
        slug="necessary",
        name="Nécessaires",
        explanation="Sans eux, rien ne marche.",
        consent_required_default=False,
    )
    in_english(necessary, name="Necessary", explanation="Nothing works without them.")
    statistics = make_category(
        slug="statistics", name="Statistiques", explanation="Ils comptent les visites."
    )
    in_english(statistics, name="Statistics", explanation="They count visits.")
    provider = make_provider(name="Opendatasoft", website="https://www.opendatasoft.com")
    exempt = {
        "provider": provider,
        "category": necessary,
        "locations": [Location.FRONT_OFFICE, Location.BACK_OFFICE],
        "consent_basis": ConsentBasis.EXEMPT,
    }
    session = make_cookie(
        names=["sessionid"],
        function="Authentification",
        purpose="Garder l'utilisateur connecté.",
        duration_value=2,
        duration_unit=DurationUnit.WEEKS,
        exemption_ground=ExemptionGround.AUTHENTICATION,
        **exempt,
    )
    in_english(session, function="Authentication", purpose="Keeps the user logged in.")
    language = make_cookie(
        names=["django_language"],
        function="Choix de la langue",
        purpose="Retenir la langue choisie.",
        duration_value=12,
        duration_unit=DurationUnit.MONTHS,
        exemption_ground=ExemptionGround.INTERFACE_LANGUAGE,
        **exempt,
    )
    in_english(language, function="Language selection", purpose="Remembers the language.")
    return Draft(necessary, statistics, provider, session, language)


def entry_data(entry: CookieEntry, **changes) -> inventory.EntryData:
    """An entry's current values, with ``changes``, as the inventory's form would send."""
    values = {
        field.name: getattr(entry, field.name)
        for field in fields(inventory.EntryData)
        if field.name not in ("names", "function", "purpose", "locations")
    }
    values |= {
        "names": entry.name_list,
        "function": entry.function_unit.source_text,
        "purpose": entry.purpose_unit.source_text,
        "locations": [Location(location) for location in entry.locations],
    }
    return inventory.EntryData(**(values | changes))


def publish(note: str = "A change", **options) -> PolicyVersion:
    return services.publish_policy(note=note, actor=None, **options)


def page_of(version: PolicyVersion, language: str) -> PolicyPage:
    return db.session.get(PolicyPage, (version.id, language))


def text_of(html: str) -> str:
    """A page's words, tags removed and spaces collapsed, for looking for sentences."""
    return html_module.unescape(re.sub(r"[ \t\n]+", " ", re.sub(r"<[^>]+>", " ", html)))


# --- Content ------------------------------------------------------------------------------


def test_the_content_holds_every_language_and_only_the_entries_the_page_shows(draft, make_cookie):
    make_cookie(names=["hidden_one"], category=draft.necessary, visible=False)
    make_cookie(names=["archived_one"], category=draft.necessary, archived=True)
    content = build_content()

    assert content["portal"]["languages"] == ["fr", "en"]
    assert content["portal"]["contact_email"] == "dpo@example.org"
    assert list(content["texts"]) == [key for key, _fr, _en in POLICY_TEXTS]
    assert content["texts"]["introduction"] == {
        "fr": "Ce portail dépose *peu* de cookies.",
        "en": "This portal stores *few* cookies.",
    }
    necessary, statistics = content["categories"]
    assert (necessary["slug"], statistics["slug"]) == ("necessary", "statistics")
    assert statistics["entries"] == []
    assert necessary["name"] == {"fr": "Nécessaires", "en": "Necessary"}
    # Sorted by their first name, whatever the order they were made in.
    assert [entry["names"] for entry in necessary["entries"]] == [
        [{"name": "django_language", "is_prefix": False}],
        [{"name": "sessionid", "is_prefix": False}],
    ]
    session = necessary["entries"][1]
    assert session["provider"]["name"] == "Opendatasoft"
    assert session["duration"] == {"kind": "fixed", "value": 2, "unit": "weeks"}
    assert session["purpose"] == {
        "fr": "Garder l'utilisateur connecté.",
        "en": "Keeps the user logged in.",
    }
    assert (session["consent_basis"], session["exemption_ground"]) == ("exempt", "authentication")
    assert session["locations"] == ["front_office", "back_office"]
    json.dumps(content)  # JSON-serialisable as it is


def test_the_content_hash_depends_on_the_content_only(draft):
    content = build_content()
    assert content_hash(content) == content_hash(build_content())
    reordered = json.loads(json.dumps(content, sort_keys=True))
    assert content_hash(reordered) == content_hash(content)

    translate(draft.session.purpose_unit, "Keeps the visitor logged in.")
    assert content_hash(build_content()) != content_hash(content)


def test_the_content_is_read_in_a_fixed_number_of_queries(draft, make_cookie):
    few = count_queries(build_content)
    for number in range(5):
        make_cookie(names=[f"more_{number}"], category=draft.statistics)
    assert count_queries(build_content) == few


# --- Markdown -----------------------------------------------------------------------------


def test_policy_texts_render_as_a_small_safe_markdown():
    html = render_markdown(
        "Some *emphasis* and `_ga`.\n\n- one\n- two\n\n"
        "[Our portal](https://data.example.org) or [write](mailto:dpo@example.org)."
    )
    assert "<em>emphasis</em>" in html
    assert "<code>_ga</code>" in html
    assert "<ul>\n<li>one</li>" in html
    assert '<a href="https://data.example.org">Our portal</a>' in html
    assert '<a href="mailto:dpo@example.org">write</a>' in html


def test_markdown_never_lets_html_or_dangerous_links_through():
    html = render_markdown(
        '<script>alert("x")</script> <img src=x onerror=alert(1)>\n\n'
        "[click](javascript:alert(1)) [data](data:text/html,hi) [local](/admin/)"
    )
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    assert "href" not in html
    assert "[click](javascript:alert(1))" in html


def test_inline_markdown_is_as_safe_and_makes_no_paragraph():
    html = render_inline_markdown("*Counts* <b>visits</b> [x](javascript:alert(1))")
    assert html == "<em>Counts</em> &lt;b&gt;visits&lt;/b&gt; [x](javascript:alert(1))"


def test_markdown_leaves_headings_quotes_and_images_as_text():
    html = render_markdown("# Title\n\n> quoted\n\n![alt](https://example.org/a.png)")
    assert "<h1>" not in html and "<blockquote>" not in html and "<img" not in html


# --- Pages --------------------------------------------------------------------------------


def french_page(**options) -> str:
    with force_locale("en"):  # the interface of whoever publishes
        return render_page(build_content(), "fr", **({"number": 3} | options))


def test_the_french_page_speaks_french_whatever_the_reader_s_interface(app, draft):
    html = french_page(published_at=PUBLISHED_AT)
    assert '<html lang="fr"' in html
    for header in ("Fournisseur", "Fonction et emplacement", "Nom(s) du cookie", "Finalité"):
        assert f'<th scope="col">{header}</th>' in html
    words = text_of(html)
    assert "Dernière mise à jour\u00a0: 14 mars 2026" in words
    assert "Version 3" in words
    assert "2\u00a0semaines" in words and "12\u00a0mois" in words
    assert "front-office, back-office" in words
    assert "Exempté de consentement" in words
    assert "Provider" not in words and "2 weeks" not in words


def test_the_english_page_speaks_english_in_a_french_request(app, draft):
    with force_locale("fr"):
        html = render_page(build_content(), "en", number=3, published_at=PUBLISHED_AT)
    assert '<html lang="en"' in html
    assert '<th scope="col">Provider</th>' in html
    words = text_of(html)
    assert "Last updated: 14 March 2026" in words
    assert "2 weeks" in words and "12 months" in words
    assert "Keeps the user logged in." in words


def test_the_page_links_its_other_languages_and_its_change_log(app, draft):
    html = french_page(published_at=PUBLISHED_AT)
    assert '<link rel="alternate" hreflang="fr" href="/fr/cookies">' in html
    assert '<link rel="alternate" hreflang="en" href="/en/cookies">' in html
    assert '<link rel="alternate" hreflang="x-default" href="/fr/cookies">' in html
    assert '<a href="/en/cookies" hreflang="en" lang="en">English</a>' in html
    assert '<a href="/fr/cookies/changes">Version 3</a>' in html
    assert 'href="/fr/cookies/v/3.json"' in html
    assert 'href="/static/css/policy.css"' in html


def test_the_page_shows_texts_categories_and_an_empty_category(app, draft):
    html = french_page(published_at=PUBLISHED_AT)
    assert '<h1 dir="auto">Politique de cookies</h1>' in html
    assert "Ce portail dépose <em>peu</em> de cookies." in html
    assert 'id="category-statistics"' in html
    assert "Aucun cookie dans cette catégorie." in html
    assert '<a href="mailto:dpo@example.org">' in html
    assert '<a class="action" href="https://data.example.org/cookies">' in html
    order = [html.index(marker) for marker in ("Un cookie est", "Nécessaires", "changer d")]
    assert order == sorted(order)


# --- What every page states (Article 13 GDPR, CNIL) ----------------------------------------


def english_page(content=None, **options) -> str:
    with force_locale("fr"):  # the interface of whoever publishes
        content = build_content() if content is None else content
        return render_page(content, "en", **({"number": 3, "published_at": PUBLISHED_AT} | options))


@pytest.fixture
def full_settings(draft):
    """The draft's portal with every setting the page shows."""
    settings = db.session.scalar(sa.select(PortalSettings))
    settings.controller_name = "Ville de Test"
    settings.controller_address = "Hôtel de ville\n20000 Testville"
    settings.dpo_email = "dpo-ville@example.org"
    settings.privacy_policy_url = "https://data.example.org/vie-privee"
    settings.complaint_url = "https://www.cnil.fr/fr/plaintes"
    db.session.commit()
    return settings


@pytest.mark.parametrize("texts", ["written", "empty", "absent"])
def test_every_page_names_the_controller_how_to_reach_them_and_where_to_complain(
    app, full_settings, texts
):
    """Whatever the contact section says, or if it has no text, or if the content (an older
    one) has no such section."""
    content = build_content()
    if texts == "empty":
        content["texts"]["contact"] = {"fr": "", "en": ""}
    elif texts == "absent":
        del content["texts"]["contact"]
        content["sections"] = [s for s in content["sections"] if s["key"] != "contact"]

    html = english_page(content)

    contact = html[html.index('<section class="section section--contact">') :]
    words = text_of(contact)
    assert '<h2 dir="auto">Contact</h2>' in contact
    assert "Controller Ville de Test Hôtel de ville 20000 Testville" in words
    assert '<a href="mailto:dpo@example.org"><bdi>dpo@example.org</bdi></a>' in contact
    assert '<a href="mailto:dpo-ville@example.org">' in contact
    assert (
        '<a href="https://data.example.org/vie-privee">The portal\'s privacy policy</a>' in contact
    )
    assert "You have the right to lodge a complaint with the data protection supervisory" in words
    assert '<a href="https://www.cnil.fr/fr/plaintes">' in contact
    assert ("Write to us." in words) is (texts == "written")


def test_the_way_to_withdraw_consent_is_near_the_top_and_in_the_consent_section(app, draft):
    html = english_page()

    button = (
        '<a class="action" href="https://data.example.org/cookies">'
        "Change or withdraw your consent</a>"
    )
    assert html.count(button) == 2
    top, consent = (match.start() for match in re.finditer(re.escape(button), html))
    assert top < html.index('<section class="section section--introduction">')
    section = html.index('<section class="section section--managing_consent">')
    assert section < consent < html.index("</section>", section)


def test_the_consent_section_shows_the_button_even_without_a_text(app, draft):
    content = build_content()
    content["texts"]["managing_consent"] = {"fr": "", "en": ""}

    html = english_page(content)

    section = html[html.index('<section class="section section--managing_consent">') :]
    assert '<h2 dir="auto">Managing and withdrawing consent</h2>' in section
    assert "Change or withdraw your consent" in section.partition("</section>")[0]


def test_the_page_says_what_first_and_third_parties_are(app, draft):
    words = text_of(english_page())

    assert (
        "First party Set by the portal itself, for its own address ( data.example.org ). "
        "Third party Set by another organisation whose service the portal uses"
    ) in words


def test_each_entry_says_its_domain_its_provider_s_country_and_who_reads_it(
    app, draft, make_cookie, make_provider
):
    draft.provider.country = "FR"
    youtube = make_provider(name="YouTube", country="US", privacy_policy_url="https://yt.example")
    matomo = make_provider(name="Matomo", country="NZ", privacy_policy_url="https://m.example")
    embed = make_cookie(
        names=["VISITOR_INFO1_LIVE"], provider=youtube, party=Party.THIRD, domain=".youtube.com"
    )
    audience = make_cookie(
        names=["_pk_id.*"], provider=matomo, party=Party.THIRD, domain="stats.data.example.org"
    )
    for entry in (embed, audience):
        in_english(entry, function="Video", purpose="Counts.")

    html = english_page()

    def row(entry) -> str:
        start = html.index(f'<tr id="cookie-{entry.id}">')
        return text_of(html[start : html.index("</tr>", start)])

    assert "First party Country: France" in row(draft.session)
    assert "Domain: data.example.org" in row(draft.session)  # the portal's own host
    assert "can read it" not in row(draft.session)
    assert "Third party Country: United States" in row(embed)
    assert "Domain: youtube.com" in row(embed)
    assert "YouTube can read it: it is set for another domain than the portal's." in row(embed)
    assert "Domain: stats.data.example.org" in row(audience)
    assert (
        "Matomo can read it only through the portal's pages: it is set for the portal's own domain."
    ) in row(audience)


def test_the_page_and_its_json_say_when_the_cookie_list_was_last_reviewed(app, draft, make_cookie):
    draft.session.last_reviewed_on = date(2026, 2, 1)
    draft.language.last_reviewed_on = date(2026, 3, 10)
    make_cookie(names=["hidden"], visible=False, last_reviewed_on=date(2026, 3, 12))
    db.session.commit()

    content = build_content()
    words = text_of(english_page(content))
    data = json.loads(
        render_json(content, "en", number=3, published_at=PUBLISHED_AT, consent_revision=1)
    )

    assert content["reviewed_on"] == "2026-03-10"
    assert "Cookie list last reviewed: 10 March 2026" in words
    assert data["reviewed_on"] == "2026-03-10"


def test_a_new_review_date_is_a_change_to_publish_and_to_log(draft):
    publish("First")
    draft.session.last_reviewed_on = date(2026, 3, 10)
    db.session.commit()

    diff = services.draft_diff()
    version = publish("Reviewed")

    assert (diff.reviewed.before, diff.reviewed.after, diff.size) == (None, "2026-03-10", 1)
    assert "The list of cookies was reviewed on 10 March 2026." in text_of(
        page_of(version, "en").changes_html
    )


def test_the_page_is_standalone_without_script_or_form(app, draft):
    html = french_page(published_at=PUBLISHED_AT)
    assert "<script" not in html and "<form" not in html and "csrf" not in html
    assert "style=" not in html and "<style" not in html


PREVIEW = Preview(
    page=lambda language: f"/admin/publishing/preview/{language}",
    changes=lambda language: f"/admin/publishing/preview/{language}/changes",
    back="/admin/publishing/",
)


def test_only_the_preview_carries_the_not_published_banner(app, draft):
    published = french_page(published_at=PUBLISHED_AT)
    preview = french_page(number=None, published_at=None, preview=PREVIEW)
    assert "preview-banner" not in published and "/admin/" not in published
    assert (
        '<p class="preview-banner" role="note">Aperçu, non publié · '
        '<a href="/admin/publishing/">Retour à la publication</a></p>'
    ) in preview
    assert "Brouillon, pas encore publié." in text_of(preview)


def test_the_preview_keeps_its_links_in_the_preview(app, draft):
    preview = french_page(number=None, published_at=None, preview=PREVIEW)
    # The language switch, the alternates and the change log lead to the preview's pages.
    assert '<a href="/admin/publishing/preview/en" hreflang="en" lang="en">English</a>' in preview
    assert '<link rel="alternate" hreflang="en" href="/admin/publishing/preview/en">' in preview
    assert '<a href="/admin/publishing/preview/fr/changes">' in preview
    assert 'href="/fr/cookies' not in preview and 'href="/en/cookies' not in preview


def test_the_published_page_is_the_same_whatever_the_preview_does(app, draft):
    content = build_content()
    with force_locale("en"):
        first = render_page(content, "fr", number=3, published_at=PUBLISHED_AT)
        render_page(content, "fr", number=None, published_at=None, preview=PREVIEW)
        again = render_page(content, "fr", number=3, published_at=PUBLISHED_AT)
    assert first == again
    assert "/admin/" not in first


def test_the_preview_change_log_adds_the_draft_on_top_of_the_published_one(app, draft):
    publish("First", note_translations={"en": "First, in English"})
    translate(draft.session.purpose_unit, "Keeps the visitor logged in.")
    with force_locale("fr"):
        html = services.preview_changes("en", PREVIEW)
    words = text_of(html)
    assert "preview-banner" in html
    assert words.index("Version 2") < words.index("Draft, not published yet.")
    assert words.index("Draft, not published yet.") < words.index("Version 1")
    assert "sessionid: purpose changed." in words
    assert '<a href="/admin/publishing/preview/en">Version 2</a>' in html
    assert '<a href="/en/cookies/v/1">Version 1</a>' in html
    assert '<a href="/admin/publishing/preview/fr/changes"' in html
    assert "First, in English" in words


def test_the_preview_change_log_has_no_draft_when_nothing_changed(app, draft):
    publish("First")
    html = services.preview_changes("en", PREVIEW)
    assert "Version 2" not in html
    assert "Version 1" in html


def test_a_draft_preview_shows_the_source_text_where_a_translation_is_missing(app, draft):
    translate(draft.session.purpose_unit, "")
    with force_locale("fr"):
        html = services.preview_page("en", PREVIEW)
    assert '<bdi class="is-untranslated" lang="fr">Garder' in html


def test_a_language_without_interface_catalog_gets_english_words(app, draft):
    settings = db.session.scalar(sa.select(PortalSettings))
    settings.enabled_languages = ["fr", "en", "co"]
    db.session.commit()
    with force_locale("fr"):
        html = render_page(build_content(), "co", number=1, published_at=PUBLISHED_AT)
    assert '<html lang="co"' in html
    assert '<th scope="col">Provider</th>' in html
    assert '<link rel="alternate" hreflang="co" href="/co/cookies">' in html


def test_the_json_is_a_stable_documented_shape(app, draft):
    content = build_content()
    with force_locale("en"):
        text = render_json(content, "fr", number=4, published_at=PUBLISHED_AT, consent_revision=2)
        again = render_json(content, "fr", number=4, published_at=PUBLISHED_AT, consent_revision=2)
    assert text == again
    data = json.loads(text)
    assert list(data) == [
        "format",
        "version",
        "superseded_by",
        "published_at",
        "reviewed_on",
        "language",
        "consent_revision",
        "requires_renewed_consent",
        "title",
        "urls",
        "portal",
        "categories",
    ]
    assert (data["format"], data["version"], data["consent_revision"]) == (1, 4, 2)
    assert data["superseded_by"] is None
    assert data["published_at"] == "2026-03-14T09:30:00Z"
    assert data["reviewed_on"] is None  # no entry of the draft was ever reviewed
    assert data["urls"] == {
        "page": "/fr/cookies/v/4",
        "current": "/fr/cookies",
        "changes": "/fr/cookies/changes",
    }
    necessary = data["categories"][0]
    assert (necessary["name"], necessary["consent_required"]) == ("Nécessaires", False)
    entry = necessary["entries"][1]
    assert entry["names"] == ["sessionid"]
    assert entry["duration"] == {
        "kind": "fixed",
        "value": 2,
        "unit": "weeks",
        "text": "2\u00a0semaines",
    }
    assert entry["consent"] == {"required": False, "exemption": "authentication"}
    assert (entry["party"], entry["storage"]) == ("first", "http_cookie")
    assert "Nécessaires" in text  # not escaped to \u00e9


def shape(value: object) -> object:
    """The keys of a JSON document, recursively, without its values."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value and isinstance(value[0], dict) else []
    return None


def test_the_documented_json_example_has_the_shape_served(draft):
    doc = (PROJECT_ROOT / "docs" / "policy-json.md").read_text("utf-8")
    # The document's example, not the error's shown under "Errors".
    examples = [json.loads(block) for block in re.findall(r"```json\n(.*?)```", doc, re.DOTALL)]
    [example] = [example for example in examples if "categories" in example]
    served = json.loads(
        render_json(build_content(), "en", number=1, published_at=PUBLISHED_AT, consent_revision=1)
    )
    assert shape(example) == shape(served)
    assert list(example) == list(served)


# --- Differences and renewed consent ------------------------------------------------------


def test_compare_lists_entries_added_removed_and_changed_field_by_field(draft, make_cookie):
    old = build_content()
    inventory.update_entry(
        draft.session,
        entry_data(draft.session, duration_value=4, locations=[Location.FRONT_OFFICE]),
        actor=None,
    )
    inventory.archive_entry(draft.language, actor=None)
    make_cookie(names=["_pk_id.*"], category=draft.statistics)
    diff = compare(old, build_content())

    assert [item.label for item in diff.entries_added] == ["_pk_id.*"]
    assert [item.label for item in diff.entries_removed] == ["django_language"]
    (changed,) = diff.entries_changed
    assert changed.item.label == "sessionid"
    assert [(c.field, c.before, c.after) for c in changed.fields] == [
        ("locations", ["front_office", "back_office"], ["front_office"]),
        (
            "duration",
            {"kind": "fixed", "value": 2, "unit": "weeks"},
            {"kind": "fixed", "value": 4, "unit": "weeks"},
        ),
    ]
    assert diff.size == 3
    assert not diff.is_empty
    summary = diff.summary()
    assert summary["entries"]["added"][0]["names"] == ["_pk_id.*"]
    assert summary["entries"]["removed"][0]["names"] == ["django_language"]
    assert summary["entries"]["changed"][0]["fields"] == ["locations", "duration"]
    json.dumps(summary)


def test_compare_shows_text_changes_per_language_word_by_word(draft):
    old = build_content()
    translate(draft.session.purpose_unit, "Keeps the visitor logged in.")
    policy_text = draft.necessary.explanation_unit
    set_source_text(policy_text, "Sans eux, rien ne fonctionne.", None)
    translate(policy_text, "Nothing works without them at all.")
    diff = compare(old, build_content())

    (entry,) = diff.entries_changed
    assert entry.fields == ()
    (purpose,) = entry.texts
    assert (purpose.field, purpose.language) == ("purpose", "en")
    assert [(s.op, s.text) for s in purpose.segments if s.op != "equal"] == [
        ("delete", " user"),
        ("insert", " visitor"),
    ]
    (category,) = diff.categories_changed
    assert [(t.field, t.language) for t in category.texts] == [
        ("explanation", "fr"),
        ("explanation", "en"),
    ]
    assert diff.summary()["entries"]["changed"][0]["texts"] == {"purpose": ["en"]}
    assert diff.size == 2


def test_compare_covers_policy_texts_categories_providers_and_settings(draft, make_category):
    old = build_content()
    texts = {text.key: text for text in db.session.scalars(sa.select(PolicyText))}
    translate(texts["contact"].unit, "Write to our data protection officer.")
    make_category(slug="marketing", name="Marketing", explanation="Publicité.")
    inventory.update_provider(
        draft.provider,
        name="Opendatasoft",
        website="https://opendatasoft.com",
        privacy_policy_url=None,
        country=None,
        safeguard="",
        actor=None,
    )
    settings = db.session.scalar(sa.select(PortalSettings))
    settings.contact_email = "privacy@example.org"
    db.session.commit()
    diff = compare(old, build_content())

    assert [(t.field, t.language) for t in diff.texts_changed] == [("contact", "en")]
    assert [item.key for item in diff.categories_added] == ["marketing"]
    (provider,) = diff.providers_changed
    assert provider.field_names == ["website"]
    assert [change.field for change in diff.portal_changed] == ["contact_email"]
    assert diff.size == 4


def test_a_category_moved_up_changes_position_but_a_new_one_moves_nothing(draft, make_category):
    old = build_content()
    inventory.move_category(draft.statistics, direction="up", actor=None)
    moved = compare(old, build_content())
    assert sorted(change.item.key for change in moved.categories_changed) == [
        "necessary",
        "statistics",
    ]
    assert moved.categories_changed[0].field_names == ["position"]

    old = build_content()
    first = make_category(slug="first", name="Premières", explanation="Tout d'abord.")
    inventory.move_category(first, direction="up", actor=None)
    inventory.move_category(first, direction="up", actor=None)
    added = compare(old, build_content())
    assert [item.key for item in added.categories_added] == ["first"]
    assert added.categories_changed == []


def test_changed_values_read_in_words(draft):
    with force_locale("fr"):
        assert describe_value("duration", {"kind": "session", "value": None, "unit": None}) == (
            "Fin de la session de navigation"
        )
        assert describe_value("duration", {"kind": "fixed", "value": 2, "unit": "weeks"}, "en") == (
            "2 weeks"
        )
        assert describe_value("locations", ["front_office", "api"]) == "front-office, API"
        assert describe_value("consent_basis", "consent") == "Consentement requis"
        assert describe_value("consent_required_default", True) == "oui"
        assert describe_value("domain", "") == "—"


def test_nothing_changed_is_an_empty_diff(draft):
    content = build_content()
    diff = compare(content, build_content())
    assert diff.is_empty and diff.size == 0


def test_the_first_publication_adds_everything(draft):
    diff = compare(None, build_content())
    assert diff.initial
    assert {item.label for item in diff.entries_added} == {"sessionid", "django_language"}
    assert diff.summary()["initial"] is True


def test_renewed_consent_for_a_new_entry_needing_consent(draft, make_cookie):
    old = build_content()
    make_cookie(names=["_pk_id.*"], category=draft.statistics, provider=draft.provider)
    assert needs_renewed_consent(old, build_content()) == ["“_pk_id.*” is new and needs consent."]


def test_renewed_consent_for_an_entry_moving_to_consent(draft):
    old = build_content()
    inventory.update_entry(
        draft.language,
        entry_data(draft.language, consent_basis=ConsentBasis.CONSENT, exemption_ground=None),
        actor=None,
    )
    assert needs_renewed_consent(old, build_content()) == ["“django_language” now needs consent."]


def test_renewed_consent_for_a_new_third_party(draft, make_cookie, make_provider):
    old = build_content()
    matomo = make_provider(name="Matomo", privacy_policy_url="https://matomo.org/privacy")
    make_cookie(
        names=["_pk_ses.*"],
        provider=matomo,
        party=Party.THIRD,
        domain="matomo.example.org",
        category=draft.statistics,
        consent_basis=ConsentBasis.EXEMPT,
        exemption_ground=ExemptionGround.AUDIENCE_MEASUREMENT,
    )
    assert needs_renewed_consent(old, build_content()) == ["Matomo is a new third party."]


def test_no_renewed_consent_for_wording_or_an_exempt_entry_or_the_first_version(draft, make_cookie):
    old = build_content()
    translate(draft.session.purpose_unit, "Keeps the visitor logged in.")
    make_cookie(
        names=["lb_route"],
        category=draft.necessary,
        consent_basis=ConsentBasis.EXEMPT,
        exemption_ground=ExemptionGround.LOAD_BALANCING,
    )
    assert needs_renewed_consent(old, build_content()) == []
    assert needs_renewed_consent(None, build_content()) == []


# --- Publishing ---------------------------------------------------------------------------


def test_publishing_freezes_the_content_and_a_page_per_language(draft):
    version = publish("First publication")
    assert version.number == 1
    assert version.notes == {"fr": "First publication"}
    assert version.content == build_content()
    assert version.content_hash == content_hash(build_content())
    assert {page.language for page in version.pages} == {"fr", "en"}
    french = page_of(version, "fr")
    assert '<html lang="fr"' in french.html
    assert "Version 1" in french.html
    assert json.loads(french.json)["version"] == 1
    assert "Première publication de la politique." in french.changes_html
    assert version.change_summary["initial"] is True
    assert version.change_size == 4  # two categories, two entries
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "publish"))
    assert event.object_id == version.id
    assert event.after["number"] == 1


def test_a_missing_translation_blocks_publishing_and_says_which_text(draft):
    translate(draft.session.purpose_unit, "")
    with pytest.raises(ServiceError) as refused:
        publish()
    assert "1 error" in refused.value.message
    assert "sessionid · Cookie purpose (English)" in refused.value.message
    assert "The English translation is missing." in refused.value.message
    assert count_rows(PolicyVersion) == 0

    translate(draft.session.purpose_unit, "Keeps the user logged in.")
    assert publish().number == 1


def test_the_refusal_names_a_few_errors_and_counts_the_others(draft, make_cookie):
    for number in range(4):
        make_cookie(names=[f"untranslated_{number}"], category=draft.statistics)
    with pytest.raises(ServiceError) as refused:
        publish()
    # Each new entry lacks its English function and purpose: 8 errors, 3 named.
    assert "8 errors" in refused.value.message
    assert "and 5 more" in refused.value.message


def test_versions_are_numbered_and_old_ones_stay_as_published(draft):
    first = publish("First")
    first_html = page_of(first, "en").html
    translate(draft.session.purpose_unit, "Keeps the visitor logged in.")
    second = publish("Clearer purpose")
    inventory.update_entry(draft.session, entry_data(draft.session, duration_value=3), actor=None)
    third = publish("Longer session")

    assert [first.number, second.number, third.number] == [1, 2, 3]
    assert services.current_version() == third
    assert page_of(first, "en").html == first_html
    assert "Keeps the user logged in." in page_of(first, "en").html
    assert "Keeps the visitor logged in." in page_of(second, "en").html
    assert "3 weeks" in page_of(third, "en").html
    assert second.change_summary["entries"]["changed"][0]["texts"] == {"purpose": ["en"]}
    assert [version.number for version in services.list_versions()] == [3, 2, 1]


def test_the_change_log_lists_every_version_newest_first_in_its_language(draft):
    publish("First")
    translate(draft.session.purpose_unit, "Keeps the visitor logged in.")
    publish("Clearer English purpose")
    inventory.update_entry(draft.session, entry_data(draft.session, duration_value=3), actor=None)
    third = publish("Longer session")

    french = text_of(page_of(third, "fr").changes_html)
    english = text_of(page_of(third, "en").changes_html)
    assert french.index("Version 3") < french.index("Version 2") < french.index("Version 1")
    assert "sessionid\u00a0: modification (durée)." in french
    assert "Seule la rédaction dans d'autres langues a changé." in french
    assert "sessionid: purpose changed." in english
    assert "Longer session" in english and "Clearer English purpose" in english
    assert '<a href="/fr/cookies/v/2">' in page_of(third, "fr").changes_html


def test_a_new_entry_shows_its_names_in_the_log_and_its_purpose_as_markdown(draft, make_cookie):
    publish("First")
    audience = make_cookie(
        names=["_pk_id.*", "_pk_ses.*"],
        category=draft.statistics,
        function="Mesure",
        purpose="Compter les visites, *anonymement*.",
    )
    in_english(audience, function="Measure", purpose="Counts visits, *anonymously*.")
    second = publish("Audience")
    english = page_of(second, "en")
    assert "Cookies added: _pk_id.*, _pk_ses.*." in text_of(english.changes_html)
    assert "Counts visits, <em>anonymously</em>." in english.html
    assert english.html.count("(any name starting this way)") == 2


def test_publishing_refuses_when_nothing_changed(draft):
    publish("First")
    with pytest.raises(ServiceError, match="Nothing to publish: the draft is what visitors read."):
        publish("Again")
    assert count_rows(PolicyVersion) == 1
    assert services.nothing_to_publish()


@pytest.mark.parametrize(
    ("note", "message"), [("  ", "Say in a few words"), ("x" * 2001, "2000 characters")]
)
def test_publishing_needs_a_short_note(draft, note, message):
    with pytest.raises(ServiceError, match=message) as refused:
        publish(note)
    assert refused.value.field == "note"


def test_renewed_consent_is_computed_and_can_be_overridden_with_a_reason(draft, make_cookie):
    first = publish("First")
    assert first.requires_renewed_consent is False
    audience = make_cookie(
        names=["_pk_id.*"], category=draft.statistics, function="Mesure", purpose="Compter."
    )
    in_english(audience, function="Measure", purpose="Counts visits.")
    second = publish("Audience")
    assert second.requires_renewed_consent is True
    assert second.renewal_override_reason is None
    assert json.loads(page_of(second, "en").json)["consent_revision"] == 2

    translate(draft.session.purpose_unit, "Keeps the visitor logged in.")
    with pytest.raises(ServiceError, match="Say why you override") as refused:
        publish("Wording", renewal_override=True)
    assert refused.value.field == "override_reason"
    third = publish("Wording", renewal_override=True, override_reason="The lawyer asked.")
    assert third.requires_renewed_consent is True
    assert third.renewal_override_reason == "The lawyer asked."
    assert "Les visiteurs sont invités" in page_of(third, "fr").changes_html


def test_the_consent_revision_stays_until_a_version_asks_again(draft):
    publish("First")
    translate(draft.session.purpose_unit, "Keeps the visitor logged in.")
    second = publish("Wording")
    assert json.loads(page_of(second, "fr").json)["consent_revision"] == 1


def test_rollback_restores_the_draft_then_publishes_it(draft):
    first = publish("First")
    translate(draft.session.purpose_unit, "Keeps the visitor logged in.")
    publish("Clearer")
    versions_before = count_rows(TextVersion)
    restored = services.rollback_to(first, note="The old wording was right", actor=None)

    assert restored.number == 3
    assert restored.rolled_back_from_id == first.id
    assert restored.content == first.content
    assert restored.content_hash == first.content_hash
    english = page_of(restored, "en")
    assert "Keeps the user logged in." in english.html
    assert "Version 3" in english.html and "Version 1" not in text_of(english.html)
    assert "Restores the content of version 1." in english.changes_html
    # The draft is the version's content again, the English text as a new version that says
    # why: nothing is left to publish.
    unit = draft.session.purpose_unit
    assert unit.text("en") == "Keeps the user logged in."
    assert unit.current_version("en").note == "rollback to version 1"
    assert count_rows(TextVersion) == versions_before + 1
    assert services.nothing_to_publish()
    assert "Keeps the user logged in." in services.preview_page("en", PREVIEW)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "rollback"))
    assert event.after["restored"]["texts_restored"] == 1
    assert event.after["note"] == {"fr": "The old wording was right"}
    revert = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "revert"))
    assert revert.after == {
        "language": "en",
        "text": "Keeps the user logged in.",
        "state": "translated",
    }


def test_rollback_to_the_current_version_is_refused(draft):
    first = publish("First")
    with pytest.raises(ServiceError, match="Version 1 is the current version"):
        services.rollback_to(first, note="Again", actor=None)


def test_rollback_to_a_version_with_the_current_content_is_refused(draft):
    first = publish("First")
    translate(draft.session.purpose_unit, "Keeps the visitor logged in.")
    publish("Clearer")
    services.rollback_to(first, note="Back", actor=None)
    with pytest.raises(ServiceError, match="Version 3 already has this content."):
        services.rollback_to(first, note="Again", actor=None)
    assert count_rows(PolicyVersion) == 3


def test_rollback_is_not_blocked_by_the_draft_s_errors_and_mends_them(draft):
    first = publish("First")
    translate(draft.session.purpose_unit, "Keeps the visitor logged in.")
    publish("Clearer")
    translate(draft.session.purpose_unit, "")  # the draft now has an error
    assert services.rollback_to(first, note="Back", actor=None).number == 3
    assert checks_errors() == []


def checks_errors():
    return [problem for problem in services.gate_report() if problem.is_error]


def test_rollback_archives_what_was_added_and_brings_back_what_was_taken_off(
    draft, make_cookie, make_category
):
    hidden = make_cookie(
        names=["lb_route"],
        category=draft.necessary,
        function="Répartition",
        purpose="Répartir la charge.",
    )
    in_english(hidden, function="Load balancing", purpose="Spreads the load.")
    first = publish("First")
    # Since version 1: an entry added in a new category, one archived, one hidden, and a
    # category nobody uses.
    marketing = make_category(slug="marketing", name="Publicité", explanation="Des annonces.")
    in_english(marketing, name="Advertising", explanation="Ads.")
    added = make_cookie(
        names=["_fbp"], category=marketing, function="Publicité", purpose="Des annonces."
    )
    in_english(added, function="Ads", purpose="Shows ads.")
    unused = make_category(slug="unused", name="Inutile", explanation="Rien.")
    in_english(unused, name="Unused", explanation="Nothing.")
    inventory.archive_entry(draft.language, actor=None)
    inventory.update_entry(hidden, entry_data(hidden, visible=False), actor=None)
    publish("Second")

    plan = services.plan_rollback(first)
    assert [entry.label for entry in plan.archived] == ["_fbp"]
    assert [entry.label for entry in plan.unarchived] == ["django_language"]
    assert [entry.label for entry in plan.shown_again] == ["lb_route"]
    assert [category.slug for category in plan.kept_categories] == ["marketing"]
    assert [category.slug for category in plan.removed_categories] == ["unused"]
    restored = services.rollback_to(first, note="Back", actor=None)

    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "rollback"))
    assert event.after["restored"] == {
        "archived": ["_fbp"],
        "unarchived": ["django_language"],
        "shown_again": ["lb_route"],
        "categories_removed": ["unused"],
        "categories_kept": ["marketing"],
    }
    db.session.expire_all()
    assert db.session.get(CookieEntry, added.id).archived  # kept, not deleted
    assert not db.session.get(CookieEntry, draft.language.id).archived
    assert db.session.get(CookieEntry, hidden.id).visible
    assert db.session.scalar(sa.select(Category).where(Category.slug == "unused")) is None
    # The category archived entries still use stays, without cookies: the one difference.
    slugs = [category["slug"] for category in restored.content["categories"]]
    assert slugs == ["necessary", "statistics", "marketing"]
    assert restored.content["categories"][:2] == first.content["categories"]
    assert services.nothing_to_publish()


def test_rollback_makes_a_deleted_entry_again_under_a_new_number(draft):
    first = publish("First")
    inventory.archive_entry(draft.language, actor=None)
    inventory.delete_entry(draft.language, actor=None)
    publish("Without the language cookie")

    plan = services.plan_rollback(first)
    assert plan.recreated_entries == ["django_language"]
    assert plan.texts == 4  # its function and purpose, in French and English
    restored = services.rollback_to(first, note="Back", actor=None)

    entry = db.session.scalar(
        sa.select(CookieEntry).join(CookieEntry.names).where(CookieName.name == "django_language")
    )
    assert entry.created_at > first.published_at
    assert entry.purpose_unit.text("en") == "Remembers the language."
    assert restored.content["categories"][0]["entries"][0]["names"][0]["name"] == (
        "django_language"
    )
    assert services.nothing_to_publish()
    assert checks_errors() == []


def test_rollback_removes_a_section_added_since_and_makes_a_removed_one_again(draft):
    section = policy_texts.create_section(
        title="Réseaux sociaux", text="Suivez-nous.", after_tables=True, actor=None
    )
    translate(section.title_unit, "Social networks")
    translate(section.unit, "Follow us.")
    first = publish("With the social networks")
    policy_texts.delete_section(section, actor=None)
    newer = policy_texts.create_section(
        title="Archives", text="Les anciennes versions.", after_tables=False, actor=None
    )
    translate(newer.title_unit, "Archives")
    translate(newer.unit, "The old versions.")
    publish("Archives instead")

    plan = services.plan_rollback(first)
    assert plan.removed_section_names == ["Archives"]
    assert plan.recreated_sections == ["Réseaux sociaux"]
    restored = services.rollback_to(first, note="Back", actor=None)

    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "rollback"))
    assert event.after["restored"] == {
        "sections_removed": [newer.key],
        "sections_recreated": [section.key],
        "texts_restored": 4,
    }

    keys = [text.key for text in db.session.scalars(sa.select(PolicyText))]
    assert section.key in keys and newer.key not in keys
    assert restored.content_hash == first.content_hash
    assert "Follow us." in page_of(restored, "en").html


def test_rollback_brings_back_the_settings_the_page_shows(draft):
    first = publish("First")
    update_portal(actor=None, contact_email="privacy@example.org", languages=["fr", "en", "de"])
    translate_everything_into("de")
    publish("German, and a new address")

    plan = services.plan_rollback(first)
    assert [change.field for change in plan.diff.portal_changed] == ["languages", "contact_email"]
    services.rollback_to(first, note="Back", actor=None)

    settings = get_settings()
    assert settings.contact_email == "dpo@example.org"
    assert settings.enabled_languages == ["fr", "en"]
    assert services.nothing_to_publish()


def translate_everything_into(language: str) -> None:
    for unit in db.session.scalars(sa.select(TextUnit)):
        if unit.source_text.strip():
            translate(unit, f"[{language}] {unit.source_text}", language)


def test_a_refused_rollback_changes_nothing(draft, make_cookie, monkeypatch):
    first = publish("First")
    added = make_cookie(
        names=["_fbp"], category=draft.statistics, function="Pub", purpose="Des annonces."
    )
    in_english(added, function="Ads", purpose="Shows ads.")
    translate(draft.session.purpose_unit, "Keeps the visitor logged in.")
    publish("Second")
    rows = [count_rows(model) for model in (TextVersion, AuditEvent, PolicyVersion)]

    def refuse(*args, **kwargs):
        raise ServiceError("Refused at the last moment.")

    monkeypatch.setattr(services, "_publish", refuse)
    with pytest.raises(ServiceError, match="Refused at the last moment."):
        services.rollback_to(first, note="Back", actor=None)

    db.session.expire_all()
    assert [count_rows(model) for model in (TextVersion, AuditEvent, PolicyVersion)] == rows
    assert not db.session.get(CookieEntry, added.id).archived
    assert draft.session.purpose_unit.text("en") == "Keeps the visitor logged in."


def test_the_rollback_plan_changes_nothing(draft):
    first = publish("First")
    translate(draft.session.purpose_unit, "Keeps the visitor logged in.")
    publish("Clearer")
    rows = [count_rows(model) for model in (TextVersion, AuditEvent, PolicyVersion)]
    plan = services.plan_rollback(first)
    assert plan.texts == 1
    assert [change.item.label for change in plan.diff.entries_changed] == ["sessionid"]
    assert [count_rows(model) for model in (TextVersion, AuditEvent, PolicyVersion)] == rows


# --- Notes in every language --------------------------------------------------------------


def test_a_version_keeps_its_note_in_each_language_given(draft):
    version = publish("Première version", note_translations={"en": "First version"})
    assert version.notes == {"fr": "Première version", "en": "First version"}
    assert "First version" in page_of(version, "en").changes_html
    assert '<p class="note" dir="auto">Première version</p>' in page_of(version, "fr").changes_html


def test_a_missing_translation_of_the_note_reads_in_the_source_language_marked(draft):
    version = publish("Première version", note_translations={"en": "  "})
    assert version.notes == {"fr": "Première version"}
    assert '<p class="note" dir="auto" lang="fr">Première version</p>' in (
        page_of(version, "en").changes_html
    )
    assert version.note_in("en", "fr") == ("Première version", "fr")
    assert version.note_in("fr", "fr") == ("Première version", None)


@pytest.mark.parametrize(
    ("translations", "field", "message"),
    [
        ({"en": "x" * 2001}, "note_en", "2000 characters"),
        ({"de": "Erste Version"}, "note", "“de” is not one of the portal's languages (fr, en)."),
        ({"fr": "Encore"}, "note_fr", "is the main note"),
        ({"en": "First\x00version"}, "note_en", "control character U+0000 (character 6)"),
    ],
)
def test_notes_in_other_languages_are_checked(draft, translations, field, message):
    with pytest.raises(ServiceError, match=re.escape(message)) as refused:
        publish("Première version", note_translations=translations)
    assert refused.value.field == field
    assert count_rows(PolicyVersion) == 0


def test_a_rollback_note_is_needed_and_checked_like_a_publication_s(draft):
    first = publish("First")
    translate(draft.session.purpose_unit, "Keeps the visitor logged in.")
    publish("Clearer")
    with pytest.raises(ServiceError, match="Say why you restore this version.") as refused:
        services.rollback_to(first, note=" ", actor=None)
    assert refused.value.field == "note"
    with pytest.raises(ServiceError, match="not one of the portal's languages"):
        services.rollback_to(first, note="Back", note_translations={"it": "No"}, actor=None)
    assert count_rows(PolicyVersion) == 2


def test_the_gate_reports_errors_first_with_their_subject(draft, make_cookie):
    make_cookie(names=["no_review"], category=draft.statistics)
    problems = services.gate_report()
    assert problems[0].is_error
    assert not problems[-1].is_error
    lines = services.describe(problems)
    assert "no_review · Cookie function (English): The English translation is missing." in [
        line.text for line in lines
    ]


# --- Concurrency --------------------------------------------------------------------------


@pytest.mark.postgresql
def test_two_publishes_at_once_never_give_a_duplicate_or_half_version(app, draft, monkeypatch):
    if not TEST_DATABASE_URL:
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")
    # Both threads read the current version before either writes: they race for one number.
    both_read = threading.Barrier(2, timeout=30)
    read_current = services.current_version

    def current_version_then_wait():
        version = read_current()
        both_read.wait()
        return version

    monkeypatch.setattr(services, "current_version", current_version_then_wait)
    outcomes: list[object] = []

    def publish_in_a_thread(note: str) -> None:
        with app.app_context():
            try:
                outcomes.append(services.publish_policy(note=note, actor=None).number)
            except ServiceError as error:
                outcomes.append(error.message)

    threads = [threading.Thread(target=publish_in_a_thread, args=(f"By {n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    numbers = [outcome for outcome in outcomes if isinstance(outcome, int)]
    refusals = [outcome for outcome in outcomes if isinstance(outcome, str)]
    assert len(outcomes) == 2
    assert numbers == [1]
    assert refusals == [
        "Someone published at the same moment; nothing was published. Reload and try again."
    ]
    db.session.expire_all()
    versions = db.session.scalars(sa.select(PolicyVersion)).all()
    assert [version.number for version in versions] == [1]
    assert {page.language for page in versions[0].pages} == {"fr", "en"}


# --- Export -------------------------------------------------------------------------------


def test_export_writes_the_bytes_the_app_serves_where_a_web_server_finds_them(
    app, client, draft, tmp_path
):
    first = publish("First")
    translate(draft.session.purpose_unit, "Keeps the visitor logged in.")
    second = publish("Clearer")
    paths = services.export_policy(tmp_path)

    files = {path.relative_to(tmp_path).as_posix() for path in paths}
    pages = {
        f"{language}/cookies/{name}"
        for language in ("fr", "en")
        for name in (
            "index.html",
            "changes/index.html",
            "v/1/index.html",
            "v/1.json",
            "v/2/index.html",
            "v/2.json",
        )
    } | {"fr/cookies.json", "en/cookies.json"}
    # Each page with its gzip form beside it, for nginx's gzip_static.
    assert files == pages | {f"{page}.gz" for page in pages} | {
        "static/css/policy.css",
        "static/favicon.svg",
    }
    for file in files:
        compressed = file.endswith(".gz")
        address = "/" + file.removesuffix(".gz").removesuffix("index.html").removesuffix("/")
        response = client.get(address, headers={"Accept-Encoding": "gzip"} if compressed else {})
        served = response.get_data()
        response.close()  # a static file is sent from an open file
        assert (tmp_path / file).read_bytes() == served, file
        if compressed:
            assert response.headers["Content-Encoding"] == "gzip", file
            plain = (tmp_path / file.removesuffix(".gz")).read_bytes()
            assert gzip.decompress(served) == plain, file
    current = page_of(second, "en")
    assert (tmp_path / "en/cookies/index.html").read_bytes() == current.html.encode("utf-8")
    assert (tmp_path / "en/cookies.json").read_bytes() == current.json.encode("utf-8")
    old = (tmp_path / "fr/cookies/v/1/index.html").read_text("utf-8")
    assert '<div class="superseded" role="note">' in old and '<a href="/fr/cookies">' in old
    assert json.loads((tmp_path / "fr/cookies/v/1.json").read_text("utf-8"))["superseded_by"] == 2
    assert page_of(first, "fr").html.partition("<h1>")[2] in old


def test_export_needs_a_published_version(draft, tmp_path):
    with pytest.raises(ServiceError, match="Nothing is published yet."):
        services.export_policy(tmp_path)
