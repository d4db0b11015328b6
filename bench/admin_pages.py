"""The admin pages the benchmark times, and how: N requests each through the Flask test
client, logged in as an administrator, with the SQL statements counted.

Server time here is the whole request in one process (routing, views, queries, templates),
without a network or a WSGI server in front: what a page costs the app itself.
"""

import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from portal_cookies.extensions import db
from portal_cookies.models import CookieEntry
from portal_cookies.publishing import services as publishing


@dataclass(frozen=True)
class PageFigure:
    label: str
    url: str
    requests: int
    median_ms: float
    p95_ms: float
    queries: int
    size: int


class QueryCounter:
    """Counts the statements sent to the database while ``counting()`` is open."""

    def __init__(self, engine: sa.Engine):
        self.engine = engine
        self.count = 0

    def _seen(self, *_args: object) -> None:
        self.count += 1

    @contextmanager
    def counting(self) -> Iterator["QueryCounter"]:
        self.count = 0
        sa.event.listen(self.engine, "before_cursor_execute", self._seen)
        try:
            yield self
        finally:
            sa.event.remove(self.engine, "before_cursor_execute", self._seen)


def admin_pages() -> list[tuple[str, str]]:
    """(label, address) of the issue's admin pages on the current database; needs an app
    context and a portal with at least one entry and two published versions."""
    unit_id = db.session.scalar(
        sa.select(CookieEntry.function_unit_id).order_by(CookieEntry.id).limit(1)
    )
    numbers = sorted(version.number for version in publishing.list_versions())
    return [
        ("dashboard", "/admin/"),
        ("inventory, first page by name", "/admin/inventory/?sort=names"),
        ("translation queue", "/admin/translation/"),
        ("translation editor, one text", f"/admin/translation/{unit_id}/en"),
        ("publishing page", "/admin/publishing/"),
        ("preview", "/admin/publishing/preview/fr"),
        (
            "compare first and last version",
            f"/admin/publishing/compare?from={numbers[0]}&to={numbers[-1]}",
        ),
    ]


def log_in(client: FlaskClient, email: str, password: str) -> None:
    response = client.post("/login", data={"email": email, "password": password})
    if response.status_code != 302:
        raise RuntimeError(f"Logging in as {email} answered {response.status_code}")


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile: with few values, p95 is the slowest."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))]


def measure_page(
    app: Flask,
    client: FlaskClient,
    label: str,
    url: str,
    *,
    requests: int,
    budget_seconds: float = float("inf"),
) -> PageFigure:
    """One request to warm up, then up to ``requests`` more, fewer when they would take
    longer than ``budget_seconds`` (at least 3, or ``requests`` if fewer); the queries are
    those of the last."""
    with app.app_context():
        counter = QueryCounter(db.engine)
    started = time.perf_counter()
    response = client.get(url)
    first = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    times = []
    count = int(min(requests, max(3, budget_seconds / max(first, 1e-6))))
    for _ in range(count - 1):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    with counter.counting():
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return PageFigure(
        label=label,
        url=url,
        requests=count,
        median_ms=statistics.median(times),
        p95_ms=percentile(times, 0.95),
        queries=counter.count,
        size=len(response.data),
    )


def resident_megabytes() -> float:
    """This process's resident memory now (Linux), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")
