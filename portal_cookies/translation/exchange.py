"""Texts out to outside translators and back: one language as a gettext PO file.

Babel writes and reads the file; any PO tool (Poedit, Weblate, GNU gettext, polib) edits it.
One message per text unit of the policy: ``msgctxt`` is the unit's key, ``msgid`` its source
text, ``msgstr`` its translation. Extracted comments (``#.``) say what the text belongs to and
carry the hashes of the source and of the translation as exported, which tell on import
whether either changed in the portal meanwhile. Outdated and draft translations are
``fuzzy``. (The source an outdated translation was made from is not given as a previous
msgid, ``#|``: Babel writes a long one in a form msgfmt refuses.) Headers
``X-Portal-Cookies-*`` mark the file as ours.

An import reads and checks the whole file before it saves anything, saves the translations
it accepts as drafts in one transaction, and reports each message: applied, unchanged,
skipped, conflict or unknown.
"""

import enum
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError, PoFileParser, write_po
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..contexts import TextContext, text_contexts
from ..extensions import db
from ..models import PortalSettings, TextState, TextVersion, User, text_hash, utcnow
from ..portal import get_settings
from ..service_errors import ServiceError
from ..texts import TextConflict, TextStatus, save_imported_text, status_of
from ..values import clean_text

FORMAT_VERSION = "1"
FORMAT_HEADER = "X-Portal-Cookies-Format"
SOURCE_LANGUAGE_HEADER = "X-Portal-Cookies-Source-Language"
PORTAL_HEADER = "X-Portal-Cookies-Portal"
PROJECT = "portal-cookies"
SOURCE_HASH = "source-sha256"
TRANSLATION_HASH = "translation-sha256"
# Wide enough for the hash comments to stay on one line each; any width is valid PO.
PO_WIDTH = 90
MAX_IMPORTED_LENGTH = 10_000
MAX_FILE_SIZE = 10 * 1024 * 1024
# The longest line a file of ours can hold: the longest text imported, every character escaped
# (``\n``, ``\"``), on one line after its keyword, as tools that do not wrap write it.
MAX_LINE_LENGTH = 2 * MAX_IMPORTED_LENGTH + 100

_KEY = re.compile(r"unit-([1-9][0-9]{0,17})")
# A line of a message: an optional keyword, then one complete quoted string. The string is
# written as runs of plain characters between escapes, which the regex engine reads a run at a
# time (an alternation per character took seconds on a long line).
_STRING_LINE = re.compile(
    r'(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[[0-9]+\])?)[ \t]+)?"[^"\\]*(?:\\.[^"\\]*)*"'
)
_HASH_COMMENT = re.compile(rf"\b({SOURCE_HASH}|{TRANSLATION_HASH}):\s*([0-9a-f]{{64}})\b")


class ImportOutcome(enum.StrEnum):
    APPLIED = "applied"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    CONFLICT = "conflict"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return str(OUTCOME_LABELS[self])


OUTCOME_LABELS = {
    ImportOutcome.APPLIED: _l("applied"),
    ImportOutcome.UNCHANGED: _l("unchanged"),
    ImportOutcome.SKIPPED: _l("skipped"),
    ImportOutcome.CONFLICT: _l("conflict"),
    ImportOutcome.UNKNOWN: _l("unknown text"),
}


@dataclass(frozen=True)
class ImportRow:
    """What became of one message of the file. ``label`` is empty for an unknown key."""

    key: str
    label: str
    outcome: ImportOutcome
    message: str


@dataclass(frozen=True)
class ImportReport:
    language: str
    rows: list[ImportRow]

    @property
    def counts(self) -> dict[ImportOutcome, int]:
        """How many rows had each outcome, every outcome listed, in the enum's order."""
        counts = dict.fromkeys(ImportOutcome, 0)
        for row in self.rows:
            counts[row.outcome] += 1
        return counts


