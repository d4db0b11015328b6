"""``flask users``: the accounts that may log in."""

import click
from flask.cli import AppGroup

from ..auth import services as auth_services
from ..models import Role
from ..service_errors import ServiceError
from ..users import services as users
from .common import fail, read_password

users_cli = AppGroup("users", help="Manage the accounts that may log in.")

ROLE_CHOICE = click.Choice([role.value for role in Role])


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=ROLE_CHOICE, required=True, help="What the account may do.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email: str, role: str, password_stdin: bool) -> None:
    """Create an account."""
    try:
        user = users.create_user(email, role, read_password(password_stdin))
    except ServiceError as error:
        fail(error)
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
        auth_services.change_password(user, read_password(password_stdin))
    except ServiceError as error:
        fail(error)
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
        fail(error)
    click.echo(f"{user.email} is now {user.role.value}.")


@users_cli.command("deactivate")
@click.argument("email")
def deactivate(email: str) -> None:
    """Stop an account from logging in, at once; the last active administrator stays."""
    user = _existing_user(email)
    try:
        users.deactivate(user, actor=None)
    except ServiceError as error:
        fail(error)
    click.echo(f"Deactivated {user.email}.")


@users_cli.command("reactivate")
@click.argument("email")
def reactivate(email: str) -> None:
    """Let a deactivated account log in again."""
    user = _existing_user(email)
    try:
        users.reactivate(user, actor=None)
    except ServiceError as error:
        fail(error)
    click.echo(f"Reactivated {user.email}.")
