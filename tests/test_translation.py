"""The translation workspace: queue, editor, outdated texts, history, review, memory."""

import re

import pytest
import sqlalchemy as sa

from portal_cookies.contexts import text_contexts
from portal_cookies.extensions import db
from portal_cookies.inventory import services as inventory
from portal_cookies.models import (
    PortalSettings,
    Role,
    TextOrigin,
    TextState,
    TextVersion,
)
from portal_cookies.texts import TextStatus, set_source_text, status_of
from portal_cookies.translation import services
from tests.helpers import error_summary, log_in, translate


@pytest.fixture
def portal():
    settings = PortalSettings(
        name="Test portal", base_url="https://portal.example.org", enabled_languages=["fr", "en"]
    )
    db.session.add(settings)
    db.session.commit()
    return settings


def editor_url(unit, language="en", **args):
    query = "&".join(f"{key}={value}" for key, value in args.items())
    return f"/admin/translation/{unit.id}/{language}" + (f"?{query}" if query else "")


def base_version(response) -> str:
    match = re.search(r'name="base_version_id" type="hidden" value="(\d*)"', response.text)
    assert match, "the editor has no base version"
    return match.group(1)


def test_outdated_texts_come_first_in_the_queue(portal, make_cookie):
    done, outdated, missing = make_cookie(), make_cookie(), make_cookie()
    for entry in (done, outdated):
        translate(entry.function_unit, "Function")
        translate(entry.purpose_unit, "Purpose.")
    set_source_text(outdated.purpose_unit, "Une finalité réécrite.", None)
    db.session.commit()

    queue = services.build_queue(services.QueueParams(language="en"))

    assert [(item.unit.id, item.status) for item in queue[:1]] == [
        (outdated.purpose_unit.id, TextStatus.OUTDATED)
    ]
    statuses = [item.status for item in queue]
    assert statuses == sorted(
        statuses, key=[TextStatus.OUTDATED, TextStatus.MISSING, TextStatus.TRANSLATED].index
    )
    missing_units = {item.unit.id for item in queue if item.status == TextStatus.MISSING}
    assert missing.function_unit.id in missing_units


def test_the_queue_filters_outdated_and_missing_texts(portal, make_cookie):
    entry = make_cookie()
    translate(entry.function_unit, "Function")
    translate(entry.purpose_unit, "Purpose.")
    set_source_text(entry.function_unit, "Nouvelle fonction", None)
    other = make_cookie()
    db.session.commit()

    outdated = services.build_queue(
        services.QueueParams(language="en", filter=services.QueueFilter.OUTDATED)
    )
    missing = services.build_queue(
        services.QueueParams(
            language="en", filter=services.QueueFilter.MISSING, provider=other.provider.id
        )
    )

    assert [item.unit.id for item in outdated] == [entry.function_unit.id]
    assert {item.unit.id for item in missing} == {other.function_unit.id, other.purpose_unit.id}


def test_the_queue_searches_every_language(portal, client, make_cookie):
    entry = make_cookie(function="Mesure d'audience")
    translate(entry.function_unit, "Audience measurement")
    make_cookie(function="Authentification")
    log_in(client, Role.TRANSLATOR)

    response = client.get("/admin/translation/?language=en&q=audience")

    assert "Audience measurement" in response.text
    assert "Authentification" not in response.text


def test_progress_counts_each_state_per_language(portal, make_cookie):
    entry = make_cookie()
    translate(entry.function_unit, "Function")

    [english] = services.measure_progress(["en"])

    assert english.count(TextStatus.TRANSLATED) == 1
    assert english.count(TextStatus.MISSING) == english.total - 1


def test_a_bad_queue_address_is_explained_and_ignored(portal, client, make_cookie):
    make_cookie()
    log_in(client, Role.TRANSLATOR)

    response = client.get("/admin/translation/?language=xx&filter=nonsense&provider=abc")

    assert response.status_code == 200
    assert "Texts are not translated into this language." in response.text


