"""The member wallet: a stored balance in the kiosk database, charged once per key."""

from __future__ import annotations

from kiosk.checkout.events import PaymentMethod, PaymentOutcome
from kiosk.payments.base import ChargeRequest, ChargeResult, ResultCallback
from kiosk.storage import members
from kiosk.storage.engine import Database


class MemberWalletProvider:
    method = PaymentMethod.MEMBER_WALLET

    def __init__(self, db: Database) -> None:
        self.db = db

    def begin(self, request: ChargeRequest, on_result: ResultCallback) -> None:
        if request.member_id is None:
            on_result(
                ChargeResult(request.key, PaymentOutcome.FAILED, message="no member identified")
            )
            return
        try:
            balance = members.wallet_charge(self.db, request.key, request.member_id, request.amount)
        except members.WalletDeclined as e:
            on_result(ChargeResult(request.key, PaymentOutcome.DECLINED, message=str(e)))
            return
        on_result(ChargeResult(request.key, PaymentOutcome.CAPTURED, reference=f"WALLET-{balance}"))

    def status(self, key: str) -> ChargeResult:
        entry = members.wallet_entry(self.db, key)
        if entry is None:
            return ChargeResult(
                key, PaymentOutcome.FAILED, message="no wallet charge with this key"
            )
        if members.wallet_entry(self.db, key, "void") is not None:
            return ChargeResult(key, PaymentOutcome.CANCELLED, message="voided")
        return ChargeResult(key, PaymentOutcome.CAPTURED, reference="WALLET")

    def cancel(self, key: str) -> ChargeResult:
        return self.status(key)  # a wallet charge is immediate: nothing to cancel

    def void(self, key: str) -> ChargeResult:
        entry = members.wallet_entry(self.db, key)
        if entry is None:
            return ChargeResult(
                key, PaymentOutcome.FAILED, message="no wallet charge with this key"
            )
        members.wallet_credit(self.db, key, entry.member_id, -entry.amount, kind="void")
        return ChargeResult(key, PaymentOutcome.CANCELLED, message="voided")

    def refund(self, key: str, amount: int, refund_key: str) -> ChargeResult:
        entry = members.wallet_entry(self.db, key)
        if entry is None or amount > -entry.amount:
            return ChargeResult(key, PaymentOutcome.FAILED, message="nothing to refund")
        members.wallet_credit(self.db, refund_key, entry.member_id, amount, kind="refund")
        return ChargeResult(key, PaymentOutcome.CAPTURED, reference=f"WALLET-RF-{refund_key[:8]}")
