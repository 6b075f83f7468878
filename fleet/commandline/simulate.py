"""`fleet simulate`: many simulated kiosks (the real agent code) over real MQTT."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import click

from fleet.commandline.options import config_option, load
from fleet.sim.run import SimSettings, Simulation, kiosk_ids
from fleet.sim.stack import LocalStack
from fleet.store.database import open_store


@click.command("simulate")
@config_option
@click.option("--kiosks", type=click.IntRange(1, 20_000), default=20, show_default=True)
@click.option(
    "--rate",
    type=click.FloatRange(0),
    default=10.0,
    show_default=True,
    help="Outbox events per second, all kiosks together.",
)
@click.option(
    "--duration",
    type=click.FloatRange(1),
    default=30.0,
    show_default=True,
    help="Seconds of selling (then the outboxes drain).",
)
@click.option(
    "--heartbeat",
    type=click.FloatRange(0.5),
    default=10.0,
    show_default=True,
    help="Seconds between health messages per kiosk.",
)
@click.option(
    "--spawn/--no-spawn",
    default=True,
    show_default=True,
    help="Start a private Mosquitto (shipped limits and ACL) and manager; with "
    "--no-spawn use the broker and store of --config (anonymous broker only).",
)
@click.option("--workers", type=click.IntRange(1, 32), default=2, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def simulate(
    config_path: Path | None,
    kiosks: int,
    rate: float,
    duration: float,
    heartbeat: float,
    spawn: bool,
    workers: int,
    seed: int,
    as_json: bool,
) -> None:
    """Simulated kiosks selling and sending health; then every event accounted for."""
    settings = SimSettings(kiosks, rate, duration, heartbeat_s=heartbeat, seed=seed)

    def progress(message: str) -> None:
        click.echo(message, err=True)

    if spawn:
        with tempfile.TemporaryDirectory() as tmp:
            base = load(config_path) if config_path else None
            stack = LocalStack(
                Path(tmp),
                kiosk_ids(kiosks),
                workers=workers,
                base=base,
                broker={"keepalive_s": 120},
            )
            with stack:
                sim = Simulation(
                    stack.loaded, settings, password=stack.kiosk_password, progress=progress
                )
                report = sim.run()
                assert stack.manager is not None
                report = sim.audit(stack.manager.db, report)
    else:
        loaded = load(config_path)
        sim = Simulation(loaded, settings, progress=progress)
        report = sim.run()
        report = sim.audit(open_store(loaded.store_url), report)
    if as_json:
        click.echo(json.dumps(report.as_dict()))
        return
    click.echo(
        f"kiosks {report.kiosks}, {report.duration_s:.0f}s\n"
        f"sent {report.sent}, acknowledged {report.acknowledged}, "
        f"lost {report.lost}, duplicated {report.duplicated} "
        f"(redelivered and acknowledged again: {report.redelivered}; "
        f"still in outboxes: {report.unacknowledged})\n"
        f"health sent {report.health_sent}, stored {report.health_stored}, "
        f"lost {report.health_lost}; reconnects {report.reconnects}"
    )
