"""``flask translate``: the interface's own translation catalogs, through Babel."""

import click
from babel.messages.frontend import CommandLineInterface
from flask.cli import AppGroup

from ..config import PROJECT_ROOT, TRANSLATIONS_PATH

translate_cli = AppGroup("translate", help="The interface's own translation catalogs.")


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
