"""``flask inventory``: the inventory against what a browser really stores."""

import sys

import click
from flask.cli import AppGroup

from ..inventory import services as inventory
from ..service_errors import ServiceError
from .common import fail

inventory_cli = AppGroup("inventory", help="The cookie inventory: exchange, drift, scan.")


def _report_drift(result: inventory.ScanResult) -> bool:
    """Whether anything drifts from the inventory.

    Stand-in until the drift report (issue 11, point 3) joins this branch: it becomes
    ``inventory.build_drift_report(result.observations)``, printed as ``flask inventory
    drift`` prints it. Until then, anything observed counts, as against an empty inventory.
    """
    return bool(result.observations)


@inventory_cli.command("scan")
@click.argument("url")
@click.option(
    "--pages",
    default=20,
    show_default=True,
    type=click.IntRange(min=1),
    help="Open at most this many addresses of the site.",
)
@click.option(
    "--same-site",
    is_flag=True,
    help="Also follow links to the site's other hosts (its subdomains) and ports, on http and "
    "https; by default only the starting address's origin is followed.",
)
@click.option(
    "--har",
    "har_path",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Also write the scan's traffic to FILE as a HAR file (headers, no bodies).",
)
@click.option(
    "--timeout",
    default=15.0,
    show_default=True,
    type=click.FloatRange(min=1),
    help="Seconds to wait for each page.",
)
def scan(url: str, pages: int, same_site: bool, har_path: str | None, timeout: float) -> None:
    """Visit the site at URL in a headless Chromium, following its links, and list every
    cookie and localStorage or sessionStorage key it stores, with the page where each
    appeared first; then the drift from the inventory. Forms are never submitted. Exit 1
    when anything drifts or the site cannot be read."""
    try:
        result = inventory.scan_site(
            url, pages=pages, same_site=same_site, har_path=har_path, timeout=timeout
        )
    except ServiceError as error:
        fail(error)
    click.echo(f"Read {len(result.pages)} page{'' if len(result.pages) == 1 else 's'}:")
    for page in result.pages:
        click.echo(f"  {page}")
    for unread in result.unread:
        click.echo(f"Not read: {unread.url}: {unread.reason}")
    click.echo(f"Cookies and storage keys found: {len(result.observations)}")
    for seen in result.observations:
        click.echo(f"  {seen.storage_kind.value}\t{seen.name}\t{seen.domain}\tfirst on {seen.page}")
    if har_path:
        click.echo(f"Wrote the HAR file {har_path}.", err=True)
    if _report_drift(result):
        sys.exit(1)