class _PortalCatalog(Catalog):
    """A Babel catalog that keeps the headers Babel does not know, ``X-Portal-Cookies-*``.

    Babel writes its own headers and drops unknown ones when it reads a file; this subclass
    adds ours to the header it writes and remembers every header it reads.
    """

    def __init__(self, *args, extra_headers: Iterable[tuple[str, str]] = (), **kwargs):
        self.extra_headers = list(extra_headers)
        self.read_headers: dict[str, str] = {}
        super().__init__(*args, **kwargs)

    @property
    def mime_headers(self) -> list[tuple[str, str]]:
        headers = super().mime_headers
        # Babel's last header, Generated-By, ends with a line break: ours go before it.
        names = [name for name, _value in headers]
        end = names.index("Generated-By") if "Generated-By" in names else len(headers)
        return headers[:end] + self.extra_headers + headers[end:]

    @mime_headers.setter
    def mime_headers(self, headers: Iterable[tuple[str, str]]) -> None:
        headers = list(headers)
        Catalog.mime_headers.fset(self, headers)
        self.read_headers.update((name.lower(), value.strip()) for name, value in headers)

    def header(self, name: str) -> str | None:
        return self.read_headers.get(name.lower())


# --- Export -------------------------------------------------------------------------------


def _target_language(settings: PortalSettings, language: str) -> str | None:
    """The enabled language ``language`` names (``en-GB`` and ``en_gb`` alike), unless it is
    the source language or not enabled."""
    wanted = language.replace("-", "_").casefold()
    for enabled in settings.enabled_languages:
        if enabled.replace("-", "_").casefold() == wanted:
            return None if enabled == settings.source_language else enabled
    return None


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _language_name(language: str) -> str:
    try:
        return Locale.parse(language.replace("-", "_")).english_name or language
    except (UnknownLocaleError, ValueError):
        return language


def export_filename(language: str) -> str:
    """A name for the exported file: ``portal-cookies-en.po``."""
    return f"{PROJECT}-{language}.po"


def export_po(language: str) -> bytes:
    """Every text the policy shows, with its translation into ``language``, as a PO file."""
    settings = get_settings()
    target = _target_language(settings, language)
    if target is None:
        raise ServiceError(
            _(
                "Choose a language the texts are translated into: one of the portal's "
                "languages other than its source language."
            ),
            "language",
        )
    now = utcnow()
    portal = _one_line(settings.name) or _one_line(settings.base_url) or PROJECT
    catalog = _PortalCatalog(
        locale=target,
        project=PROJECT,
        version=portal,
        creation_date=now,
        revision_date=now,
        language_team=_language_name(target),
        header_comment=_header_comment(portal, target, now.date().isoformat()),
        fuzzy=False,
        extra_headers=[
            (FORMAT_HEADER, FORMAT_VERSION),
            (SOURCE_LANGUAGE_HEADER, settings.source_language),
            (PORTAL_HEADER, portal),
        ],
    )
    # Babel writes placeholders for values given empty: nobody has translated this file yet,
    # and the portal may have no contact address.
    catalog.last_translator = ""
    catalog.msgid_bugs_address = _one_line(settings.contact_email or "")
    for context in text_contexts():
        message = _message(context, target)
        if message is not None:
            catalog[message.id] = message
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=PO_WIDTH, no_location=True)
    return buffer.getvalue()


def _header_comment(portal: str, language: str, date: str) -> str:
    # Babel replaces the upper-case words PROJECT, VERSION, YEAR and ORGANIZATION in it.
    return "\n".join(
        [
            f"# Texts of the cookie policy of {portal}, to translate into {language}.",
            f"# Exported by portal-cookies on {date}.",
            "# Fill in each msgstr. Keep msgctxt and the #. comments: they tell on import",
            "# which text an entry is and whether it changed in the portal meanwhile.",
            "# Fuzzy entries need work: their translation is outdated or a draft.",
            "# Import the file in the translation view, or with: flask texts import FILE",
        ]
    )


def _message(context: TextContext, language: str) -> Message | None:
    unit = context.unit
    status = status_of(unit, language)
    if status in (TextStatus.SOURCE, TextStatus.NOT_NEEDED):
        return None
    source = unit.source_text
    translation = unit.current_version(language)
    text = translation.text if translation is not None else ""
    message = Message(
        source,
        text,
        context=unit.key,
        auto_comments=[
            _one_line(context.label),
            f"{SOURCE_HASH}: {text_hash(source)}",
            f"{TRANSLATION_HASH}: {text_hash(text)}",
        ],
    )
    # Babel guesses python-format from a "%" or "{}" in the text, and msgfmt would then
    # check the translation's placeholders: policy texts are prose, never format strings.
    message.flags = set()
    if status in (TextStatus.OUTDATED, TextStatus.DRAFT) or _edges_differ(source, text):
        # A fuzzy entry is one msgfmt does not check: a translation whose leading or trailing
        # line break differs from the source's is kept as it is, and flagged for the fix.
        message.flags.add("fuzzy")
    return message


