"""`fleet serve`: ingest workers, the monitor, the projector (and, later, the web console)."""

from __future__ import annotations

from pathlib import Path

import click

from fleet.commandline.options import config_option, load
from fleet.manager.service import ManagerService


@click.command("serve")
@config_option
@click.option(
    "--workers", type=click.IntRange(1, 32), default=None, help="Override manager.workers."
)
@click.option(
    "--monitor/--no-monitor", default=True, help="Presence, holes, expiries (one per host)."
)
@click.option("--projector/--no-projector", default=True, help="Sales, stock and alert rules.")
def serve(config_path: Path | None, workers: int | None, monitor: bool, projector: bool) -> None:
    """Run the fleet manager until SIGINT or SIGTERM."""
    loaded = load(config_path)
    service = ManagerService(loaded, workers=workers, monitor=monitor, projector=projector)
    click.echo(
        f"fleet manager: store {loaded.store_url}, broker "
        f"{loaded.config.broker.host}:{loaded.config.manager.port or loaded.config.broker.port}",
        err=True,
    )
    service.run_forever()
