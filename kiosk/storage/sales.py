"""Committing a sale: sale, lines, stock, payment, points and outbox row in one transaction."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from kiosk.checkout.sale import SaleDraft
from kiosk.storage.engine import Database
from kiosk.storage.models import (
    MemberRow,
    PaymentRow,
    ProductRow,
    SaleLineRow,
    SaleRow,
    StockMovementRow,
)
from kiosk.storage.outbox import enqueue
from kiosk.storage.payments import Status


class SaleAlreadyRecorded(Exception):
    """The sale id exists: committing twice is refused, never duplicated."""


def sale_event(sale: SaleDraft, kiosk_id: str, created_at: datetime) -> dict[str, Any]:
    """The payload the fleet receives for a sale (no card data beyond the last four digits)."""
    body = sale.model_dump(mode="json")
    body["kiosk_id"] = kiosk_id
    body["created_at"] = created_at.isoformat()
    return body


def commit_sale(
    db: Database, sale: SaleDraft, *, kiosk_id: str, now: datetime | None = None
) -> None:
    if sale.payment is None:
        raise ValueError("a sale is committed only with its captured payment")
    now = now or datetime.now(UTC)
    with db.write() as s:
        if s.get(SaleRow, sale.sale_id) is not None:
            raise SaleAlreadyRecorded(sale.sale_id)
        event = enqueue(s, "sale", sale_event(sale, kiosk_id, now), now)
        s.add(
            SaleRow(
                sale_id=sale.sale_id,
                session_id=sale.session_id,
                kiosk_id=kiosk_id,
                created_at=now,
                currency=sale.currency,
                tax_mode=sale.tax_mode.value,
                subtotal=sale.subtotal,
                discount_total=sale.discount_total,
                tax_total=sale.tax_total,
                total=sale.total,
                points_redeemed=sale.points_redeemed,
                points_value=sale.points_value,
                points_earned=sale.points_earned,
                amount_due=sale.amount_due,
                member_id=sale.member_id,
                status="paid",
                document=sale.model_dump_json(),
                outbox_event_id=event.event_id,
            )
        )
        s.execute(
            insert(SaleLineRow),
            [
                {
                    "sale_id": sale.sale_id,
                    "line_no": line.line_no,
                    "gtin": line.gtin,
                    "name_en": line.name_en,
                    "name_zh": line.name_zh,
                    "quantity": line.quantity,
                    "grams": line.grams,
                    "unit_price": line.unit_price,
                    "gross": line.gross,
                    "net": line.net,
                    "tax_category": line.tax_category,
                    "tax_rate": str(line.tax_rate),
                    "tax": line.tax,
                    "discounts": [list(d) for d in line.discounts],
                }
                for line in sale.lines
            ],
        )
        _take_stock(s, sale, now)
        _capture(s, sale, now)
        if sale.member_id is not None:
            member = s.get(MemberRow, sale.member_id)
            if member is None:
                raise KeyError(f"no member {sale.member_id}")
            member.points_balance += sale.points_earned - sale.points_redeemed
            member.last_active_at = now


def _take_stock(s: Session, sale: SaleDraft, now: datetime) -> None:
    sold: dict[str, int] = {}
    for line in sale.lines:
        sold[line.gtin] = sold.get(line.gtin, 0) + line.quantity
    rows = {r.gtin: r for r in s.scalars(select(ProductRow).where(ProductRow.gtin.in_(sold)))}
    for gtin, quantity in sold.items():
        if gtin not in rows:
            raise KeyError(f"no product {gtin}")
        rows[gtin].stock -= quantity
    s.execute(
        insert(StockMovementRow),
        [
            {"gtin": g, "delta": -q, "reason": "sale", "sale_id": sale.sale_id, "at": now}
            for g, q in sold.items()
        ],
    )


def _capture(s: Session, sale: SaleDraft, now: datetime) -> None:
    assert sale.payment is not None
    p = sale.payment
    row = s.get(PaymentRow, p.key)
    if row is None:  # paid fully with points: there was no provider to ask first
        row = PaymentRow(
            key=p.key,
            sale_id=sale.sale_id,
            method=p.method.value,
            amount=p.amount,
            currency=sale.currency,
            snapshot=sale.model_dump_json(),
            created_at=now,
        )
        s.add(row)
    row.status = Status.CAPTURED.value
    row.provider_ref = p.reference or None
    row.card_last4 = p.card_last4[-4:] or None
    row.updated_at = now


def get_sale(db: Database, sale_id: str) -> SaleDraft | None:
    with db.read() as s:
        row = s.get(SaleRow, sale_id)
        return SaleDraft.model_validate_json(row.document) if row else None


def sale_created_at(db: Database, sale_id: str) -> datetime | None:
    with db.read() as s:
        row = s.get(SaleRow, sale_id)
        return row.created_at if row else None
