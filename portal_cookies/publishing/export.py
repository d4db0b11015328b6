"""``flask policy export``: every published version as static files, each page with its gzip
form beside it, the bytes the app serves."""

from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import PolicyPage, PolicyVersion, compress_page
from ..service_errors import ServiceError
from .render import (
    FAVICON,
    STYLESHEET,
    mark_superseded_json,
    mark_superseded_page,
)


def _write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _write_page(path: Path, text: str, compressed: bytes | None = None) -> list[Path]:
    """A page and, beside it, its gzip form (``<name>.gz``) for a web server's
    ``gzip_static``: the bytes stored at publication when given, else compressed here."""
    gzip_path = path.with_name(f"{path.name}.gz")
    return [_write(path, text), _write(gzip_path, compressed or compress_page(text))]


def export_policy(directory: Path) -> list[Path]:
    """Write every published version as static files a web server maps to the app's URLs.

    For each language: ``<lang>/cookies/index.html`` and ``<lang>/cookies.json`` (the current
    version), ``<lang>/cookies/changes/index.html``, ``<lang>/cookies/v/<n>/index.html`` and
    ``<lang>/cookies/v/<n>.json`` for every version (an old one saying which version replaced
    it); and the pages' ``static/css/policy.css`` and ``static/favicon.svg``. Each file holds
    exactly the bytes the app serves, and each page has its gzip form beside it
    (``index.html.gz``, ``cookies.json.gz``: nginx's ``gzip_static``). Returns the paths
    written, in order.
    """
    directory = Path(directory)
    written = []
    versions = {
        number: (published_at, portal)
        for number, published_at, portal in db.session.execute(
            sa.select(
                PolicyVersion.number, PolicyVersion.published_at, PolicyVersion.content["portal"]
            )
        )
    }
    if not versions:
        raise ServiceError(_("Nothing is published yet."))
    current = max(versions)
    pages = db.session.scalars(
        sa.select(PolicyPage)
        .join(PolicyPage.version)
        .options(selectinload(PolicyPage.version).load_only(PolicyVersion.number))
        .order_by(PolicyVersion.number, PolicyPage.language)
    )
    for page in pages:
        base = directory / page.language / "cookies"
        number = page.version.number
        html, data = page.html, page.json
        successor = min((later for later in versions if later > number), default=None)
        if successor is not None:
            replaced_at, portal = versions[successor]
            html = mark_superseded_page(
                html, page.language, successor=successor, replaced_at=replaced_at, portal=portal
            )
            data = mark_superseded_json(data, successor=successor)
        stored = successor is None
        written += _write_page(
            base / "v" / str(number) / "index.html", html, page.html_gzip if stored else None
        )
        written += _write_page(
            base / "v" / f"{number}.json", data, page.json_gzip if stored else None
        )
        if number == current:
            written += _write_page(base / "index.html", page.html, page.html_gzip)
            written += _write_page(
                directory / page.language / "cookies.json", page.json, page.json_gzip
            )
            written += _write_page(
                base / "changes" / "index.html", page.changes_html, page.changes_gzip
            )
    # The pages link /static/...: the app's static folder, at the same paths.
    for path in (STYLESHEET, FAVICON):
        name = path.removeprefix("/static/")
        source = Path(current_app.static_folder) / name
        written.append(_write(directory / "static" / name, source.read_bytes()))
    return written
