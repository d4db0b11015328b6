"""The small, safe Markdown subset of the policy's texts (DESIGN.md §2).

Paragraphs, emphasis, inline code, links, lists and line breaks; nothing else. Raw HTML is
shown as text, never passed through, and a link may only lead to a web page (http, https) or
an e-mail address (mailto): anything else (``javascript:``, ``data:``, a relative path) stays
plain text.
"""

from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_SCHEMES = ("http://", "https://", "mailto:")

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
    return Markup(_PARSER.render(text or ""))


def render_inline_markdown(text: str) -> Markup:
    """A short text (a purpose, a safeguard) as HTML without blocks: emphasis, code, links."""
    return Markup(_PARSER.renderInline(text or ""))
