"""Refunds of committed sales, through the provider that took the money, once per key."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from kiosk.checkout.events import PaymentMethod, PaymentOutcome
from kiosk.payments.base import PaymentProvider
from kiosk.storage import outbox
from kiosk.storage import payments as intents
from kiosk.storage.engine import Database


class RefundRefused(Exception):
    pass


@dataclass(frozen=True)
class RefundDone:
    sale_id: str
    amount: int
    reference: str
    status: intents.Status


def refund_sale(
    db: Database,
    providers: dict[PaymentMethod, PaymentProvider],
    sale_id: str,
    *,
    amount: int | None,
    reason: str,
    staff_id: str | None,
    refund_key: str | None = None,
) -> RefundDone:
    payment = intents.captured_for_sale(db, sale_id)
    if payment is None:
        raise RefundRefused(f"sale {sale_id} has no captured payment")
    method = PaymentMethod(payment.method)
    if method == PaymentMethod.POINTS:
        raise RefundRefused("a sale paid with points is returned as points, not money")
    provider = providers.get(method) or (
        providers.get(PaymentMethod.MEMBER_WALLET) if method == PaymentMethod.FACE else None
    )
    if provider is None:
        raise RefundRefused(f"payment method {method.value} is not configured here")
    left = payment.amount - intents.refunded_amount(db, payment.key)
    amount = left if amount is None else amount
    if not 0 < amount <= left:
        raise RefundRefused(f"refund must be between 0.01 and what is left ({left} minor units)")
    key = refund_key or str(uuid.uuid4())
    result = provider.refund(payment.key, amount, key)
    if result.outcome != PaymentOutcome.CAPTURED:
        raise RefundRefused(f"the provider refused: {result.message or result.outcome.value}")
    status = intents.record_refund(
        db, payment.key, amount, reference=result.reference, reason=reason, staff_id=staff_id
    )
    with db.write() as s:
        outbox.enqueue(
            s,
            "refund",
            {"sale_id": sale_id, "amount": amount, "reason": reason, "staff_id": staff_id},
        )
    return RefundDone(sale_id, amount, result.reference, status)
