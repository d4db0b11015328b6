"""``flask inventory``: the cookie inventory from the command line."""

import click
from flask.cli import AppGroup

from ..inventory import services as inventory
from ..models import DriftKind
from ..service_errors import ServiceError
from .common import fail

inventory_cli = AppGroup("inventory", help="The cookie inventory: exchange, drift, scan.")

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
