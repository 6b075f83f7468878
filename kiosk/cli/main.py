"""The `kiosk` command. Each command group lives in its own module and is registered here."""

from __future__ import annotations

import logging

import click


@click.group()
@click.version_option(package_name="open-selfcheckout")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
def cli(verbose: int) -> None:
    """Self-checkout kiosk: run the app, check config, manage the catalog, simulate shoppers."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _register() -> None:
    from kiosk.cli import commands

    for command in commands.COMMANDS:
        cli.add_command(command)


_register()

if __name__ == "__main__":
    cli()
