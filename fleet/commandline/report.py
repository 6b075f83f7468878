"""`fleet report daily`: a store's sales for one day, per kiosk and product (CSV and PNG)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click

from fleet.commandline.options import EXIT_PROBLEM, config_option, load, store
from fleet.reports.daily import daily_report, major
from fleet.store.projection import Projector


@click.group("report")
def report_group() -> None:
    """Sales reports from the fleet store."""


@report_group.command("daily")
@config_option
@click.option("--store", "store_id", required=True, help="Store code, as in kiosk.toml.")
@click.option("--date", "day", required=True, help="YYYY-MM-DD, in report.timezone.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Directory for the files (default report.out_dir).",
)
def daily(config_path: Path | None, store_id: str, day: str, out_dir: Path | None) -> None:
    """Write STORE-DATE-kiosks.csv, -products.csv and -chart.png."""
    loaded = load(config_path)
    try:
        when: date = datetime.strptime(day, "%Y-%m-%d").date()
    except ValueError:
        raise click.BadParameter(f"{day!r} is not YYYY-MM-DD", param_hint="--date") from None
    try:
        tz = ZoneInfo(loaded.config.report.timezone)
    except ZoneInfoNotFoundError:
        click.echo(
            f"{loaded.path}: report.timezone: unknown zone {loaded.config.report.timezone!r}",
            err=True,
        )
        raise SystemExit(EXIT_PROBLEM) from None
    db = store(loaded)
    pending = Projector(db, loaded.config.alerts).catch_up()  # sales not yet derived
    if pending:
        click.echo(f"projected {pending} events first", err=True)
    report = daily_report(db, store_id, when, tz, out_dir or loaded.report_dir)
    total = {k.currency: 0 for k in report.kiosks}
    for k in report.kiosks:
        total[k.currency] += k.revenue
    exps = {k.currency: k.exponent for k in report.kiosks}
    summary = ", ".join(f"{major(v, exps[c])} {c}" for c, v in total.items()) or "no sales"
    click.echo(f"{store_id} {when}: {sum(k.sales for k in report.kiosks)} sales, {summary}")
    for path in report.files:
        click.echo(f"  {path}")
