"""`fleet schemas`: the JSON Schemas of every message, generated from the models."""

from __future__ import annotations

import click

from fleet.messages.schemas import SCHEMA_DIR, stale, write


@click.group("schemas")
def schemas_group() -> None:
    """JSON Schemas in fleet/schemas/."""


@schemas_group.command("write")
def write_cmd() -> None:
    """Regenerate the schema files from the models."""
    for path in write():
        click.echo(f"wrote {path}")


@schemas_group.command("check")
def check_cmd() -> None:
    """Exit 1 if a schema file is missing or stale."""
    problems = stale()
    for p in problems:
        click.echo(f"{SCHEMA_DIR}/{p}", err=True)
    if problems:
        raise SystemExit(1)
    click.echo("schemas up to date")
