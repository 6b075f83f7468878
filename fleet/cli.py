"""The `fleet` command: manager, reports, users and simulated kiosks."""

import click


@click.group()
@click.version_option(package_name="open-selfcheckout")
def cli() -> None:
    """Fleet operations for self-checkout kiosks."""