def _edges_differ(source: str, text: str) -> bool:
    return bool(text) and (
        source.startswith("\n") != text.startswith("\n")
        or source.endswith("\n") != text.endswith("\n")
    )


# --- Import -------------------------------------------------------------------------------


def import_po(data: bytes, *, actor: User | None) -> ImportReport:
    """Save the translations of a PO file made by ``export_po`` as drafts; report each row.

    A file that is not one of ours, or not for a translated language of this portal, is
    refused whole with ServiceError (field ``file``), and nothing changes. Otherwise every
    applied row is saved in one transaction, with one audit event per text.
    """
    settings = get_settings()
    catalog = _parse(data)
    language = _check_header(catalog, settings)
    contexts = {context.unit.key: context for context in text_contexts()}
    rows: list[ImportRow] = []
    seen: set[str] = set()
    try:
        for message in catalog:
            if not message.id:
                continue
            row = _import_message(message, language, contexts, seen, actor)
            rows.append(row)
        db.session.commit()
    except TextConflict as error:
        # save_text has rolled the session back: none of the file's rows is saved.
        raise ServiceError(
            _(
                "Someone saved one of these texts while the file was being imported; "
                "nothing was imported. Import the file again."
            ),
            "file",
        ) from error
    except Exception:
        db.session.rollback()
        raise
    return ImportReport(language, rows)


def _refuse(message: str) -> ServiceError:
    return ServiceError(message, "file")


