"""``flask texts``: the policy's texts exchanged with outside translators as PO files."""

import click
from flask.cli import AppGroup

from ..service_errors import ServiceError
from ..translation import services as translation
from .common import fail

texts_cli = AppGroup(
    "texts", help="Exchange the policy's texts with outside translators as PO files."
)


@texts_cli.command("export")
@click.option(
    "--locale",
    "language",
    required=True,
    help="The language to translate into: an enabled language other than the source.",
)
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False, allow_dash=True))
def export_texts(language: str, path: str) -> None:
    """Export the texts to translate into LOCALE as a PO file.

    Every text of the policy, with its current translation into LOCALE, goes to FILE (- for
    standard output). Outdated and draft translations are marked fuzzy.
    """
    try:
        data = translation.export_po(language)
    except ServiceError as error:
        fail(error)
    with click.open_file(path, "wb", atomic=path != "-") as file:
        file.write(data)
    if path != "-":
        click.echo(f"Wrote the {language} texts to {path}.", err=True)


@texts_cli.command("import")
@click.argument(
    "path", metavar="FILE", type=click.Path(exists=True, dir_okay=False, allow_dash=True)
)
def import_texts(path: str) -> None:
    """Import a translated PO file: its texts become drafts to review.

    FILE comes from `flask texts export` (- for standard input). Prints one line per text,
    tab-separated (outcome, key, text, why), then a summary. A file that is not ours, or not
    for a translated language, is refused whole: nothing changes and the exit status is 1.
    Conflicts (the source or the translation changed since the export) and unknown keys are
    reported, not failures: the exit status is then 0.
    """
    with click.open_file(path, "rb") as file:
        data = file.read()
    try:
        report = translation.import_po(data, actor=None)
    except ServiceError as error:
        fail(error)
    for row in report.rows:
        click.echo(f"{row.outcome.value}\t{row.key}\t{row.label}\t{row.message}")
    counts = ", ".join(f"{count} {outcome.value}" for outcome, count in report.counts.items())
    click.echo(f"Imported {path} ({report.language}): {counts}.")
