"""Payment intents: the idempotency key and the cart are saved before the first attempt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import select

from kiosk.checkout.sale import SaleDraft
from kiosk.storage.engine import Database
from kiosk.storage.models import PaymentRow, RefundRow


class Status(StrEnum):
    PENDING = "pending"  # saved; the provider has been or is being asked
    UNKNOWN = "unknown"  # the provider's answer was lost: ask about the key, never charge again
    CAPTURED = "captured"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    FAILED = "failed"
    VOIDED = "voided"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"


UNRESOLVED = (Status.PENDING, Status.UNKNOWN)
TAKEN = (Status.CAPTURED, Status.REFUNDED, Status.PARTIALLY_REFUNDED)


@dataclass(frozen=True)
class Intent:
    key: str
    sale_id: str
    method: str
    amount: int
    status: Status
    snapshot: SaleDraft
    provider_ref: str | None
    card_last4: str | None


def _intent(row: PaymentRow) -> Intent:
    return Intent(
        key=row.key,
        sale_id=row.sale_id,
        method=row.method,
        amount=row.amount,
        status=Status(row.status),
        snapshot=SaleDraft.model_validate_json(row.snapshot),
        provider_ref=row.provider_ref,
        card_last4=row.card_last4,
    )


def save_intent(
    db: Database, key: str, method: str, amount: int, sale: SaleDraft, now: datetime | None = None
) -> None:
    """Commit the intent before the provider is asked. Saving the same key twice is a no-op."""
    now = now or datetime.now(UTC)
    with db.write() as s:
        if s.get(PaymentRow, key) is not None:
            return
        s.add(
            PaymentRow(
                key=key,
                sale_id=sale.sale_id,
                method=method,
                amount=amount,
                currency=sale.currency,
                status=Status.PENDING.value,
                snapshot=sale.model_dump_json(),
                created_at=now,
                updated_at=now,
            )
        )


def record_outcome(
    db: Database,
    key: str,
    status: Status,
    *,
    reference: str = "",
    card_last4: str = "",
    message: str = "",
    now: datetime | None = None,
) -> None:
    if status == Status.CAPTURED:
        raise ValueError("a capture is recorded with its sale (kiosk.storage.sales.commit_sale)")
    now = now or datetime.now(UTC)
    with db.write() as s:
        row = s.get(PaymentRow, key)
        if row is None:
            raise KeyError(f"no payment intent {key}")
        row.status = status.value
        row.provider_ref = reference or row.provider_ref
        row.card_last4 = (card_last4[-4:] or None) if card_last4 else row.card_last4
        row.message = message[:200] or row.message
        row.updated_at = now


def unresolved(db: Database) -> list[Intent]:
    with db.read() as s:
        rows = s.scalars(
            select(PaymentRow)
            .where(PaymentRow.status.in_([x.value for x in UNRESOLVED]))
            .order_by(PaymentRow.created_at)
        )
        return [_intent(r) for r in rows]


def get(db: Database, key: str) -> Intent | None:
    with db.read() as s:
        row = s.get(PaymentRow, key)
        return _intent(row) if row else None


def captured_for_sale(db: Database, sale_id: str) -> Intent | None:
    with db.read() as s:
        row = s.scalars(
            select(PaymentRow).where(
                PaymentRow.sale_id == sale_id, PaymentRow.status.in_([x.value for x in TAKEN])
            )
        ).first()
        return _intent(row) if row else None


def record_refund(
    db: Database,
    key: str,
    amount: int,
    *,
    reference: str,
    reason: str,
    staff_id: str | None,
    now: datetime | None = None,
) -> Status:
    """Record a completed refund; the payment becomes refunded or partially refunded."""
    now = now or datetime.now(UTC)
    with db.write() as s:
        row = s.get(PaymentRow, key)
        if row is None:
            raise KeyError(f"no payment {key}")
        s.add(
            RefundRow(
                payment_key=key,
                amount=amount,
                status="done",
                reference=reference,
                reason=reason,
                staff_id=staff_id,
                created_at=now,
            )
        )
        s.flush()
        refunded = sum(
            r for r in s.scalars(select(RefundRow.amount).where(RefundRow.payment_key == key))
        )
        row.status = (
            Status.REFUNDED if refunded >= row.amount else Status.PARTIALLY_REFUNDED
        ).value
        row.updated_at = now
        return Status(row.status)


def refunded_amount(db: Database, key: str) -> int:
    with db.read() as s:
        return sum(s.scalars(select(RefundRow.amount).where(RefundRow.payment_key == key)))
