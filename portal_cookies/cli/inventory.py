"""``flask inventory``: the cookie inventory as a file (export, import), and against what a
browser really stores (drift, scan)."""

import click
from flask.cli import AppGroup

from ..inventory import services as inventory
from ..models import DriftKind, StorageKind
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


FINDING_WORDS = {
    DriftKind.UNDECLARED: "undeclared",
    DriftKind.NEVER_OBSERVED: "never observed",
    DriftKind.LONGER_LIFETIME: "longer than declared",
}


def _lifetime(seconds: int | None) -> str:
    if seconds is None:
        return "session"
    days, rest = divmod(seconds, 86400)
    return f"{days} days" if days else f"{rest} seconds"


def finding_line(finding) -> str:
    """One finding on one line: what, which cookie or entry, where it was seen."""
    what = FINDING_WORDS[finding.kind]
    party = f"{finding.party.value} party"
    if finding.kind == DriftKind.NEVER_OBSERVED:
        return f"{what}\tentry #{finding.entry.id} {finding.name}\t{finding.domain}\t{party}"
    where = f"{finding.seen_in} on {finding.page}" if finding.page else finding.seen_in
    line = f"{what}\t{finding.name}\t{finding.domain}\t{party}\t{where}"
    if finding.kind == DriftKind.LONGER_LIFETIME:
        line += f"\tkept {_lifetime(finding.lifetime_seconds)}, entry #{finding.entry.id}"
    if finding.header:
        line += f"\t{finding.header}"
    return line


def print_drift_report(report: inventory.DriftReport) -> None:
    """A line per finding, then a summary; the scanner prints its report the same way."""
    for finding in report.findings:
        click.echo(finding_line(finding))
    counts = {kind: len(report.of_kind(kind)) for kind in DriftKind}
    click.echo(
        f"{report.cookie_count} cookies seen {report.observation_count} times, judged against "
        f"{report.portal_host}: "
        + ", ".join(f"{count} {FINDING_WORDS[kind]}" for kind, count in counts.items())
        + "."
    )


@inventory_cli.command("drift")
@click.argument("file", type=click.File("rb"))
def drift(file) -> None:
    """Compare a HAR or cookies.txt FILE with the inventory and keep it as the latest drift
    report; exit 1 when anything drifts."""
    try:
        report = inventory.drift_report_from_file(file, source=file.name, actor=None)
    except ServiceError as error:
        fail(error)
    print_drift_report(report)
    if report.drifts:
        raise SystemExit(1)


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
    try:
        report = inventory.build_drift_report(
            result.observations,
            # The scanner sees web storage too: a declared key it never saw is unobserved.
            {StorageKind.HTTP_COOKIE, StorageKind.LOCAL_STORAGE, StorageKind.SESSION_STORAGE},
        )
        inventory.record_drift_report(report, source=url, actor=None)
    except ServiceError as error:
        fail(error)
    print_drift_report(report)
    if report.drifts:
        raise SystemExit(1)
