"""`kiosk sales list|show|refund`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kiosk.cli.options import EXIT_PROBLEM, config_option, db_option, load_or_exit


@click.group("sales")
def sales_group() -> None:
    """Committed sales: list, show the receipt, refund."""


@sales_group.command("list")
@click.option("--limit", default=20, show_default=True)
@config_option
@db_option
def list_cmd(limit: int, config_path: Path | None, db_url: str | None) -> None:
    """The latest sales."""
    from sqlalchemy import select

    from kiosk.checkout.catalog_csv import format_price
    from kiosk.storage.engine import Database
    from kiosk.storage.models import SaleRow

    loaded = load_or_exit(config_path)
    db = Database.open(db_url or loaded.database_url)
    with db.read() as s:
        rows = list(s.scalars(select(SaleRow).order_by(SaleRow.created_at.desc()).limit(limit)))
    for r in rows:
        click.echo(
            f"{r.sale_id}  {r.created_at:%Y-%m-%d %H:%M:%S}  "
            f"{format_price(r.total, loaded.currency):>10}  {r.status}"
        )


@sales_group.command("show")
@click.argument("sale_id")
@click.option("--language", type=click.Choice(["en", "zh_CN"]), default="en")
@config_option
@db_option
def show(sale_id: str, language: str, config_path: Path | None, db_url: str | None) -> None:
    """Print a sale's receipt."""
    from kiosk.receipts.issuer import ReceiptIssuer
    from kiosk.receipts.text import render_text
    from kiosk.storage.engine import Database
    from kiosk.storage.sales import get_sale, sale_created_at

    loaded = load_or_exit(config_path)
    db = Database.open(db_url or loaded.database_url)
    sale, created = get_sale(db, sale_id), sale_created_at(db, sale_id)
    if sale is None or created is None:
        click.echo(f"no sale {sale_id}", err=True)
        sys.exit(1)
    cfg = loaded.config
    issuer = ReceiptIssuer(
        cfg.receipts, store_name=cfg.kiosk.name, kiosk_id=cfg.kiosk.id, data_dir=loaded.data_dir
    )
    click.echo(render_text(sale, issuer.context(sale, created, language, None)))


@sales_group.command("refund")
@click.argument("sale_id")
@click.option("--amount", default=None, help="Major units, e.g. 12.50 (default: all that is left).")
@click.option("--reason", required=True)
@click.option("--staff", "staff_id", required=True)
@config_option
@db_option
def refund(
    sale_id: str,
    amount: str | None,
    reason: str,
    staff_id: str,
    config_path: Path | None,
    db_url: str | None,
) -> None:
    """Refund a sale through the provider that took the money."""
    from kiosk.assembly import build_providers
    from kiosk.checkout.catalog_csv import format_price, parse_price
    from kiosk.payments.refunds import RefundRefused, refund_sale
    from kiosk.storage.engine import Database

    loaded = load_or_exit(config_path)
    db = Database.open(db_url or loaded.database_url)
    providers, _ = build_providers(loaded, db, instant=True)
    try:
        minor = parse_price(amount, loaded.currency) if amount is not None else None
        done = refund_sale(db, providers, sale_id, amount=minor, reason=reason, staff_id=staff_id)
    except (RefundRefused, ValueError) as e:
        click.echo(f"refund refused: {e}", err=True)
        sys.exit(EXIT_PROBLEM)
    click.echo(
        f"refunded {format_price(done.amount, loaded.currency)} ({done.status.value}), "
        f"reference {done.reference}"
    )
