"""`fleet alerts`: list, acknowledge and resolve fleet alerts."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select

from fleet.alerts.book import AlertTransitionError, acknowledge, resolve
from fleet.commandline.options import EXIT_PROBLEM, config_option, load, store
from fleet.messages.base import utcnow
from fleet.store.models import AlertRow, AlertStatus


@click.group("alerts")
def alerts_group() -> None:
    """Fleet alerts: open -> acknowledged -> resolved."""


@alerts_group.command("list")
@config_option
@click.option(
    "--status",
    type=click.Choice([s.value for s in AlertStatus] + ["unresolved", "all"]),
    default="unresolved",
    show_default=True,
)
@click.option("--store", "store_id", default=None)
@click.option("--limit", type=click.IntRange(1), default=100, show_default=True)
def list_alerts(config_path: Path | None, status: str, store_id: str | None, limit: int) -> None:
    loaded = load(config_path)
    query = select(AlertRow).order_by(AlertRow.last_at.desc()).limit(limit)
    if status == "unresolved":
        query = query.where(AlertRow.status != AlertStatus.RESOLVED.value)
    elif status != "all":
        query = query.where(AlertRow.status == status)
    if store_id:
        query = query.where(AlertRow.store == store_id)
    with store(loaded).read() as s:
        for a in s.scalars(query):
            click.echo(
                f"{a.id:>6} {a.status:<12} {a.severity:<8} {a.rule:<18} {a.store}/{a.kiosk_id}"
                f" {a.subject} x{a.count} last {a.last_at:%Y-%m-%d %H:%M:%S} {a.detail}"
            )


def _move(config_path: Path | None, alert_id: int, by: str, resolve_it: bool) -> None:
    loaded = load(config_path)
    try:
        with store(loaded).write() as s:
            row = (resolve if resolve_it else acknowledge)(s, alert_id, by, utcnow())
            click.echo(f"alert {row.id} {row.status} by {by}")
    except AlertTransitionError as e:
        click.echo(str(e), err=True)
        raise SystemExit(EXIT_PROBLEM) from None


@alerts_group.command("ack")
@config_option
@click.argument("alert_id", type=int)
@click.option("--by", required=True, help="Who takes it.")
def ack(config_path: Path | None, alert_id: int, by: str) -> None:
    """Acknowledge an open alert (someone is on it)."""
    _move(config_path, alert_id, by, resolve_it=False)


@alerts_group.command("resolve")
@config_option
@click.argument("alert_id", type=int)
@click.option("--by", required=True)
def resolve_cmd(config_path: Path | None, alert_id: int, by: str) -> None:
    """Resolve an alert."""
    _move(config_path, alert_id, by, resolve_it=True)
