"""`kiosk demo`: show the system working on this machine with no hardware."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import click

from kiosk.cli.options import config_option, load_or_exit


@click.command("demo")
@click.option(
    "--headless", is_flag=True, default=True, help="Run the example shoppers without a window."
)
@config_option
def demo(headless: bool, config_path: Path | None) -> None:
    """Run every example scenario in config/scenarios against a fresh database."""
    import os

    from kiosk.assembly import build_kiosk
    from kiosk.simulator.runner import ScenarioRunner, VirtualClock
    from kiosk.simulator.scenario import load_scenario
    from kiosk.storage.check import check

    loaded = load_or_exit(config_path)
    scenarios = sorted((loaded.base_dir / "scenarios").glob("*.toml"))
    with tempfile.TemporaryDirectory(prefix="kiosk-demo-") as tmp:
        os.environ["KIOSK_DATA_DIR"] = tmp
        clock = VirtualClock()
        kiosk = build_kiosk(loaded, clock=clock.monotonic, wall=clock.wall, instant_payments=True)
        failures = 0
        for path in scenarios:
            scenario = load_scenario(path)
            click.secho(f"\n=== {scenario.name} ===", bold=True)
            click.echo(scenario.description)
            result = ScenarioRunner(kiosk, scenario, clock).run(0)
            if result.interventions:
                click.echo(
                    "interventions: "
                    + ", ".join(f"{k} x{v}" for k, v in result.interventions.items())
                )
            if result.receipt:
                click.echo(result.receipt)
            for failure in result.failures:
                failures += 1
                click.secho(f"FAILED: {failure}", fg="red")
        report = check(kiosk.db)
        kiosk.close()
    verdict = "OK" if report.ok else "; ".join(report.breaches)
    click.secho(
        f"\n{len(scenarios)} scenarios, {failures} failure(s); database check: {verdict}", bold=True
    )
    sys.exit(1 if failures or not report.ok else 0)
