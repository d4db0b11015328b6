"""``flask portal`` and ``flask demo``: the portal's own settings, and the demo portal."""

import click
from flask.cli import AppGroup

from ..demo import load_demo_portal
from ..portal import get_settings, portal_values, update_portal
from ..service_errors import ServiceError
from .common import fail

demo_cli = AppGroup("demo", help="The demo portal.")


@demo_cli.command("load")
def load_demo() -> None:
    """Create the demo portal (idempotent): settings, categories, cookies, texts, accounts."""
    report = load_demo_portal()
    for line in report:
        click.echo(line)


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
        fail(error)
    show_portal.callback()