def test_saving_and_going_to_the_next_text_follows_the_filter(portal, client, make_cookie):
    first, second = make_cookie(), make_cookie()
    user = log_in(client, Role.TRANSLATOR)
    url = editor_url(first.function_unit, filter="missing")
    page = client.get(url)

    response = client.post(
        url, data={"text": "Function", "base_version_id": base_version(page), "save_next": "1"}
    )

    assert response.status_code == 302
    assert response.location == editor_url(first.purpose_unit, filter="missing")
    version = first.function_unit.current_version("en")
    assert (version.text, version.state, version.author_id) == (
        "Function",
        TextState.TRANSLATED,
        user.id,
    )
    assert second.function_unit.current_version("en") is None


def test_the_last_text_of_the_filter_goes_back_to_the_queue(portal, client, make_cookie):
    entry = make_cookie()
    translate(entry.function_unit, "Function")
    log_in(client, Role.TRANSLATOR)
    url = editor_url(entry.purpose_unit, filter="missing", provider=entry.provider.id)

    response = client.post(
        url,
        data={"text": "Purpose.", "base_version_id": "", "save_next": "1"},
        follow_redirects=True,
    )

    assert "That was the last text of this list." in response.text
    assert "0 texts to look at" in response.text


def test_an_empty_translation_is_refused(portal, client, make_cookie):
    entry = make_cookie()
    log_in(client, Role.TRANSLATOR)

    response = client.post(editor_url(entry.function_unit), data={"text": "  ", "save": "1"})

    assert response.status_code == 422
    assert "Write the translation" in response.text
    assert entry.function_unit.current_version("en") is None


def test_two_people_saving_the_same_text_lose_neither(portal, app, make_cookie):
    entry = make_cookie()
    first, second = app.test_client(), app.test_client()
    log_in(first, Role.TRANSLATOR)
    log_in(second, Role.OPERATOR)
    url = editor_url(entry.purpose_unit)
    first_base, second_base = base_version(first.get(url)), base_version(second.get(url))

    saved = first.post(
        url, data={"text": "First text.", "base_version_id": first_base, "save": "1"}
    )
    refused = second.post(
        url, data={"text": "Second text.", "base_version_id": second_base, "save": "1"}
    )

    assert saved.status_code == 302
    assert refused.status_code == 409
    assert "Someone saved this text while you were editing it" in refused.text
    assert "First text." in refused.text and "Second text." in refused.text
    assert entry.purpose_unit.text("en") == "First text."

    # The second person chooses to put theirs in place, on purpose this time.
    replaced = second.post(
        url, data={"text": "Second text.", "base_version_id": base_version(refused), "save": "1"}
    )
    assert replaced.status_code == 302
    history = [item.version.text for item in services.text_history(entry.purpose_unit, "en")]
    assert history == ["Second text.", "First text."]


def test_an_outdated_translation_shows_what_changed_in_the_source(portal, client, make_cookie):
    entry = make_cookie(purpose="Garder la session ouverte.")
    translate(entry.purpose_unit, "Keeps the session open.")
    set_source_text(entry.purpose_unit, "Garder la session ouverte deux semaines.", None)
    db.session.commit()
    log_in(client, Role.TRANSLATOR)

    response = client.get(editor_url(entry.purpose_unit))

    assert "The source changed since this translation was made" in response.text
    assert "<ins> deux semaines</ins>" in response.text


def test_confirming_still_correct_restamps_without_editing(portal, client, make_cookie):
    entry = make_cookie(purpose="Garder la session.")
    translate(entry.purpose_unit, "Keeps the session.")
    set_source_text(entry.purpose_unit, "Garder la session !", None)
    db.session.commit()
    log_in(client, Role.TRANSLATOR)
    page = client.get(editor_url(entry.purpose_unit))

    client.post(
        f"/admin/translation/{entry.purpose_unit.id}/en/confirm",
        data={"base_version_id": base_version(page)},
    )

    assert status_of(entry.purpose_unit, "en") == TextStatus.TRANSLATED
    assert entry.purpose_unit.text("en") == "Keeps the session."
    assert entry.purpose_unit.current_version("en").note == "confirmed still correct"


