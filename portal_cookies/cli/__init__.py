"""The command line of DESIGN.md §5: one module per command group.

``flask users``, ``flask demo``, ``flask portal``, ``flask texts``, ``flask policy``,
``flask backup``, ``flask translate``, ``flask inventory``.
"""

from flask import Flask

from .accounts import users_cli
from .backup import backup_cli
from .catalogs import translate_cli
from .inventory import inventory_cli
from .policy import policy_cli
from .portal import demo_cli, portal_cli
from .texts import texts_cli

GROUPS = (
    users_cli,
    demo_cli,
    texts_cli,
    policy_cli,
    portal_cli,
    backup_cli,
    translate_cli,
    inventory_cli,
)


def register(app: Flask) -> None:
    for group in GROUPS:
        app.cli.add_command(group)
