"""The `fleet` command: manager, commands, alerts, reports, keys and simulated kiosks."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from fleet.manager.service import Component, ManagerContext


@click.group()
@click.version_option(package_name="open-selfcheckout")
@click.option("-v", "--verbose", is_flag=True, help="Debug log output.")
def cli(verbose: bool) -> None:
    """Fleet operations for self-checkout kiosks."""
    level = logging.DEBUG if verbose else logging.INFO
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)


def console_factory(context: ManagerContext) -> Component:
    """The console component, imported only by the process that serves it (FastAPI, uvicorn
    and the templates are a second of CPU that the spawned ingest workers do not need)."""
    from fleet.console.component import console_factory as factory

    return factory(context)


def _register() -> None:
    from fleet.commandline.agent_cmd import agent_group
    from fleet.commandline.alerts import alerts_group
    from fleet.commandline.command import command_group
    from fleet.commandline.keys import keys_group
    from fleet.commandline.report import report_group
    from fleet.commandline.schemas_cmd import schemas_group
    from fleet.commandline.serve import serve
    from fleet.commandline.simulate import simulate
    from fleet.commandline.store_cmd import db_group, status
    from fleet.commandline.users import users_group
    from fleet.manager.service import COMPONENT_FACTORIES

    if console_factory not in COMPONENT_FACTORIES:
        COMPONENT_FACTORIES.append(console_factory)  # `fleet serve` serves the web console
    for command in (
        serve,
        status,
        command_group,
        alerts_group,
        report_group,
        keys_group,
        simulate,
        db_group,
        agent_group,
        schemas_group,
        users_group,
    ):
        cli.add_command(command)


_register()