def test_reverting_the_source_makes_its_translation_current_again(portal, make_cookie):
    entry = make_cookie(purpose="Première version.")
    translate(entry.purpose_unit, "First version.")
    set_source_text(entry.purpose_unit, "Deuxième version.", None)
    db.session.commit()
    assert status_of(entry.purpose_unit, "en") == TextStatus.OUTDATED

    set_source_text(entry.purpose_unit, "Première version.", None)
    db.session.commit()

    assert status_of(entry.purpose_unit, "en") == TextStatus.TRANSLATED


def test_a_minor_source_edit_keeps_translations_current(portal, client, make_cookie):
    entry = make_cookie(function="Authentification")
    translate(entry.function_unit, "Authentication")
    data = inventory.EntryData(**{**vars(entry_data(entry)), "function": "Authentification."})

    inventory.update_entry(entry, data, actor=None, minor_edit=True)

    assert status_of(entry.function_unit, "en") == TextStatus.TRANSLATED
    history = services.text_history(entry.function_unit, "en")
    assert history[0].version.note == "minor source edit"


def test_a_normal_source_edit_outdates_translations(portal, make_cookie):
    entry = make_cookie(function="Authentification")
    translate(entry.function_unit, "Authentication")
    data = inventory.EntryData(**{**vars(entry_data(entry)), "function": "Connexion"})

    inventory.update_entry(entry, data, actor=None)

    assert status_of(entry.function_unit, "en") == TextStatus.OUTDATED


def entry_data(entry):
    return inventory.EntryData(
        provider=entry.provider,
        category=entry.category,
        names=entry.name_list,
        storage_kind=entry.storage_kind,
        party=entry.party,
        domain=entry.domain,
        locations=entry.locations,
        function=entry.function_unit.source_text,
        purpose=entry.purpose_unit.source_text,
        duration_kind=entry.duration_kind,
        duration_value=entry.duration_value,
        duration_unit=entry.duration_unit,
        consent_basis=entry.consent_basis,
        exemption_ground=entry.exemption_ground,
    )


def test_history_lists_every_version_and_revert_adds_one(portal, client, make_cookie):
    entry = make_cookie()
    old = translate(entry.purpose_unit, "Old text.")
    translate(entry.purpose_unit, "New text.")
    log_in(client, Role.TRANSLATOR)
    page = client.get(f"/admin/translation/{entry.purpose_unit.id}/en/history")
    assert "<del>Old</del><ins>New</ins>" in page.text

    client.post(
        f"/admin/translation/{entry.purpose_unit.id}/en/revert/{old.id}",
        data={"base_version_id": base_version(page)},
    )

    texts = [item.version.text for item in services.text_history(entry.purpose_unit, "en")]
    assert texts == ["Old text.", "New text.", "Old text."]


def test_reverting_to_a_translation_of_an_older_source_leaves_it_outdated(
    portal, make_cookie, make_user
):
    entry = make_cookie(purpose="Source un.")
    old = translate(entry.purpose_unit, "Source one.")
    set_source_text(entry.purpose_unit, "Source deux.", None)
    current = translate(entry.purpose_unit, "Source two.")

    services.revert_to(old, base_version_id=current.id, actor=make_user(Role.TRANSLATOR))

    assert status_of(entry.purpose_unit, "en") == TextStatus.OUTDATED


def test_review_needs_another_person(portal, make_user, make_cookie):
    portal.review_required = True
    db.session.commit()
    entry = make_cookie(function="Fonction")
    translator, operator = make_user(Role.TRANSLATOR), make_user(Role.OPERATOR)
    version = services.save_translation(
        entry.function_unit, "en", "Function", base_version_id=None, actor=operator
    )

    with pytest.raises(Exception, match="cannot approve your own"):
        services.approve_translation(
            entry.function_unit, "en", base_version_id=version.id, actor=operator
        )
    with pytest.raises(Exception, match="Only operators and administrators"):
        services.approve_translation(
            entry.function_unit, "en", base_version_id=version.id, actor=translator
        )
    other = make_user(Role.ADMIN)
    approved = services.approve_translation(
        entry.function_unit, "en", base_version_id=version.id, actor=other
    )

    assert approved.state == TextState.APPROVED
    assert status_of(entry.function_unit, "en") == TextStatus.APPROVED


