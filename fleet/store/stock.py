"""Sales and stock in the fleet store: sale rows, and stock levels kept per kiosk and product.

Stock follows the kiosk: a snapshot or a stock event sets the level as of its sequence
number; a sale lowers it only if the sale is newer than what the level already reflects.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from fleet.alerts import rules
from fleet.config import AlertsConfig
from fleet.manager.inbound import SnapshotIn
from fleet.messages.events import SaleEvent, StockEvent
from fleet.store.dialect import insert_ignore, upsert
from fleet.store.models import SALE_LINES, SALES, STOCK, StockRow


def store_sales(s: Session, cfg: AlertsConfig, sales: Sequence[SaleEvent], now: datetime) -> None:
    sale_rows, line_rows, moves = [], [], []
    for e in sales:
        sale = e.payload
        sale_rows.append(
            {
                "sale_id": sale.sale_id,
                "event_id": str(e.event_id),
                "kiosk_id": e.kiosk_id,
                "store": e.store,
                "created_at": sale.created_at,
                "currency": sale.currency,
                "exponent": sale.currency_exponent,
                "items": sum(line.quantity for line in sale.lines),
                "total": sale.total,
                "tax_total": sale.tax_total,
                "discount_total": sale.discount_total,
                "amount_due": sale.amount_due,
                "method": sale.payment.method.value if sale.payment else None,
            }
        )
        for line in sale.lines:
            line_rows.append(
                {
                    "sale_id": sale.sale_id,
                    "line_no": line.line_no,
                    "gtin": line.gtin,
                    "name": line.name_en[:80],
                    "quantity": line.quantity,
                    "grams": line.grams,
                    "net": line.net,
                }
            )
            moves.append(
                {"k": e.kiosk_id, "g": line.gtin, "q": line.quantity, "sq": e.seq, "now": now}
            )
    s.execute(insert_ignore(s, SALES), sale_rows)
    if line_rows:
        s.execute(insert_ignore(s, SALE_LINES), line_rows)
    if moves and s.scalar(select(StockRow.kiosk_id).limit(1)) is not None:
        _apply_sales(s, cfg, sales, sorted(moves, key=lambda m: int(str(m["sq"]))), now)


def _apply_sales(
    s: Session,
    cfg: AlertsConfig,
    sales: Sequence[SaleEvent],
    moves: list[dict[str, object]],
    now: datetime,
) -> None:
    t = STOCK.c
    s.execute(
        update(STOCK)
        .where(t.kiosk_id == bindparam("k"), t.gtin == bindparam("g"), t.seq < bindparam("sq"))
        .values(stock=t.stock - bindparam("q"), seq=bindparam("sq"), updated_at=bindparam("now")),
        moves,
    )
    stores = {e.kiosk_id: e.store for e in sales}
    pairs = {(str(m["k"]), str(m["g"])) for m in moves}
    low = s.execute(
        select(StockRow.kiosk_id, StockRow.gtin, StockRow.name, StockRow.stock).where(
            StockRow.kiosk_id.in_({k for k, _ in pairs}),
            StockRow.gtin.in_({g for _, g in pairs}),
            StockRow.stock <= cfg.low_stock_at,
        )
    )
    levels = [
        rules.StockLevel(r.kiosk_id, stores[r.kiosk_id], r.gtin, r.name, r.stock)
        for r in low
        if (r.kiosk_id, r.gtin) in pairs
    ]
    rules.on_stock_levels(s, cfg, levels, now, clear=False)


def store_stock_events(
    s: Session, cfg: AlertsConfig, events: Sequence[StockEvent], now: datetime
) -> None:
    rows = [
        {
            "kiosk_id": e.kiosk_id,
            "gtin": e.payload.gtin,
            "name": "",
            "stock": e.payload.stock,
            "seq": e.seq,
            "updated_at": now,
        }
        for e in sorted(events, key=lambda e: e.seq)
    ]
    stmt = upsert(s, STOCK, ("kiosk_id", "gtin"), ("stock", "seq", "updated_at"), newer="seq")
    for row in rows:  # one by one: two changes of one product in a batch must both apply
        s.execute(stmt, row)
    names = {
        (r.kiosk_id, r.gtin): r.name
        for r in s.execute(
            select(StockRow.kiosk_id, StockRow.gtin, StockRow.name).where(
                StockRow.gtin.in_({e.payload.gtin for e in events})
            )
        )
    }
    levels = [
        rules.StockLevel(
            e.kiosk_id,
            e.store,
            e.payload.gtin,
            names.get((e.kiosk_id, e.payload.gtin), ""),
            e.payload.stock,
        )
        for e in events
    ]
    rules.on_stock_levels(s, cfg, levels, now, clear=True)


def store_snapshot(s: Session, cfg: AlertsConfig, item: SnapshotIn, now: datetime) -> None:
    snap = item.snapshot
    rows = [
        {
            "kiosk_id": snap.kiosk_id,
            "gtin": level.gtin,
            "name": level.name,
            "stock": level.stock,
            "seq": snap.last_seq,
            "updated_at": now,
        }
        for level in snap.items
    ]
    if rows:
        stmt = upsert(
            s,
            STOCK,
            ("kiosk_id", "gtin"),
            ("name", "stock", "seq", "updated_at"),
            newer="seq",
        )
        s.execute(stmt, rows)
    levels = [
        rules.StockLevel(snap.kiosk_id, snap.store, level.gtin, level.name, level.stock)
        for level in snap.items
    ]
    rules.on_stock_levels(s, cfg, levels, now, clear=True)
