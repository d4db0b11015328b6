"""``flask inventory``: the cookie inventory as a file (export, import)."""

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
