"""``flask catalogue``: the catalogue of known cookies that suggests what an entry says."""

import click
from flask.cli import AppGroup

from ..catalogue import services as catalogue
from ..service_errors import ServiceError
from .common import fail

catalogue_cli = AppGroup(
    "catalogue", help="The catalogue of known cookies (Open Cookie Database) behind suggestions."
)


@catalogue_cli.command("import")
@click.argument(
    "path",
    metavar="[FILE]",
    required=False,
    type=click.Path(exists=True, dir_okay=False, allow_dash=True),
)
def import_catalogue(path: str | None) -> None:
    """Make the catalogue what FILE holds, an Open Cookie Database CSV.

    Without FILE, the snapshot shipped with portal-cookies. Rows are matched on the
    catalogue's ID: new ones are added, changed ones updated, missing ones removed, in one
    transaction; the inventory is never changed. A file that is not such a CSV, or has a
    mistake, is refused whole: nothing changes and the exit status is 1.
    """
    if path is None:
        path = str(catalogue.SHIPPED_CATALOGUE)
    with click.open_file(path, "rb") as file:
        data = file.read()
    try:
        counts = catalogue.import_catalogue(data)
    except ServiceError as error:
        fail(error)
    click.echo(
        f"Catalogue imported from {path}: {counts.added} added, {counts.updated} updated, "
        f"{counts.removed} removed, {counts.unchanged} unchanged."
    )


@catalogue_cli.command("suggest")
@click.argument("name")
@click.option("--domain", help="The domain that sets the cookie, e.g. .example.org.")
def suggest(name: str, domain: str | None) -> None:
    """What the catalogue suggests for the cookie NAME, the surest first.

    One line per suggestion, tab-separated: match quality (name_and_domain, prefix,
    name_only, with "doubtful" when the match may well be another cookie), the catalogue's
    name ("*" for a prefix), provider (platform), category, duration (or the catalogue's text
    to confirm), privacy link, description, source and its ID. Exit status 1 when the
    catalogue knows nothing of NAME.
    """
    suggestions = catalogue.suggest(name, domain)
    if not suggestions:
        size = catalogue.catalogue_size()
        hint = "" if size else " (the catalogue is empty: run `flask catalogue import`)"
        raise click.ClickException(f"The catalogue suggests nothing for {name}{hint}.")
    for suggestion in suggestions:
        quality = suggestion.quality.value + (" doubtful" if suggestion.doubtful else "")
        duration = (
            str(suggestion.duration)
            if suggestion.duration
            else f"to confirm: {suggestion.retention or 'not given'}"
        )
        fields = (
            quality,
            suggestion.name + ("*" if suggestion.wildcard else ""),
            f"{suggestion.provider} ({suggestion.platform})",
            suggestion.category,
            duration,
            suggestion.privacy_url or "no privacy link",
            suggestion.description,
            f"{suggestion.source} {suggestion.source_id}",
        )
        click.echo("\t".join(field.replace("\t", " ") for field in fields))
