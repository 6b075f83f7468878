"""Simulated card terminal (semi-integrated) and QR wallet, with programmable faults."""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable

from kiosk.checkout.events import PaymentMethod, PaymentOutcome
from kiosk.payments.base import (
    ChargeRequest,
    ChargeResult,
    Fault,
    ProviderUnavailable,
    ResultCallback,
)
from kiosk.payments.sim_ledger import Charge, SimLedger

logger = logging.getLogger(__name__)

# Test card suffixes a semi-integrated terminal reports; the kiosk never sees more than these.
_TEST_CARDS = ("4242", "0005", "4444", "1117", "0004")
_OUTCOME = {
    "captured": PaymentOutcome.CAPTURED,
    "declined": PaymentOutcome.DECLINED,
    "cancelled": PaymentOutcome.CANCELLED,
    "voided": PaymentOutcome.CANCELLED,
    "expired": PaymentOutcome.FAILED,
    "pending": PaymentOutcome.PENDING,
}


class _Simulated:
    method: PaymentMethod

    def __init__(
        self, ledger: SimLedger, *, delay_s: float = 0.0, clock: Callable[[], float] = time.time
    ) -> None:
        self.ledger = ledger
        self.delay_s = delay_s
        self.clock = clock
        self._faults: deque[Fault] = deque()
        self._lock = threading.Lock()

    def inject(self, *faults: Fault) -> None:
        """Faults for the next charges, in order."""
        with self._lock:
            self._faults.extend(faults)

    def _next_fault(self) -> Fault:
        with self._lock:
            return self._faults.popleft() if self._faults else Fault.NONE

    def _later(self, fn: Callable[[], None]) -> None:
        if self.delay_s <= 0:
            fn()
            return
        timer = threading.Timer(self.delay_s, fn)
        timer.daemon = True
        timer.start()

    def _result(self, charge: Charge | None, key: str) -> ChargeResult:
        if charge is None:
            return ChargeResult(key, PaymentOutcome.FAILED, message="no transaction with this key")
        return ChargeResult(
            key,
            _OUTCOME.get(charge.status, PaymentOutcome.FAILED),
            reference=charge.reference,
            card_last4=charge.card_last4,
            message=charge.status,
        )

    def status(self, key: str) -> ChargeResult:
        return self._result(self.ledger.get(key), key)

    def cancel(self, key: str) -> ChargeResult:
        self.ledger.set_status(key, "cancelled", ("pending",))
        return self.status(key)

    def void(self, key: str) -> ChargeResult:
        if self.ledger.set_status(key, "voided", ("captured",)):
            return ChargeResult(key, PaymentOutcome.CANCELLED, message="voided")
        return self.status(key)

    def refund(self, key: str, amount: int, refund_key: str) -> ChargeResult:
        charge = self.ledger.get(key)
        if charge is None or charge.status != "captured":
            return ChargeResult(key, PaymentOutcome.FAILED, message="nothing captured to refund")
        reference = f"RF{refund_key[:10]}"
        if self.ledger.has_refund(refund_key):  # asked again: report, never refund twice
            return ChargeResult(key, PaymentOutcome.CAPTURED, reference=reference)
        if self.ledger.refunded(key) + amount > charge.amount:
            return ChargeResult(key, PaymentOutcome.FAILED, message="refund exceeds the charge")
        self.ledger.refund(refund_key, key, amount)
        return ChargeResult(key, PaymentOutcome.CAPTURED, reference=reference)


class SimulatedCardTerminal(_Simulated):
    """A semi-integrated terminal: the card is read and authorised inside the terminal; the
    kiosk only learns the outcome, an authorisation reference and the last four digits."""

    method = PaymentMethod.CARD

    def begin(self, request: ChargeRequest, on_result: ResultCallback) -> None:
        existing = self.ledger.get(request.key)
        if existing is not None:  # the same key again: report, never charge twice
            self._later(lambda: on_result(self._result(existing, request.key)))
            return
        fault = self._next_fault()
        if fault == Fault.UNAVAILABLE:
            raise ProviderUnavailable("card terminal not answering (simulated: cable out)")
        if fault == Fault.TIMEOUT:
            logger.info("simulated terminal: no answer for %s", request.key)
            return
        status = "declined" if fault == Fault.DECLINE else "captured"
        charge = self.ledger.put(
            Charge(
                key=request.key,
                method=self.method.value,
                amount=request.amount,
                status=status,
                reference=f"AUTH{secrets.token_hex(3).upper()}",
                card_last4=secrets.choice(_TEST_CARDS),
                fault=fault.value,
                created=self.clock(),
            )
        )
        if fault == Fault.LOST_RESPONSE:
            logger.info("simulated terminal: charged %s but the answer is lost", request.key)
            return
        result = self._result(charge, request.key)
        if fault == Fault.DECLINE:
            result = ChargeResult(request.key, PaymentOutcome.DECLINED, message="do not honour")

        def deliver() -> None:
            on_result(result)
            if fault == Fault.DUPLICATE_CALLBACK:
                on_result(result)

        self._later(deliver)


class SimulatedQrWallet(_Simulated):
    """A dynamic-QR wallet: the kiosk shows an order QR; the shopper pays on their phone;
    the kiosk polls `status`. The simulated shopper pays after `confirm_after_s`, or when
    `confirm(key)` is called (the demo's "pay with phone" button)."""

    method = PaymentMethod.QR_WALLET

    def __init__(
        self,
        ledger: SimLedger,
        *,
        confirm_after_s: float | None = 2.0,
        expire_after_s: float = 120.0,
        base_url: str = "https://pay.example.com/qr",
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(ledger, clock=clock)
        self.confirm_after_s = confirm_after_s
        self.expire_after_s = expire_after_s
        self.base_url = base_url

    def begin(self, request: ChargeRequest, on_result: ResultCallback) -> None:
        existing = self.ledger.get(request.key)
        if existing is None:
            fault = self._next_fault()
            existing = self.ledger.put(
                Charge(
                    key=request.key,
                    method=self.method.value,
                    amount=request.amount,
                    status="pending",
                    reference=f"WX{secrets.token_hex(4).upper()}",
                    card_last4="",
                    fault=fault.value,
                    created=self.clock(),
                )
            )
        query = f"order={request.key}&amount={request.amount}&currency={request.currency}"
        prompt = f"{self.base_url}?{query}"
        on_result(ChargeResult(request.key, PaymentOutcome.PENDING, prompt=prompt))

    def confirm(self, key: str) -> None:
        """The shopper pays on their phone (or the wallet declines them)."""
        charge = self.ledger.get(key)
        if charge is None:
            return
        target = "declined" if charge.fault == Fault.DECLINE.value else "captured"
        self.ledger.set_status(key, target, ("pending",))

    def status(self, key: str) -> ChargeResult:
        charge = self.ledger.get(key)
        if charge is not None and charge.status == "pending":
            age = self.clock() - charge.created
            fault = Fault(charge.fault)
            if fault == Fault.LOST_RESPONSE and age < 2 * max(self.confirm_after_s or 0, 1):
                return ChargeResult(key, PaymentOutcome.UNKNOWN, message="wallet did not answer")
            if age >= self.expire_after_s:
                self.ledger.set_status(key, "expired", ("pending",))
            elif (
                fault != Fault.TIMEOUT
                and self.confirm_after_s is not None
                and age >= self.confirm_after_s
            ):
                self.confirm(key)
            charge = self.ledger.get(key)
        return self._result(charge, key)
