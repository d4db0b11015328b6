"""``flask backup``: the whole portal to one file, and back."""

import click
from flask.cli import AppGroup

from .. import backup
from ..service_errors import ServiceError
from .common import complete_file, fail

backup_cli = AppGroup("backup", help="Back up the whole portal to one file, and restore it.")


def _row_count(counts: dict[str, int]) -> str:
    total = sum(counts.values())
    return f"{total} row{'' if total == 1 else 's'} in {len(counts)} tables"


@backup_cli.command("export")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "--with-passwords",
    is_flag=True,
    help="Include the accounts' password hashes; the file is then a secret.",
)
def export_backup(path: str, with_passwords: bool) -> None:
    """Write the whole portal to FILE (- for standard output) as one JSON document.

    Settings, accounts, inventory, every text version, every published version with its
    pages, dismissed warnings and the audit trail (docs/backup.md). Without --with-passwords
    the accounts come back locked: an administrator sets new passwords after the restore.
    """
    try:
        with complete_file(path) as file:
            counts = backup.write_backup(file, with_passwords=with_passwords)
    except ServiceError as error:
        fail(error)
    click.echo(f"Wrote {_row_count(counts)} to {path}.", err=True)
    if with_passwords:
        click.echo(
            f"{path} holds the accounts' password hashes: keep it as secret as the database.",
            err=True,
        )


@backup_cli.command("import")
@click.argument(
    "path", metavar="FILE", type=click.Path(exists=True, dir_okay=False, allow_dash=True)
)
def import_backup(path: str) -> None:
    """Restore FILE, written by `flask backup export`, into an empty database.

    The database must be migrated (`flask db upgrade`) and hold no row. A damaged or foreign
    file, a newer format, another schema revision or rows the database refuses change
    nothing: the exit status is then 1.
    """
    with click.open_file(path, "rb") as file:
        data = file.read()
    try:
        restored = backup.restore_backup(data)
    except ServiceError as error:
        fail(error)
    click.echo(f"Restored {_row_count(restored.counts)} from {path}.")
    if not restored.with_passwords:
        click.echo(
            "The backup has no passwords: no account can log in until you give it one, "
            "with `flask users set-password EMAIL`."
        )
