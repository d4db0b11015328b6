"""The domain's values, cleaned and validated the same way wherever they come from: a form, an
import, the command line or the check engine.

Each function returns the cleaned value or raises ServiceError naming the field at fault.
"""

import re
import string
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
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
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
) -> str:
    """``value`` stripped; refused when empty (if required), too long or with control codes."""
    text = (value or "").strip()
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
    if CONTROL_CHARACTERS.search(text) or (single_line and ("\n" in text or "\r" in text)):
        raise ServiceError(_("Remove the control characters or line breaks."), field)
    return text


def _quoted(char: str) -> str:
    if char == " ":
        return _("a space")
    if CONTROL_CHARACTERS.search(char) or char in "\t\r\n":
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
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        host = None
    if (
        parts.scheme.lower() not in ("http", "https")
        or not host
        or len(url) > MAX_URL_LENGTH
        or any(char.isspace() or CONTROL_CHARACTERS.match(char) for char in url)
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
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise ServiceError(_("This is not a valid e-mail address."), field="email") from error