def test_with_review_required_only_approved_texts_count_as_ready(portal, make_cookie):
    portal.review_required = True
    db.session.commit()
    entry = make_cookie()
    translate(entry.function_unit, "Function")

    review = services.build_queue(
        services.QueueParams(language="en", filter=services.QueueFilter.NEEDS_REVIEW)
    )

    assert [item.unit.id for item in review] == [entry.function_unit.id]


def test_memory_suggests_translations_of_similar_sources(portal, make_cookie, make_user):
    done = make_cookie(purpose="Retenir la langue choisie par le visiteur.")
    translate(done.purpose_unit, "Remembers the language the visitor chose.")
    new = make_cookie(purpose="Retenir la langue choisie par le visiteur connecté.")

    [suggestion] = services.suggest_translations(new.purpose_unit, "en")

    assert suggestion.text == "Remembers the language the visitor chose."
    assert 60 <= suggestion.score < 100


def test_a_suggestion_used_unchanged_stays_a_draft(portal, make_cookie, make_user):
    done = make_cookie(purpose="Même texte.")
    memory = translate(done.purpose_unit, "Same text.")
    new = make_cookie(purpose="Même texte.")
    user = make_user(Role.TRANSLATOR)

    unchanged = services.save_translation(
        new.purpose_unit, "en", "Same text.", base_version_id=None, actor=user, from_memory=memory
    )
    assert (unchanged.state, unchanged.origin) == (TextState.DRAFT, TextOrigin.MEMORY)

    edited = services.save_translation(
        new.purpose_unit,
        "en",
        "The same text.",
        base_version_id=unchanged.id,
        actor=user,
        from_memory=memory,
    )
    assert (edited.state, edited.origin) == (TextState.TRANSLATED, TextOrigin.PERSON)


def test_memory_never_offers_the_translation_the_text_already_has(portal, make_cookie):
    done = make_cookie(purpose="Même texte.")
    translate(done.purpose_unit, "Same text.")
    new = make_cookie(purpose="Même texte.")
    translate(new.purpose_unit, "Same text.")

    assert services.suggest_translations(new.purpose_unit, "en") == []

    translate(done.purpose_unit, "The very same text.")
    offered = services.suggest_translations(new.purpose_unit, "en")
    assert [suggestion.text for suggestion in offered] == ["The very same text."]


def test_the_editor_offers_a_memory_suggestion_to_insert(portal, client, make_cookie):
    done = make_cookie(purpose="Même texte.")
    memory = translate(done.purpose_unit, "Same text.")
    new = make_cookie(purpose="Même texte.")
    log_in(client, Role.TRANSLATOR)

    page = client.get(editor_url(new.purpose_unit, memory=memory.id))

    assert "100% match" in page.text
    assert f'name="memory_version_id" type="hidden" value="{memory.id}"' in page.text
    assert "Same text.</textarea>" in page.text


def test_a_third_language_is_configuration_and_data(portal, make_cookie, make_category):
    make_cookie()
    portal.enabled_languages = ["fr", "en", "de"]
    db.session.commit()

    queue = services.build_queue(services.QueueParams(language="de"))

    assert queue, "the German queue is empty"
    assert {item.status for item in queue} == {TextStatus.MISSING}
    assert len(queue) == len([c for c in text_contexts() if c.unit.source_text.strip()])


def test_a_text_version_is_never_changed_by_a_save(portal, make_cookie):
    entry = make_cookie()
    first = translate(entry.purpose_unit, "First.")
    translate(entry.purpose_unit, "Second.")

    stored = db.session.scalar(sa.select(TextVersion).where(TextVersion.id == first.id))

    assert stored.text == "First."


def test_the_queue_opens_on_the_first_translated_language(portal, client, make_cookie):
    make_cookie()
    log_in(client, Role.TRANSLATOR)

    response = client.get("/admin/translation/")

    assert "not understood" not in response.text
    assert '<option selected value="en">' in response.text


