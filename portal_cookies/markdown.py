"""The small, safe Markdown subset of the policy's texts (DESIGN.md §2).

Paragraphs, emphasis, inline code, links, lists and line breaks; nothing else. Raw HTML is
shown as text, never passed through, and a link may only lead to a web page (http, https) or
an e-mail address (mailto): anything else (``javascript:``, ``data:``, a relative path) stays
plain text. Where a person writes such a text, ``clean_markdown`` refuses raw HTML and those
links with a message instead.
"""

from flask_babel import gettext as _
from markdown_it import MarkdownIt
from markupsafe import Markup

from .service_errors import ServiceError
from .values import clean_text

ALLOWED_SCHEMES = ("http://", "https://", "mailto:")
# How much of a refused piece a message quotes.
EXCERPT_LENGTH = 40

# "zero" starts with paragraphs and plain text only; the rules below are all we add.
_RULES = ["emphasis", "backticks", "escape", "link", "autolink", "list", "newline"]


def _safe_link(url: str) -> bool:
    return url.strip().lower().startswith(ALLOWED_SCHEMES)


def _parser() -> MarkdownIt:
    parser = MarkdownIt("zero", {"html": False, "linkify": False, "typographer": False})
    parser.enable(_RULES)
    parser.validateLink = _safe_link
    return parser


_PARSER = _parser()


def render_markdown(text: str) -> Markup:
    """``text`` as HTML blocks (paragraphs, lists), safe to put in a page as it is."""
    # The parser escapes every character of the text and makes no raw HTML ("html": False),
    # and its links pass _safe_link: what it returns is markup of its own making.
    return Markup(_PARSER.render(text or ""))  # nosec B704


def render_inline_markdown(text: str) -> Markup:
    """A short text (a purpose, a safeguard) as HTML without blocks: emphasis, code, links."""
    # Markup of the parser's own making, as in render_markdown.
    return Markup(_PARSER.renderInline(text or ""))  # nosec B704


# Reads what a text holds, HTML and every link included, to refuse what the subset leaves out.
_INSPECTOR = MarkdownIt("zero", {"html": True, "linkify": False, "typographer": False})
_INSPECTOR.enable([*_RULES, "html_inline", "html_block"])
_INSPECTOR.validateLink = lambda url: True


def _unsafe_parts(text: str) -> tuple[list[str], list[str]]:
    """The raw HTML of ``text``, and the link targets that lead neither to a web page nor to an
    e-mail address; code spans (`<b>`) are text, not HTML."""
    html, links = [], []
    for token in _INSPECTOR.parse(text):
        if token.type == "html_block":
            html.append(token.content.strip())
        for child in token.children or []:
            if child.type == "html_inline":
                html.append(child.content)
            elif child.type == "link_open" and not _safe_link(str(child.attrs.get("href", ""))):
                links.append(str(child.attrs.get("href", "")))
    return html, links


def clean_markdown(
    value: str | None,
    field: str,
    max_length: int,
    required_message: str | None = None,
    single_line: bool = False,
) -> str:
    """A text of the subset, as ``values.clean_text`` cleans it; refused when it holds raw HTML
    or a link the page would not make (``javascript:``, a relative path), so what a person
    writes is what visitors read."""
    text = clean_text(value, field, max_length, required_message, single_line)
    html, links = _unsafe_parts(text)
    if html:
        raise ServiceError(
            _(
                "Remove the HTML (%(html)s): write emphasis, links and lists in Markdown.",
                html=html[0][:EXCERPT_LENGTH],
            ),
            field,
        )
    if links:
        raise ServiceError(
            _(
                "A link may only lead to a web page (https://…) or an e-mail address "
                "(mailto:…), not to “%(link)s”.",
                link=links[0][:EXCERPT_LENGTH],
            ),
            field,
        )
    return text
