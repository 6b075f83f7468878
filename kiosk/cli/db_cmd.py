"""`kiosk db check|migrate`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kiosk.cli.options import config_option, load_or_exit


def _url(config_path: Path | None, db_url: str | None) -> str:
    return db_url or load_or_exit(config_path).database_url


@click.group("db")
def db_group() -> None:
    """Database integrity and migrations."""


@db_group.command("check")
@config_option
@click.option("--db", "db_url", default=None, help="Database URL (default: from the config).")
def check_cmd(config_path: Path | None, db_url: str | None) -> None:
    """Integrity and invariants: stock, payments, whole sales. Exit 1 naming any breach."""
    from kiosk.storage.check import check
    from kiosk.storage.engine import Database

    db = Database.open(_url(config_path, db_url), migrate=False)
    report = check(db)
    for note in report.notes:
        click.echo(f"note: {note}")
    for breach in report.breaches:
        click.echo(f"BREACH: {breach}", err=True)
    click.echo(
        f"{report.sales} sales, {report.products} products: {'OK' if report.ok else 'FAILED'}"
    )
    sys.exit(0 if report.ok else 1)


@db_group.command("migrate")
@config_option
@click.option("--db", "db_url", default=None, help="Database URL (default: from the config).")
def migrate_cmd(config_path: Path | None, db_url: str | None) -> None:
    """Bring the schema up to date."""
    from kiosk.storage.engine import Database
    from kiosk.storage.migrate import current_revision, head_revision, upgrade

    db = Database.open(_url(config_path, db_url), migrate=False)
    before = current_revision(db.engine)
    upgrade(db.engine)
    click.echo(f"schema {before or 'empty'} -> {head_revision()}")