def test_a_refused_translation_is_tied_to_its_field(portal, client, make_cookie):
    entry = make_cookie()
    log_in(client, Role.TRANSLATOR)

    response = client.post(editor_url(entry.purpose_unit), data={"text": "", "save": "Save"})

    assert response.status_code == 422
    textarea = re.search(r"<textarea[^>]*>", response.text).group(0)
    assert 'aria-invalid="true"' in textarea
    assert 'aria-describedby="text-error shortcuts"' in textarea
    assert 'lang="en"' in textarea
    assert "autofocus" not in textarea  # the summary of the errors has the focus
    assert '<p class="field__error" id="text-error">Write the translation' in response.text
    assert '<a href="#text">Translation: Write the translation' in error_summary(response)


def test_the_queue_offers_the_categories_by_name(portal, client, make_category, make_cookie):
    named = make_category(slug="statistics", name="Statistiques")
    translate(named.name_unit, "Statistics")
    make_cookie(category=named)
    untranslated = make_category(slug="marketing", name="Publicité")
    make_cookie(category=untranslated)
    log_in(client, Role.TRANSLATOR)

    page = client.get("/admin/translation/?language=en").text

    assert '<option value="statistics">Statistics</option>' in page
    assert '<option lang="fr" value="marketing">Publicité</option>' in page


@pytest.mark.parametrize("query", ["", "?language=de", "?language=en", "?language=xx&language=de"])
def test_the_editor_and_the_queue_take_any_language_in_the_query_string(
    portal, client, make_cookie, query
):
    portal.enabled_languages = ["fr", "en", "de"]
    db.session.commit()
    unit = make_cookie().purpose_unit
    log_in(client, Role.TRANSLATOR)

    for path in ("/admin/translation/", f"/admin/translation/{unit.id}/en"):
        response = client.get(path + query)

        assert response.status_code == 200, path


def test_the_queue_of_a_second_language_leads_to_its_editor_and_back(portal, client, make_cookie):
    portal.enabled_languages = ["fr", "en", "de"]
    db.session.commit()
    unit = make_cookie().function_unit
    log_in(client, Role.TRANSLATOR)

    queue = client.get("/admin/translation/?language=de&filter=missing")
    editor = client.get(f"/admin/translation/{unit.id}/de?filter=missing")

    assert f'href="/admin/translation/{unit.id}/de?filter=missing"' in queue.text
    assert 'href="/admin/translation/?language=de&amp;filter=missing"' in editor.text


# Not an id a version can have: zero, negative, past a column's range, not digits at all.
NOT_A_VERSION = ["0", "-1", "2147483648", "9" * 20, "9" * 5000, "1.5", "²", "abc", ""]


@pytest.mark.parametrize("base", NOT_A_VERSION)
def test_saving_over_a_version_that_cannot_exist_is_a_conflict(portal, client, make_cookie, base):
    unit = make_cookie().purpose_unit
    translate(unit, "A purpose.")
    versions = db.session.scalar(sa.select(sa.func.count()).select_from(TextVersion))
    log_in(client, Role.TRANSLATOR)

    response = client.post(editor_url(unit), data={"text": "Mine.", "base_version_id": base})

    assert response.status_code == 409
    assert unit.text("en") == "A purpose."
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TextVersion)) == versions


@pytest.mark.parametrize("base", NOT_A_VERSION)
@pytest.mark.parametrize("action", ["approve", "confirm", "revert"])
def test_a_version_button_naming_no_version_is_refused_with_a_message(
    portal, client, make_cookie, make_user, base, action
):
    unit = make_cookie().purpose_unit
    old = translate(unit, "A purpose.")
    set_source_text(unit, "Une finalité réécrite.", None)
    translate(unit, "A rewritten purpose.")
    versions = db.session.scalar(sa.select(sa.func.count()).select_from(TextVersion))
    log_in(client, Role.OPERATOR)
    path = editor_url(unit) + (f"/revert/{old.id}" if action == "revert" else f"/{action}")

    response = client.post(path, data={"base_version_id": base}, follow_redirects=True)

    assert response.status_code == 200
    assert "look at" in response.text
    assert unit.text("en") == "A rewritten purpose."
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TextVersion)) == versions
