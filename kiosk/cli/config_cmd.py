"""`kiosk config check`: validate the config, its promotions and its catalog together."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from kiosk.config import LoadedConfig

from kiosk.cli.options import EXIT_PROBLEM


@click.group("config")
def config_group() -> None:
    """Check the kiosk configuration."""


def cross_check(loaded: LoadedConfig) -> list[str]:
    """Problems that only show when the files are read together."""
    from kiosk.checkout.catalog_csv import CatalogFileError, parse_catalog

    problems: list[str] = []
    catalog_path = loaded.resolve(loaded.config.checkout.catalog_file)
    try:
        products = parse_catalog(catalog_path.read_text(encoding="utf-8"), loaded.currency)
    except FileNotFoundError:
        return [f"{loaded.path}: checkout.catalog_file: {catalog_path} not found"]
    except CatalogFileError as e:
        return [f"{catalog_path}: {err}" for err in e.errors]
    rates = loaded.pricing.tax.rates
    for p in products:
        if p.tax_category not in rates:
            problems.append(
                f"{catalog_path}: product {p.gtin} tax_category: {p.tax_category!r} has no rate "
                f"in {loaded.path} checkout.tax.rates"
            )
    known = {p.gtin for p in products}
    promo_file = loaded.resolve(loaded.config.checkout.promotions_file)
    for promo in loaded.pricing.promotions:
        gtins: tuple[str, ...] = ()
        target = getattr(promo, "target", None)
        if target is not None:
            gtins = target.gtins
        elif hasattr(promo, "parts"):
            gtins = tuple(g for part in promo.parts for g in part.target.gtins)
        elif hasattr(promo, "gtin"):
            gtins = (promo.gtin,)
        for gtin in gtins:
            if gtin not in known:
                problems.append(
                    f"{promo_file}: promotion {promo.id}: product {gtin} is not in the catalog"
                )
    return problems


@config_group.command("check")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def check(path: Path | None) -> None:
    """Validate PATH (default config/kiosk.toml); exit 2 naming every problem."""
    from kiosk.config import ConfigError, load_config

    try:
        loaded = load_config(path)
    except ConfigError as e:
        for problem in e.problems:
            click.echo(problem, err=True)
        sys.exit(EXIT_PROBLEM)
    problems = cross_check(loaded)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        sys.exit(EXIT_PROBLEM)
    click.echo(
        f"{loaded.path}: OK (kiosk {loaded.config.kiosk.id}, store {loaded.config.kiosk.store})"
    )
