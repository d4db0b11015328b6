"""``flask users``, ``flask demo``, ``flask texts``, ``flask policy``, ``flask portal``,
``flask backup``, ``flask translate``: the command line of DESIGN.md §5."""

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import click
from babel.messages.frontend import CommandLineInterface
from flask import Flask
from flask.cli import AppGroup

from . import backup
from .auth import services as auth_services
from .config import PROJECT_ROOT, TRANSLATIONS_PATH
from .demo import load_demo_portal
from .models import Role
from .portal import get_settings, portal_values, update_portal
from .publishing import services as publishing
from .service_errors import ServiceError
from .translation import services as translation
from .users import services as users

users_cli = AppGroup("users", help="Manage the accounts that may log in.")
demo_cli = AppGroup("demo", help="The demo portal.")
translate_cli = AppGroup("translate", help="The interface's own translation catalogs.")
texts_cli = AppGroup(
    "texts", help="Exchange the policy's texts with outside translators as PO files."
)
policy_cli = AppGroup("policy", help="Check, publish and export the cookie policy.")


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _fail(error: ServiceError) -> None:
    raise click.ClickException(error.message)


ROLE_CHOICE = click.Choice([role.value for role in Role])


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=ROLE_CHOICE, required=True, help="What the account may do.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email: str, role: str, password_stdin: bool) -> None:
    """Create an account."""
    try:
        user = users.create_user(email, role, _read_password(password_stdin))
    except ServiceError as error:
        _fail(error)
    click.echo(f"Created {user.email} ({user.role.value}).")


@users_cli.command("list")
def list_users() -> None:
    """List every account."""
    for user in users.list_users():
        state = "active" if user.active else "deactivated"
        click.echo(f"{user.email}\t{user.role.value}\t{state}")


def _existing_user(email: str):
    user = auth_services.find_user(email)
    if user is None:
        raise click.ClickException(f"No account with the e-mail {email}.")
    return user


@users_cli.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_password(email: str, password_stdin: bool) -> None:
    """Set an account's password; its open sessions are logged out."""
    user = _existing_user(email)
    try:
        auth_services.change_password(user, _read_password(password_stdin))
    except ServiceError as error:
        _fail(error)
    click.echo(f"Password changed for {user.email}.")


@users_cli.command("set-role")
@click.argument("email")
@click.argument("role", type=ROLE_CHOICE)
def set_role(email: str, role: str) -> None:
    """Change what an account may do; the last active administrator stays one."""
    user = _existing_user(email)
    try:
        users.change_role(user, role, actor=None)
    except ServiceError as error:
        _fail(error)
    click.echo(f"{user.email} is now {user.role.value}.")


@users_cli.command("deactivate")
@click.argument("email")
def deactivate(email: str) -> None:
    """Stop an account from logging in, at once; the last active administrator stays."""
    user = _existing_user(email)
    try:
        users.deactivate(user, actor=None)
    except ServiceError as error:
        _fail(error)
    click.echo(f"Deactivated {user.email}.")


@users_cli.command("reactivate")
@click.argument("email")
def reactivate(email: str) -> None:
    """Let a deactivated account log in again."""
    user = _existing_user(email)
    try:
        users.reactivate(user, actor=None)
    except ServiceError as error:
        _fail(error)
    click.echo(f"Reactivated {user.email}.")


@demo_cli.command("load")
def load_demo() -> None:
    """Create the demo portal (idempotent): settings, categories, cookies, texts, accounts."""
    report = load_demo_portal()
    for line in report:
        click.echo(line)


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
        _fail(error)
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
        _fail(error)
    for row in report.rows:
        click.echo(f"{row.outcome.value}\t{row.key}\t{row.label}\t{row.message}")
    counts = ", ".join(f"{count} {outcome.value}" for outcome, count in report.counts.items())
    click.echo(f"Imported {path} ({report.language}): {counts}.")


@policy_cli.command("check")
def check_policy() -> None:
    """Print the publishing gate's report, one problem a line; exit 1 on any error."""
    lines = publishing.describe(publishing.gate_report())
    for line in lines:
        state = " (dismissed)" if line.problem.dismissed else ""
        click.echo(f"{line.problem.severity.value}{state}\t{line.problem.check}\t{line.text}")
    click.echo(_publication_status())
    errors = sum(line.problem.is_error for line in lines)
    warnings = len(lines) - errors
    click.echo(
        f"{errors} error{'' if errors == 1 else 's'}, "
        f"{warnings} warning{'' if warnings == 1 else 's'}."
    )
    if errors:
        sys.exit(1)


def _publication_status() -> str:
    """Whether the draft differs from what visitors read."""
    current = publishing.current_version()
    if current is None:
        return "To publish: the first version."
    if publishing.nothing_to_publish():
        return f"Nothing to publish: the draft is what visitors read (version {current.number})."
    size = publishing.draft_diff().size
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
        _fail(error)
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
        _fail(error)
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
        _fail(error)
    click.echo(f"Wrote {len(paths)} files to {directory}.")


