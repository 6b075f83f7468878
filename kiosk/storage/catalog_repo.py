"""Products in the database: import (all or nothing), listing, prices and stock."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.checkout.catalog import Catalog, Product, SoldBy
from kiosk.storage.engine import Database
from kiosk.storage.models import ProductRow, StockMovementRow
from kiosk.storage.outbox import enqueue


@dataclass(frozen=True)
class ImportSummary:
    added: int
    updated: int
    unchanged: int


def _to_product(row: ProductRow) -> Product:
    return Product(
        gtin=row.gtin,
        name_en=row.name_en,
        name_zh=row.name_zh,
        price=row.price,
        sold_by=SoldBy(row.sold_by),
        unit_weight_g=row.unit_weight_g,
        weight_tolerance_g=row.weight_tolerance_g,
        min_age=row.min_age,
        not_bagged=row.not_bagged,
        tax_category=row.tax_category,
        stock=row.stock,
        plu=row.plu,
        category=row.category,
    )


_FIELDS = (
    "name_en",
    "name_zh",
    "price",
    "sold_by",
    "unit_weight_g",
    "weight_tolerance_g",
    "min_age",
    "not_bagged",
    "tax_category",
    "plu",
    "category",
)


def import_products(
    db: Database, products: Iterable[Product], *, now: datetime | None = None
) -> ImportSummary:
    """Insert or update products in one transaction. A changed stock figure is recorded as
    an adjustment movement, so stock always equals initial stock plus its movements."""
    now = now or datetime.now(UTC)
    added = updated = unchanged = 0
    with db.write() as s:
        existing = {r.gtin: r for r in s.scalars(select(ProductRow))}
        for p in products:
            values = {f: getattr(p, f) for f in _FIELDS}
            values["sold_by"] = p.sold_by.value
            row = existing.get(p.gtin)
            if row is None:
                s.add(
                    ProductRow(
                        gtin=p.gtin, stock=p.stock, initial_stock=p.stock, updated_at=now, **values
                    )
                )
                added += 1
                continue
            changed = any(getattr(row, k) != v for k, v in values.items())
            for k, v in values.items():
                setattr(row, k, v)
            if row.stock != p.stock:
                _move_stock(s, row, p.stock - row.stock, "adjust", None, now)
                changed = True
            if changed:
                row.updated_at = now
                updated += 1
            else:
                unchanged += 1
    return ImportSummary(added, updated, unchanged)


def _move_stock(
    s: Session, row: ProductRow, delta: int, reason: str, sale_id: str | None, now: datetime
) -> None:
    row.stock += delta
    s.add(StockMovementRow(gtin=row.gtin, delta=delta, reason=reason, sale_id=sale_id, at=now))


def move_stock(
    s: Session, gtin: str, delta: int, reason: str, *, sale_id: str | None, now: datetime
) -> ProductRow:
    row = s.get(ProductRow, gtin)
    if row is None:
        raise KeyError(f"no product {gtin}")
    _move_stock(s, row, delta, reason, sale_id, now)
    return row


def restock(
    db: Database, gtin: str, quantity: int, *, staff_id: str | None, now: datetime | None = None
) -> int:
    now = now or datetime.now(UTC)
    with db.write() as s:
        row = move_stock(s, gtin, quantity, "restock", sale_id=None, now=now)
        enqueue(
            s,
            "stock",
            {
                "gtin": gtin,
                "stock": row.stock,
                "delta": quantity,
                "reason": "restock",
                "staff_id": staff_id,
            },
            now,
        )
        return row.stock


def set_price(db: Database, gtin: str, price: int, *, now: datetime | None = None) -> None:
    now = now or datetime.now(UTC)
    with db.write() as s:
        row = s.get(ProductRow, gtin)
        if row is None:
            raise KeyError(f"no product {gtin}")
        row.price = price
        row.updated_at = now


def list_products(db: Database) -> list[Product]:
    with db.read() as s:
        return [
            _to_product(r)
            for r in s.scalars(select(ProductRow).order_by(ProductRow.category, ProductRow.name_en))
        ]


def load_catalog(db: Database) -> Catalog:
    return Catalog(list_products(db))
