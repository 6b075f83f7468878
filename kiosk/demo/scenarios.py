"""`kiosk demo --scenarios`: every example shopper of config/scenarios, headless, with receipts."""

from __future__ import annotations

import os
import tempfile

import click

from kiosk.config import ENV_DATA_DIR, LoadedConfig


def run_scenarios(loaded: LoadedConfig) -> int:
    """Run them against a fresh database; returns the exit code (1 on any failure)."""
    from kiosk.assembly import build_kiosk
    from kiosk.simulator.runner import ScenarioRunner, VirtualClock
    from kiosk.simulator.scenario import load_scenario
    from kiosk.storage.check import check

    scenarios = sorted((loaded.base_dir / "scenarios").glob("*.toml"))
    previous = os.environ.get(ENV_DATA_DIR)
    try:
        with tempfile.TemporaryDirectory(prefix="kiosk-demo-") as tmp:
            os.environ[ENV_DATA_DIR] = tmp
            clock = VirtualClock()
            kiosk = build_kiosk(
                loaded, clock=clock.monotonic, wall=clock.wall, instant_payments=True
            )
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
    finally:
        if previous is None:
            os.environ.pop(ENV_DATA_DIR, None)
        else:
            os.environ[ENV_DATA_DIR] = previous
    verdict = "OK" if report.ok else "; ".join(report.breaches)
    click.secho(
        f"\n{len(scenarios)} scenarios, {failures} failure(s); database check: {verdict}", bold=True
    )
    return 1 if failures or not report.ok else 0