def _babel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", *args])


@translate_cli.command("extract")
def extract() -> None:
    """Collect the interface's messages into translations/messages.pot."""
    _babel(
        "extract",
        "-F",
        str(PROJECT_ROOT / "babel.cfg"),
        "-k",
        "_l",
        "--no-location",
        "--sort-output",
        "--project",
        "portal-cookies",
        "--ignore-dirs",
        ".* __pycache__ node_modules",
        "-o",
        str(TRANSLATIONS_PATH / "messages.pot"),
        str(PROJECT_ROOT),
    )


@translate_cli.command("update")
def update() -> None:
    """Extract, then merge new messages into every catalog."""
    extract.callback()
    _babel(
        "update",
        "-i",
        str(TRANSLATIONS_PATH / "messages.pot"),
        "-d",
        str(TRANSLATIONS_PATH),
        "--ignore-obsolete",
    )


@translate_cli.command("compile")
def compile_catalogs() -> None:
    """Compile the catalogs the app reads."""
    _babel("compile", "-d", str(TRANSLATIONS_PATH))


@translate_cli.command("init")
@click.argument("language")
def init(language: str) -> None:
    """Start a catalog for a new interface language."""
    extract.callback()
    _babel(
        "init",
        "-i",
        str(TRANSLATIONS_PATH / "messages.pot"),
        "-d",
        str(TRANSLATIONS_PATH),
        "-l",
        language,
    )


portal_cli = AppGroup("portal", help="The portal's own settings.")


@portal_cli.command("show")
def show_portal() -> None:
    """Print the portal's settings."""
    for key, value in portal_values(get_settings()).items():
        if isinstance(value, list):
            value = ",".join(value)
        elif isinstance(value, bool):
            value = "yes" if value else "no"
        # A postal address keeps its lines apart without breaking the "key<TAB>value" lines.
        click.echo(f"{key}\t{(value or '')}".replace("\n", " / "))


@portal_cli.command("set")
@click.option("--name", help="The portal's name, as the policy page shows it.")
@click.option("--base-url", help="The portal's public address.")
@click.option("--source-language", help="The texts' language; only while no text exists.")
@click.option("--languages", help="Enabled languages, comma-separated (fr,en,de).")
@click.option("--controller-name", help="The body responsible for the processing.")
@click.option("--controller-address", help="Its postal address (\\n between lines).")
@click.option("--contact-email", help="Contact for privacy questions; empty to remove.")
@click.option("--dpo-email", help="The data protection officer's e-mail; empty to remove.")
@click.option("--privacy-policy-url", help="The portal's privacy policy; empty to remove.")
@click.option("--consent-centre-url", help="The consent-management centre; empty to remove.")
@click.option("--complaint-url", help="The supervisory authority's complaint page.")
@click.option("--time-zone", help="An IANA time zone, e.g. Europe/Paris.")
@click.option("--review-required/--no-review-required", default=None, help="Translation review.")
@click.option(
    "--disable-published",
    is_flag=True,
    help="Disable a language even though the published policy has pages in it.",
)
def set_portal(languages, controller_address, disable_published, **values) -> None:
    """Change the portal's settings; options left out stay as they are."""
    if languages is not None:
        values["languages"] = languages.split(",")
    if controller_address is not None:
        values["controller_address"] = controller_address.replace("\\n", "\n")
    try:
        update_portal(actor=None, confirm_disabling=disable_published, **values)
    except ServiceError as error:
        _fail(error)
    show_portal.callback()


backup_cli = AppGroup("backup", help="Back up the whole portal to one file, and restore it.")


@contextmanager
def _complete_file(path: str) -> Iterator[BinaryIO]:
    """Write to a new file beside ``path`` (readable by its owner only) and put it in place
    once complete, so a failed write leaves an older file of that name intact; ``-`` is
    standard output. Click's own atomic files replace the target even after an error."""
    if path == "-":
        yield click.get_binary_stream("stdout")
        return
    target = Path(path)
    with tempfile.NamedTemporaryFile(
        dir=target.parent, prefix=f".{target.name}.", delete=False
    ) as file:
        try:
            yield file
        except BaseException:
            file.close()
            os.unlink(file.name)
            raise
    os.replace(file.name, target)


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
        with _complete_file(path) as file:
            counts = backup.write_backup(file, with_passwords=with_passwords)
    except ServiceError as error:
        _fail(error)
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
        _fail(error)
    click.echo(f"Restored {_row_count(restored.counts)} from {path}.")
    if not restored.with_passwords:
        click.echo(
            "The backup has no passwords: no account can log in until you give it one, "
            "with `flask users set-password EMAIL`."
        )


def register(app: Flask) -> None:
    groups = (users_cli, demo_cli, texts_cli, policy_cli, portal_cli, backup_cli, translate_cli)
    for group in groups:
        app.cli.add_command(group)
