"""`kiosk simulate SCENARIO.toml`: drive the real session, storage and payments headless."""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

import click
from tqdm import tqdm

from kiosk.cli.options import EXIT_PROBLEM, config_option, db_option, load_or_exit


@click.command("simulate")
@click.argument("scenario_file", type=click.Path(path_type=Path))
@click.option("--repeat", default=1, show_default=True, type=click.IntRange(1, 1_000_000))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary instead of receipts.")
@config_option
@db_option
def simulate(
    scenario_file: Path, repeat: int, as_json: bool, config_path: Path | None, db_url: str | None
) -> None:
    """Run SCENARIO_FILE (see docs/simulator.md) REPEAT times; exit 1 if any expectation fails."""
    from kiosk.assembly import build_kiosk
    from kiosk.checkout.catalog_csv import format_price
    from kiosk.config import ConfigError
    from kiosk.simulator.runner import ScenarioRunner, VirtualClock
    from kiosk.simulator.scenario import load_scenario

    loaded = load_or_exit(config_path)
    try:
        scenario = load_scenario(scenario_file)
    except ConfigError as e:
        for problem in e.problems:
            click.echo(problem, err=True)
        sys.exit(EXIT_PROBLEM)
    clock = VirtualClock()
    kiosk = build_kiosk(
        loaded, db_url=db_url, clock=clock.monotonic, wall=clock.wall, instant_payments=True
    )
    recovered = kiosk.runtime.recover()
    if recovered:
        click.echo(f"recovered {recovered} sale(s) paid before an interruption", err=True)
    runner = ScenarioRunner(kiosk, scenario, clock)
    started = time.perf_counter()
    sales = revenue = 0
    failures: list[str] = []
    interventions: Counter[str] = Counter()
    runs = range(repeat)
    progress = tqdm(runs, desc=scenario.name, unit="run", disable=repeat < 20, file=sys.stderr)
    for index in progress:
        result = runner.run(index)
        interventions.update(result.interventions)
        failures.extend(f"run {index + 1}: {f}" for f in result.failures)
        if result.sale_id is not None:
            sales += 1
            revenue += result.total or 0
        if not as_json:
            if result.receipt:
                click.echo(result.receipt)
            for failure in result.failures:
                click.echo(f"FAILED run {index + 1}: {failure}", err=True)
            if result.sale_id is None:
                click.echo(f"run {index + 1}: no sale (ended {result.final_state})")
    wall_s = time.perf_counter() - started
    summary = {
        "scenario": scenario.name,
        "runs": repeat,
        "sales": sales,
        "revenue": format_price(revenue, loaded.currency),
        "currency": loaded.currency.code,
        "interventions": dict(sorted(interventions.items())),
        "recovered": recovered,
        "events": kiosk.runtime.stats.events,
        "failures": failures,
        "wall_s": round(wall_s, 3),
    }
    kiosk.close()
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False))
    else:
        click.echo(
            f"{scenario.name}: {repeat} run(s), {sales} sale(s), "
            f"{summary['revenue']} {loaded.currency.code}, {len(failures)} failure(s)"
        )
    sys.exit(1 if failures else 0)
