"""The payment provider contract: idempotency keys, asynchronous results, status queries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from kiosk.checkout.events import PaymentMethod, PaymentOutcome


@dataclass(frozen=True)
class ChargeRequest:
    key: str  # idempotency key: asking twice with one key never charges twice
    amount: int  # minor units
    currency: str
    description: str = ""
    member_id: str | None = None  # for the member wallet


@dataclass(frozen=True)
class ChargeResult:
    key: str
    outcome: PaymentOutcome
    reference: str = ""
    card_last4: str = ""
    prompt: str = ""  # shown to the shopper while PENDING (a QR payload)
    message: str = ""


ResultCallback = Callable[[ChargeResult], None]


class PaymentProvider(Protocol):
    """A way to take money. `begin` returns at once; results arrive through `on_result`
    (possibly more than once, possibly never: the runtime asks `status` after a timeout)."""

    method: PaymentMethod

    def begin(self, request: ChargeRequest, on_result: ResultCallback) -> None: ...

    def status(self, key: str) -> ChargeResult:
        """The outcome for a key as the provider knows it; FAILED when it never saw the key."""
        ...

    def cancel(self, key: str) -> ChargeResult: ...

    def void(self, key: str) -> ChargeResult:
        """Reverse a capture the same day (the sale could not be recorded)."""
        ...

    def refund(self, key: str, amount: int, refund_key: str) -> ChargeResult: ...


class Fault(StrEnum):
    """Faults a simulated provider can be told to produce on its next charge."""

    NONE = "none"
    DECLINE = "decline"
    TIMEOUT = "timeout"  # nothing charged and no answer
    LOST_RESPONSE = "lost_response"  # charged, but the answer never arrives
    DUPLICATE_CALLBACK = "duplicate_callback"  # the answer arrives twice
    UNAVAILABLE = "unavailable"  # the terminal cannot be reached: begin raises ProviderUnavailable


class ProviderUnavailable(Exception):
    """The provider could not be reached at all (cable, network); nothing was sent."""
