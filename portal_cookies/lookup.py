"""Rows named by an address or a form: ids people can type, bounded by what a column holds,
and pages of a list."""

from collections.abc import Sequence
from typing import Any, TypeVar

from flask import abort
from flask_sqlalchemy.pagination import Pagination

from .extensions import db

M = TypeVar("M")

# Larger ids fit no database column: such an address is simply not found.
MAX_ID = 2**31 - 1


def get_or_404(model: type[M], ident: int) -> M:
    """The row with this id, or a 404 page: never a database error for an id out of range."""
    if ident > MAX_ID:
        abort(404)
    return db.get_or_404(model, ident)


def read_id(text: str | None) -> int | None:
    """An id typed in a form or a query string, or None when it cannot be one: ASCII digits
    only (``isdigit`` alone accepts "²"), from 1 to what a column holds."""
    text = text or ""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    ident = int(text)
    return ident if 1 <= ident <= MAX_ID else None


# Rows a page may hold, whatever the configuration asks.
MAX_PAGE_SIZE = 100


def paginate(query: Any, number: int, per_page: int) -> Pagination:
    """Page ``number`` of a query's rows, counted and sliced in SQL."""

    def page(number: int) -> Pagination:
        return db.paginate(
            query, page=number, per_page=per_page, max_per_page=MAX_PAGE_SIZE, error_out=False
        )

    result = page(number)
    # Past the end (the list shrank since the link was made): show the last page.
    return page(result.pages) if result.pages and number > result.pages else result


class _SequencePage(Pagination):
    def _query_items(self) -> list[Any]:
        rows = self._query_args["rows"]
        return list(rows[self._query_offset : self._query_offset + self.per_page])

    def _query_count(self) -> int:
        return len(self._query_args["rows"])


def list_page(rows: Sequence[Any], number: int, per_page: int) -> Pagination:
    """Page ``number`` of a list already in memory, for the same ``pagination`` macro as a
    query's; past the end, the last page."""

    def page(number: int) -> Pagination:
        return _SequencePage(
            page=number, per_page=per_page, max_per_page=MAX_PAGE_SIZE, error_out=False, rows=rows
        )

    result = page(number)
    return page(result.pages) if result.pages and number > result.pages else result
