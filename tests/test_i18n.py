"""The interface in French: a complete catalog, and durations in the reader's words."""

from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from portal_cookies.config import PROJECT_ROOT, TRANSLATIONS_PATH
from portal_cookies.i18n import format_duration
from portal_cookies.models import DurationKind, DurationUnit

FRENCH_CATALOG = TRANSLATIONS_PATH / "fr" / "LC_MESSAGES" / "messages.po"


@cache
def french_catalog() -> Catalog:
    with FRENCH_CATALOG.open("rb") as po:
        return read_po(po, locale="fr")


def messages_in_code() -> dict[tuple[str, str | None], str]:
    """Every message the code asks to translate, as `flask translate extract` finds them."""
    with (PROJECT_ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = {}
    for path, lineno, message, _comments, context in extract_from_dir(
        PROJECT_ROOT,
        method_map,
        options_map,
        keywords={**DEFAULT_KEYWORDS, "_l": None},
        # As `flask translate extract`: template folders such as _macros are read too.
        directory_filter=lambda path: (
            not Path(path).name.startswith(".") and Path(path).name != "__pycache__"
        ),
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault((msgid, context), f"{path}:{lineno}")
    return found


def listing(lines: list[str]) -> str:
    return "\n".join(f"  {line}" for line in sorted(lines))


def test_the_code_has_messages_to_translate():
    # Guards the test below: an extraction finding nothing would pass it vacuously.
    found = messages_in_code()
    assert ("Log in", None) in found
    assert ("This form has expired", None) in found  # Python, not only templates
    assert ("administrator", None) in found  # _l()
    assert ("Previous", None) in found  # templates/_macros


def test_the_french_catalog_has_every_message_of_the_code():
    catalog = french_catalog()
    missing = [
        f"{msgid!r} ({where})"
        for (msgid, context), where in messages_in_code().items()
        if catalog.get(msgid, context=context) is None
    ]
    if missing:
        pytest.fail(
            f"{len(missing)} messages of the code are not in {FRENCH_CATALOG}; run "
            f"`flask translate update` and translate them:\n{listing(missing)}",
            pytrace=False,
        )


def test_every_french_message_is_translated_and_reviewed():
    catalog = french_catalog()
    problems = []
    for message in catalog:
        if not message.id:
            continue  # the header
        msgid = message.id[0] if message.pluralizable else message.id
        forms = message.string if message.pluralizable else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        elif not all(forms) or (message.pluralizable and len(forms) != catalog.num_plurals):
            problems.append(f"untranslated: {msgid!r}")
    if problems:
        pytest.fail(
            f"{len(problems)} of {len(catalog)} messages in {FRENCH_CATALOG} need work:\n"
            f"{listing(problems)}",
            pytrace=False,
        )


def test_french_messages_keep_the_placeholders_of_the_english():
    # A lost or renamed %(count)s breaks the page that shows the message.
    problems = [
        f"{message.id!r}: {'; '.join(map(str, errors))}"
        for message, errors in french_catalog().check()
    ]
    if problems:
        pytest.fail(f"In {FRENCH_CATALOG}:\n{listing(problems)}", pytrace=False)


def test_french_plurals_follow_the_gettext_convention():
    # 0 and 1 take the singular in French: "0 cookie", "1 cookie", "2 cookies".
    assert french_catalog().plural_forms == "nplurals=2; plural=(n > 1);"


@pytest.mark.parametrize(
    ("value", "unit", "language", "expected"),
    [
        # French puts a no-break space between a number and its unit.
        (13, DurationUnit.MONTHS, "fr", "13\u00a0mois"),
        (13, DurationUnit.MONTHS, "en", "13 months"),
        (2, DurationUnit.WEEKS, "fr", "2\u00a0semaines"),
        (2, DurationUnit.WEEKS, "en", "2 weeks"),
        (1, DurationUnit.YEARS, "fr", "1\u00a0an"),
        (1, DurationUnit.DAYS, "en", "1 day"),
    ],
)
def test_a_fixed_duration_reads_in_the_language_asked_for(app, value, unit, language, expected):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert format_duration(DurationKind.FIXED, value, unit, language) == expected


@pytest.mark.parametrize(("browser", "expected"), [("fr", "13\u00a0mois"), ("en", "13 months")])
def test_a_fixed_duration_reads_in_the_interface_language_by_default(app, browser, expected):
    with app.test_request_context(headers={"Accept-Language": browser}):
        assert format_duration(DurationKind.FIXED, 13, DurationUnit.MONTHS) == expected
