"""`kiosk staff add`: staff accounts whose PIN unlocks staff mode and overrides."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kiosk.cli.options import EXIT_PROBLEM, config_option, db_option, load_or_exit


@click.group("staff")
def staff_group() -> None:
    """Staff accounts."""


@staff_group.command("add")
@click.argument("staff_id")
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(["attendant", "supervisor"]), default="attendant")
@click.option("--pin", prompt=True, hide_input=True, confirmation_prompt=True, help="Digits only.")
@config_option
@db_option
def add(
    staff_id: str, name: str, role: str, pin: str, config_path: Path | None, db_url: str | None
) -> None:
    """Add or update STAFF_ID; the PIN is stored only as an argon2id hash."""
    from kiosk.storage.engine import Database
    from kiosk.storage.staff import add_staff

    loaded = load_or_exit(config_path)
    if not pin.isdigit() or not loaded.config.staff.pin_min_length <= len(pin) <= 12:
        click.echo(f"PIN must be {loaded.config.staff.pin_min_length} to 12 digits", err=True)
        sys.exit(EXIT_PROBLEM)
    add_staff(Database.open(db_url or loaded.database_url), staff_id, name, pin, role=role)
    click.echo(f"staff {staff_id} ({name}, {role}) saved")
