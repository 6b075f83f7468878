"""`kiosk db check`: database integrity and the invariants every committed sale must keep."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from kiosk.checkout.rules import TaxMode
from kiosk.storage.engine import Database
from kiosk.storage.migrate import HEAD, current_revision
from kiosk.storage.models import (
    CounterRow,
    OutboxRow,
    PaymentRow,
    ProductRow,
    SaleLineRow,
    SaleRow,
    StockMovementRow,
)
from kiosk.storage.outbox import SEQ_COUNTER
from kiosk.storage.payments import TAKEN, UNRESOLVED


@dataclass
class CheckReport:
    breaches: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sales: int = 0
    products: int = 0

    @property
    def ok(self) -> bool:
        return not self.breaches


def check(db: Database) -> CheckReport:
    report = CheckReport()
    if db.is_sqlite:
        _sqlite_integrity(db, report)
    revision = current_revision(db.engine)
    if revision is None:
        # A kiosk stopped before its first migration committed: nothing was ever stored.
        report.notes.append("no schema yet: the database was never migrated (kiosk db migrate)")
        return report
    if revision != HEAD:
        report.breaches.append(
            f"schema at revision {revision}, expected {HEAD}: run kiosk db migrate"
        )
        return report
    with db.read() as s:
        report.products = int(s.scalar(select(func.count()).select_from(ProductRow)) or 0)
        report.sales = int(s.scalar(select(func.count()).select_from(SaleRow)) or 0)
        _stock(s, report)
        _sales(s, report)
        _payments(s, report)
        _outbox(s, report)
    return report


def _sqlite_integrity(db: Database, report: CheckReport) -> None:
    with db.engine.connect() as conn:
        result = [r[0] for r in conn.execute(text("PRAGMA integrity_check"))]
        if result != ["ok"]:
            report.breaches.append("sqlite integrity_check: " + "; ".join(map(str, result[:5])))
        fk = list(conn.execute(text("PRAGMA foreign_key_check")))
        if fk:
            report.breaches.append(f"{len(fk)} rows break foreign keys, first: {tuple(fk[0])}")


def _stock(s: Session, report: CheckReport) -> None:
    moved: dict[str, int] = dict(
        list(
            s.execute(
                select(StockMovementRow.gtin, func.sum(StockMovementRow.delta)).group_by(
                    StockMovementRow.gtin
                )
            ).tuples()
        )
    )
    for p in s.scalars(select(ProductRow)):
        expected = p.initial_stock + int(moved.get(p.gtin, 0) or 0)
        if p.stock != expected:
            report.breaches.append(
                f"stock of {p.gtin} is {p.stock} but initial stock plus movements is {expected}"
            )


def _sales(s: Session, report: CheckReport) -> None:
    lines: dict[str, list[SaleLineRow]] = defaultdict(list)
    for line in s.scalars(select(SaleLineRow)):
        lines[line.sale_id].append(line)
    sold: dict[tuple[str, str], int] = defaultdict(int)
    for sale_id, gtin, delta in s.execute(
        select(StockMovementRow.sale_id, StockMovementRow.gtin, StockMovementRow.delta).where(
            StockMovementRow.reason == "sale"
        )
    ).tuples():
        if sale_id is None:
            report.breaches.append(f"a sale stock movement of {gtin} names no sale")
            continue
        sold[(sale_id, gtin)] += delta
    outboxed = set(s.scalars(select(OutboxRow.event_id)))
    sessions: dict[str, str] = {}
    for sale in s.scalars(select(SaleRow)):
        mine = lines.pop(sale.sale_id, [])
        if not mine:
            report.breaches.append(f"sale {sale.sale_id} has no lines")
            continue
        if sum(ln.gross for ln in mine) != sale.subtotal:
            report.breaches.append(
                f"sale {sale.sale_id}: lines add up to {sum(ln.gross for ln in mine)}, "
                f"subtotal says {sale.subtotal}"
            )
        net = sum(ln.net for ln in mine)
        expected_total = net + (sale.tax_total if sale.tax_mode == TaxMode.EXCLUSIVE.value else 0)
        if expected_total != sale.total:
            report.breaches.append(
                f"sale {sale.sale_id}: total {sale.total} but lines give {expected_total}"
            )
        per_gtin: dict[str, int] = defaultdict(int)
        for ln in mine:
            per_gtin[ln.gtin] += ln.quantity
        for gtin, qty in per_gtin.items():
            if sold.pop((sale.sale_id, gtin), 0) != -qty:
                report.breaches.append(
                    f"sale {sale.sale_id}: stock of {gtin} did not go down by {qty}"
                )
        if sale.synced_at is None and sale.outbox_event_id not in outboxed:
            report.breaches.append(
                f"sale {sale.sale_id} has neither reached the fleet nor an outbox row"
            )
        if sale.session_id in sessions:
            report.breaches.append(
                f"session {sale.session_id} has two sales: "
                f"{sessions[sale.session_id]} and {sale.sale_id}"
            )
        sessions[sale.session_id] = sale.sale_id
    for sale_id in lines:
        report.breaches.append(f"lines of sale {sale_id} exist without the sale")
    for (sale_id, gtin), delta in sold.items():
        if delta:
            report.breaches.append(
                f"stock movement of {gtin} for sale {sale_id}, which has no such line"
            )


def _payments(s: Session, report: CheckReport) -> None:
    taken: dict[str, list[PaymentRow]] = defaultdict(list)
    unresolved = 0
    for p in s.scalars(select(PaymentRow)):
        if p.status in {x.value for x in TAKEN}:
            taken[p.sale_id].append(p)
        elif p.status in {x.value for x in UNRESOLVED}:
            unresolved += 1
        if p.card_last4 is not None and (len(p.card_last4) > 4 or not p.card_last4.isdigit()):
            report.breaches.append(f"payment {p.key} stores more than the last four card digits")
    sales = {sale.sale_id: sale for sale in s.scalars(select(SaleRow))}
    for sale_id, sale in sales.items():
        got = taken.pop(sale_id, [])
        if len(got) != 1:
            report.breaches.append(
                f"sale {sale_id} has {len(got)} captured payments, not exactly one"
            )
        elif got[0].amount != sale.amount_due:
            report.breaches.append(
                f"sale {sale_id}: captured {got[0].amount}, amount due {sale.amount_due}"
            )
    for sale_id, payments in taken.items():
        report.breaches.append(
            f"money taken with no sale: payment {payments[0].key} for sale {sale_id}"
        )
    if unresolved:
        report.notes.append(
            f"{unresolved} payment(s) awaiting resolution (resolved at the next start)"
        )


def _outbox(s: Session, report: CheckReport) -> None:
    counter = s.get(CounterRow, SEQ_COUNTER)
    top = s.scalar(select(func.max(OutboxRow.seq)))
    if top is not None and (counter is None or top > counter.value):
        report.breaches.append("outbox holds a sequence number above the counter")
    backlog = int(s.scalar(select(func.count()).select_from(OutboxRow)) or 0)
    if backlog:
        report.notes.append(f"{backlog} event(s) waiting in the outbox")