def _parse(data: bytes) -> _PortalCatalog:
    if len(data) > MAX_FILE_SIZE:
        raise _refuse(_("The file is too large to be a PO file of this portal's texts."))
    if not data.strip():
        raise _refuse(_("The file is empty."))
    if b"\x00" in data:
        raise _refuse(_("This is not a PO file: it holds binary data. Nothing was imported."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse(_("The file is not in UTF-8; save it again as UTF-8.")) from None
    # The file's shape first, cheaply: what no file of ours holds is refused before any parser
    # reads it (a 9 MB line held a worker for seconds).
    number, length = _longest_line(text)
    if length > MAX_LINE_LENGTH:
        raise _refuse(
            _(
                "Line %(line)s of the file has %(length)s characters; a PO file of this "
                "portal's texts has at most %(count)s on a line. Nothing was imported.",
                line=number,
                length=length,
                count=MAX_LINE_LENGTH,
            )
        )
    line = _first_unquoted_line(text)
    if line is not None:
        raise _refuse(
            _("This is not a valid PO file (line %(line)s): nothing was imported.", line=line)
        )
    catalog = _PortalCatalog()
    try:
        PoFileParser(catalog, ignore_obsolete=True, abort_invalid=True).parse(io.StringIO(text))
    except PoFileError as error:
        raise _refuse(
            _(
                "This is not a valid PO file (line %(line)s): nothing was imported.",
                line=error.lineno + 1,
            )
        ) from error
    # Babel's parser also raises ValueError, AttributeError and others on some broken files;
    # each means the same: not a PO file it can read.
    except Exception as error:
        raise _refuse(_("This is not a valid PO file: nothing was imported.")) from error
    return catalog


def _longest_line(text: str) -> tuple[int, int]:
    """The number of the longest line of ``text``, and its length."""
    lengths = [len(line) for line in text.split("\n")]
    length = max(lengths)
    return lengths.index(length) + 1, length


def _first_unquoted_line(text: str) -> int | None:
    """The number of the first line with a broken string, which msgfmt would refuse.

    Babel's parser reads ``msgstr "Cook`` (a file cut short) as "Coo" without a word.
    """
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.strip()
        if line and not line.startswith("#") and not _STRING_LINE.fullmatch(line):
            return number
    return None


def _check_header(catalog: _PortalCatalog, settings: PortalSettings) -> str:
    """The language the file translates into, or ServiceError saying why it is refused."""
    if catalog.header(FORMAT_HEADER) is None:
        raise _refuse(
            _(
                "This is not a file exported by portal-cookies: export the texts from the "
                "translation view, translate that file, and import it."
            )
        )
    if catalog.header(FORMAT_HEADER) != FORMAT_VERSION:
        raise _refuse(
            _(
                "This file was exported in a format this portal does not read (format "
                "%(format)s); export the texts again.",
                format=catalog.header(FORMAT_HEADER),
            )
        )
    source = catalog.header(SOURCE_LANGUAGE_HEADER) or ""
    if source != settings.source_language:
        raise _refuse(
            _(
                "This file translates from “%(file)s”, but this portal's texts are written "
                "in “%(portal)s”.",
                file=source,
                portal=settings.source_language,
            )
        )
    language = catalog.header("Language") or ""
    target = _target_language(settings, language) if language else None
    if target is None:
        if not language:
            raise _refuse(_("The file does not say which language it is in (its Language header)."))
        raise _refuse(
            _(
                "The file is in “%(language)s”, which is not a language this portal's texts "
                "are translated into.",
                language=language,
            )
        )
    return target


def _hashes(message: Message) -> dict[str, str]:
    # Joined, so a tool that wrapped a long comment onto two lines does not lose a hash.
    comments = " ".join(message.auto_comments)
    return {name: value for name, value in _HASH_COMMENT.findall(comments)}


def _row(key: str, context: TextContext | None, outcome: ImportOutcome, message: str) -> ImportRow:
    return ImportRow(key, context.label if context else "", outcome, message)


def _import_message(
    message: Message,
    language: str,
    contexts: dict[str, TextContext],
    seen: set[str],
    actor: User | None,
) -> ImportRow:
    key = message.context or ""
    context = contexts.get(key) if _KEY.fullmatch(key) else None
    plural = isinstance(message.id, list | tuple) or isinstance(message.string, list | tuple)
    if context is None or plural or context.unit.source_language == language:
        return _row(
            key,
            None,
            ImportOutcome.UNKNOWN,
            _("No text of the policy has this key; the entry was ignored."),
        )
    if key in seen:
        return _row(
            key,
            context,
            ImportOutcome.SKIPPED,
            _("This text appears twice in the file; only its first entry was read."),
        )
    seen.add(key)
    unit = context.unit
    source = unit.source_text
    hashes = _hashes(message)
    if message.id != source or hashes.get(SOURCE_HASH, text_hash(source)) != text_hash(source):
        return _row(
            key,
            context,
            ImportOutcome.CONFLICT,
            _(
                "The source text changed since the export; nothing was saved. Export again "
                "and translate the new text."
            ),
        )
    text = message.string or ""
    current = unit.current_version(language)
    current_text = current.text if current is not None else ""
    if not text.strip():
        return _row(key, context, ImportOutcome.SKIPPED, _("Not translated in the file."))
    if len(text) > MAX_IMPORTED_LENGTH:
        return _row(
            key,
            context,
            ImportOutcome.SKIPPED,
            _("Longer than %(count)s characters; not imported.", count=MAX_IMPORTED_LENGTH),
        )
    try:
        clean_text(text, "text", MAX_IMPORTED_LENGTH, strip=False)
    except ServiceError as refusal:
        return _row(key, context, ImportOutcome.SKIPPED, refusal.message)
    confirmed = False
    if text == current_text:
        # The translator cleared the fuzzy flag of an outdated translation, unedited: it
        # still fits the new source. Otherwise the file brings nothing new.
        confirmed = not message.fuzzy and status_of(unit, language) == TextStatus.OUTDATED
        if not confirmed:
            return _row(key, context, ImportOutcome.UNCHANGED, _("Same as the current text."))
    elif hashes.get(TRANSLATION_HASH, text_hash(current_text)) != text_hash(current_text):
        return _row(
            key,
            context,
            ImportOutcome.CONFLICT,
            _(
                "The translation was changed in the portal since the export; nothing was "
                "saved. Compare both texts in the translation view."
            ),
        )
    _save(context, language, text, current, actor, confirmed=confirmed)
    if confirmed:
        return _row(
            key,
            context,
            ImportOutcome.APPLIED,
            _("Confirmed for the new source text; saved as a draft to review."),
        )
    return _row(key, context, ImportOutcome.APPLIED, _("Saved as a draft to review."))


def _save(
    context: TextContext,
    language: str,
    text: str,
    current: TextVersion | None,
    actor: User | None,
    *,
    confirmed: bool,
) -> None:
    unit = context.unit
    save_imported_text(
        unit,
        language,
        text,
        actor,
        current=current,
        label=f"{context.label} [{language}]",
        state=TextState.DRAFT,
        note="confirmed still correct" if confirmed else None,
    )
