"""The domain's values, cleaned and validated the same way wherever they come from: a form, an
import, the command line or the check engine.

Each function returns the cleaned value or raises ServiceError naming the field at fault.
"""

import re
import string
import unicodedata
from urllib.parse import urlsplit

from babel import Locale
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from .cookie_names import PREFIX_PATTERN_END
from .service_errors import ServiceError

MAX_COOKIE_NAME_LENGTH = 255
MAX_URL_LENGTH = 500

# RFC 6265 §4.1.1: a cookie name is an RFC 2616 token, visible ASCII but for the separators.
TOKEN_CHARS = frozenset("!#$%&'*+-.^_`|~" + string.ascii_letters + string.digits)
HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
# Control characters (C0 but tab and line breaks, DEL, C1) and lone surrogates, which UTF-8,
# and so PostgreSQL, cannot store; NUL is one of them (PostgreSQL text cannot hold it at all).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# Tab and line breaks: whitespace in a multi-line text, refused in a single-line one.
LAYOUT_CHARACTERS = re.compile(r"[\t\n\r]")
# Bidirectional embeddings, overrides and isolates (U+202A-202E, U+2066-2069): invisible, they
# reorder the text around them ("Trojan Source"), on our pages and wherever a text is copied.
# Refused, not removed, so nothing a person wrote changes silently; a text in Arabic or Hebrew
# needs none of them, since every page marks operator-written text dir="auto" or <bdi>.
DIRECTION_CONTROLS = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
_REFUSED = re.compile(f"{CONTROL_CHARACTERS.pattern}|{DIRECTION_CONTROLS.pattern}")
_REFUSED_ON_ONE_LINE = re.compile(f"{_REFUSED.pattern}|{LAYOUT_CHARACTERS.pattern}")
# CLDR territories that are not ISO 3166-1 country codes (regions, unions, test codes...).
NOT_COUNTRIES = frozenset("AC CP CQ DG EA EU EZ IC QO TA UN XA XB XK ZZ".split())
COUNTRY_CODES = frozenset(
    code
    for code in Locale("en").territories
    if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
)


def clean_text(
    value: str | None,
    field: str,
    max_length: int,
    required_message: str | None = None,
    single_line: bool = False,
    *,
    strip: bool = True,
) -> str:
    """``value`` stripped (unless ``strip`` is false: a translation keeps its spaces), refused
    when empty (if required), too long, or holding a character no stored text may hold.

    The one rule for every text the portal stores, whichever way it comes: a form, a PO import,
    the command line. A refusal names the character and where it is, since most are invisible.
    """
    text = value or ""
    if strip:
        text = text.strip()
    if not text and required_message:
        raise ServiceError(required_message, field)
    if len(text) > max_length:
        raise ServiceError(
            _(
                "Keep it to %(count)s characters at most (it has %(length)s).",
                count=max_length,
                length=len(text),
            ),
            field,
        )
    _refuse_hidden_characters(text, field, single_line)
    return text


def _character_name(char: str) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE``; control characters have a code point only."""
    return f"U+{ord(char):04X} {unicodedata.name(char, '')}".strip()


def _refuse_hidden_characters(text: str, field: str, single_line: bool = False) -> None:
    """ServiceError for the first character of ``text`` no stored text may hold: a control
    character, a direction control, or (``single_line``) a tab or a line break."""
    first = (_REFUSED_ON_ONE_LINE if single_line else _REFUSED).search(text)
    if first is None:
        return
    char, position = first.group(), first.start() + 1
    if DIRECTION_CONTROLS.match(char):
        message = _(
            "Remove the invisible direction control %(character)s (character %(position)s): it "
            "changes the order in which the text around it reads.",
            character=_character_name(char),
            position=position,
        )
    elif char in "\n\r":
        message = _(
            "Keep it on one line: remove the line break (character %(position)s).",
            position=position,
        )
    else:
        message = _(
            "Remove the control character %(character)s (character %(position)s).",
            character=_character_name(char),
            position=position,
        )
    raise ServiceError(message, field)


def _quoted(char: str) -> str:
    if char == " ":
        return _("a space")
    if CONTROL_CHARACTERS.search(char) or LAYOUT_CHARACTERS.match(char):
        return _("a control character")
    return f"“{char}”"


def validate_cookie_name(name: str) -> str:
    """An exact name or a prefix pattern ``prefix.*``, valid per RFC 6265; else ServiceError."""
    if len(name) > MAX_COOKIE_NAME_LENGTH:
        raise ServiceError(
            _("A cookie name may have at most %(count)s characters.", count=MAX_COOKIE_NAME_LENGTH),
            "names",
        )
    stem = name.removesuffix(PREFIX_PATTERN_END)
    if not stem:
        raise ServiceError(_("“.*” needs a prefix before it, as in “_pk_id.*”."), "names")
    if "*" in stem:
        raise ServiceError(
            _("“%(name)s”: only a final “.*” may stand for the rest of a name.", name=name),
            "names",
        )
    for char in stem:
        if char not in TOKEN_CHARS:
            raise ServiceError(
                _(
                    "“%(name)s” is not a valid cookie name: it contains %(character)s. Cookie "
                    "names are ASCII letters, digits and !#$%%&'*+-.^_`|~ only.",
                    name=name,
                    character=_quoted(char),
                ),
                "names",
            )
    return name


def clean_domain(domain: str | None) -> str:
    """A lower-case host name, with its leading dot if given; empty means the portal's host."""
    domain = (domain or "").strip().lower()
    if not domain:
        return ""
    dot = "." if domain.startswith(".") else ""
    try:
        host = domain[len(dot) :].encode("idna").decode("ascii")
    except UnicodeError:
        host = ""
    labels = host.split(".")
    if not host or len(host) > 253 or not all(HOST_LABEL.fullmatch(label) for label in labels):
        raise ServiceError(
            _("Give a host name such as “.example.org”, without “https://” or a path."),
            "domain",
        )
    return dot + host


def clean_url(url: str | None, field: str) -> str | None:
    """An http(s) address with a host, or None for an empty one."""
    url = (url or "").strip()
    if not url:
        return None
    _refuse_hidden_characters(url, field, single_line=True)
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        host = None
    if (
        parts.scheme.lower() not in ("http", "https")
        or not host
        or len(url) > MAX_URL_LENGTH
        or any(char.isspace() for char in url)
    ):
        raise ServiceError(_("Give a full web address starting with https:// (or http://)."), field)
    return url


def clean_country(country: str | None) -> str | None:
    """An ISO 3166-1 alpha-2 code in upper case, or None."""
    code = (country or "").strip().upper()
    if not code:
        return None
    if code not in COUNTRY_CODES:
        raise ServiceError(
            _("Choose a country from the list (an ISO 3166 code such as “FR”)."), "country"
        )
    return code


def normalize_email(email: str) -> str:
    _refuse_hidden_characters(email.strip(), "email", single_line=True)
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise ServiceError(_("This is not a valid e-mail address."), field="email") from error
