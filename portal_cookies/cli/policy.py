"""``flask policy``: check, publish, roll back and export the cookie policy."""

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from ..publishing import services as publishing
from ..service_errors import ServiceError
from .common import fail

policy_cli = AppGroup("policy", help="Check, publish and export the cookie policy.")


@policy_cli.command("check")
def check_policy() -> None:
    """Print the publishing gate's report, one problem a line; exit 1 on any error."""
    # The draft read once for the gate, its lines and the changes (the publishing page's own).
    report = publishing.draft_report()
    lines = report.lines
    for line in lines:
        state = " (dismissed)" if line.problem.dismissed else ""
        click.echo(f"{line.problem.severity.value}{state}\t{line.problem.check}\t{line.text}")
    click.echo(_publication_status(report))
    errors = sum(line.problem.is_error for line in lines)
    warnings = len(lines) - errors
    click.echo(
        f"{errors} error{'' if errors == 1 else 's'}, "
        f"{warnings} warning{'' if warnings == 1 else 's'}."
    )
    if errors:
        sys.exit(1)


def _publication_status(report: publishing.DraftReport) -> str:
    """Whether the draft differs from what visitors read."""
    current = publishing.current_version()
    if current is None:
        return "To publish: the first version."
    if report.nothing_to_publish:
        return f"Nothing to publish: the draft is what visitors read (version {current.number})."
    size = report.diff.size
    return f"To publish: {size} change{'' if size == 1 else 's'} since version {current.number}."


NOTE_IN = click.option(
    "--note-in",
    "note_in",
    type=(str, str),
    multiple=True,
    metavar="LANG TEXT",
    help="The note in another enabled language (repeat for each); readers of a language "
    "without one get the source language's.",
)


def _note_translations(note_in: tuple[tuple[str, str], ...]) -> dict[str, str]:
    notes: dict[str, str] = {}
    for language, text in note_in:
        if language in notes:
            raise click.UsageError(f"--note-in {language} is given twice.")
        notes[language] = text
    return notes


@policy_cli.command("publish")
@click.option(
    "--note", required=True, help="What this version changes, in the portal's source language."
)
@NOTE_IN
@click.option(
    "--renewal/--no-renewal",
    default=None,
    help="Ask visitors for their consent again, or not, instead of the computed answer.",
)
@click.option("--reason", help="Why you override the computed answer (with --[no-]renewal).")
def publish(
    note: str, note_in: tuple[tuple[str, str], ...], renewal: bool | None, reason: str | None
) -> None:
    """Publish the draft policy as the next version, unless nothing changed or the gate
    reports an error."""
    try:
        version = publishing.publish_policy(
            note=note,
            note_translations=_note_translations(note_in),
            actor=None,
            renewal_override=renewal,
            override_reason=reason,
        )
    except ServiceError as error:
        fail(error)
    size = version.change_size
    asks = "yes" if version.requires_renewed_consent else "no"
    languages = ", ".join(version.content["portal"]["languages"])
    click.echo(
        f"Published version {version.number}: {size} change{'' if size == 1 else 's'}, "
        f"renewed consent: {asks}, languages: {languages}."
    )


@policy_cli.command("rollback")
@click.argument("number", type=click.IntRange(min=1))
@click.option(
    "--note", required=True, help="Why this version comes back, in the portal's source language."
)
@NOTE_IN
def rollback(number: int, note: str, note_in: tuple[tuple[str, str], ...]) -> None:
    """Make the draft version NUMBER's content again and publish it as a new version.

    Entries added since are archived; texts and settings return to that version's, each text
    as a new text version. Afterwards there is nothing left to publish.
    """
    version = publishing.get_version(number)
    if version is None:
        raise click.ClickException(f"Version {number} does not exist.")
    try:
        restored = publishing.rollback_to(
            version, note=note, note_translations=_note_translations(note_in), actor=None
        )
    except ServiceError as error:
        fail(error)
    size = restored.change_size
    click.echo(
        f"The draft is version {number}'s content again, published as version "
        f"{restored.number}: {size} change{'' if size == 1 else 's'}."
    )


@policy_cli.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def export(directory: Path) -> None:
    """Write every published version as static HTML and JSON files into DIRECTORY.

    The layout follows the app's addresses (fr/cookies/index.html, fr/cookies.json,
    fr/cookies/changes/index.html, fr/cookies/v/1/index.html, fr/cookies/v/1.json,
    static/css/policy.css), so any web server or CDN serves the same bytes as the app.
    """
    try:
        paths = publishing.export_policy(directory)
    except ServiceError as error:
        fail(error)
    click.echo(f"Wrote {len(paths)} files to {directory}.")
