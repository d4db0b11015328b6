"""``flask inventory``: the cookie inventory as a file (export, import), and against what a
browser really stores (scan)."""

import sys

import click
from flask.cli import AppGroup

from ..inventory import services as inventory
from ..service_errors import ServiceError
from .common import complete_file, fail

inventory_cli = AppGroup("inventory", help="The cookie inventory: exchange, drift, scan.")


@inventory_cli.command("export")
@click.option(
    "--format",
    "format_",
    type=click.Choice(inventory.EXPORT_FORMATS),
    default="csv",
    show_default=True,
)
@click.option("--bom", is_flag=True, help="Start a CSV file with a byte-order mark (Excel).")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False, allow_dash=True))
def export_inventory(format_: str, bom: bool, path: str) -> None:
    """Write every entry to FILE (- for standard output): docs/inventory-format.md."""
    try:
        data = inventory.export_inventory(format_, bom=bom)
    except ServiceError as error:
        fail(error)
    with complete_file(path) as file:
        file.write(data)
    if path != "-":
        click.echo(f"Wrote the inventory to {path}.", err=True)


def echo_preview(preview: inventory.ImportPreview) -> None:
    """A line per item of the file (outcome, where, what), its changes or reasons indented,
    then the counts: the preview the browser shows."""
    for item in preview.items:
        click.echo(
            f"{item.status.value}\t{', '.join(item.places)}\t{item.kind.value}\t{item.label}"
        )
        for change in item.changes:
            click.echo(f"\t{change.field}: {change.before or '—'} -> {change.after or '—'}")
        for reason in item.reasons:
            click.echo(f"\t{reason}")
    counts = ", ".join(f"{count} {status.value}" for status, count in preview.counts.items())
    click.echo(f"{counts}.")


@inventory_cli.command("import")
@click.argument(
    "path", metavar="FILE", type=click.Path(exists=True, dir_okay=False, allow_dash=True)
)
@click.option("--apply", "apply_", is_flag=True, help="Apply the import; without it, only show it.")
@click.option(
    "--skip-invalid", is_flag=True, help="Apply the valid rows, leaving the invalid ones."
)
def import_inventory(path: str, apply_: bool, skip_invalid: bool) -> None:
    """Show what importing FILE (CSV or JSON, - for standard input) would change; --apply
    does it, in one transaction.

    The exit status is 1 when the file is refused, or has invalid rows and --skip-invalid is
    not given: then nothing changes.
    """
    with click.open_file(path, "rb") as file:
        data = file.read(inventory.MAX_IMPORT_SIZE + 1)
    try:
        preview = inventory.preview_import(data)
        echo_preview(preview)
        if apply_:
            inventory.apply_import(data, skip_invalid=skip_invalid, actor=None)
    except ServiceError as error:
        fail(error)
    if preview.invalid and not skip_invalid:
        raise click.ClickException(
            f"{len(preview.invalid)} invalid; nothing was imported "
            "(correct them, or give --skip-invalid)."
        )
    click.echo("Imported." if apply_ else "Nothing changed: give --apply to import.")


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
