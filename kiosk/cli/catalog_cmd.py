"""`kiosk catalog import|list`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kiosk.cli.options import EXIT_PROBLEM, config_option, db_option, load_or_exit


@click.group("catalog")
def catalog_group() -> None:
    """Import and list products."""


@catalog_group.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@config_option
@db_option
def import_cmd(csv_file: Path, config_path: Path | None, db_url: str | None) -> None:
    """Import CSV_FILE: every row checked; nothing is stored unless every row is good."""
    from kiosk.checkout.catalog_csv import CatalogFileError, parse_catalog
    from kiosk.storage.catalog_repo import import_products
    from kiosk.storage.engine import Database

    loaded = load_or_exit(config_path)
    try:
        products = parse_catalog(csv_file.read_text(encoding="utf-8"), loaded.currency)
    except UnicodeDecodeError as e:
        click.echo(f"{csv_file}: not UTF-8 text ({e.reason} at byte {e.start})", err=True)
        sys.exit(EXIT_PROBLEM)
    except CatalogFileError as e:
        for err in e.errors:
            click.echo(f"{csv_file}: {err}", err=True)
        click.echo(f"{csv_file}: {len(e.errors)} problem(s); nothing imported", err=True)
        sys.exit(EXIT_PROBLEM)
    db = Database.open(db_url or loaded.database_url)
    summary = import_products(db, products)
    click.echo(
        f"{csv_file}: {summary.added} added, {summary.updated} updated, "
        f"{summary.unchanged} unchanged"
    )


@catalog_group.command("list")
@config_option
@db_option
@click.option("--language", type=click.Choice(["en", "zh_CN"]), default="en")
def list_cmd(config_path: Path | None, db_url: str | None, language: str) -> None:
    """List the products in the database."""
    from kiosk.checkout.catalog_csv import format_price
    from kiosk.storage.catalog_repo import list_products
    from kiosk.storage.engine import Database

    loaded = load_or_exit(config_path)
    db = Database.open(db_url or loaded.database_url)
    currency = loaded.currency
    for p in list_products(db):
        unit = "/kg" if p.sold_by.value == "weight" else ""
        flags = " ".join(
            f
            for f in (f"{p.min_age}+" if p.min_age else "", "not-bagged" if p.not_bagged else "")
            if f
        )
        click.echo(
            f"{p.gtin}  {p.name(language)[:34]:<34} {format_price(p.price, currency):>9}{unit:<3} "
            f"stock {p.stock:>5}  {p.category:<13} {flags}"
        )
