"""Effects the session asks the runtime to carry out; the session itself does no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.checkout.events import PaymentMethod, ReceiptKind
from kiosk.checkout.interventions import Intervention
from kiosk.checkout.sale import SaleDraft


@dataclass(frozen=True)
class Effect:
    pass


@dataclass(frozen=True)
class StartPayment(Effect):
    """Save the intent (key, amount, cart) durably, then ask the provider to charge."""

    key: str
    method: PaymentMethod
    amount: int
    sale: SaleDraft


@dataclass(frozen=True)
class QueryPayment(Effect):
    """The outcome is unknown: ask the provider about this key (never charge again)."""

    key: str
    method: PaymentMethod


@dataclass(frozen=True)
class CancelPayment(Effect):
    key: str
    method: PaymentMethod


@dataclass(frozen=True)
class VoidPayment(Effect):
    """Give the money back: the payment was taken but the sale could not be recorded."""

    key: str
    method: PaymentMethod
    reason: str


@dataclass(frozen=True)
class CommitSale(Effect):
    """Sale, lines, stock, payment and outbox row in one transaction; then SaleCommitted."""

    sale: SaleDraft


@dataclass(frozen=True)
class IssueReceipt(Effect):
    sale_id: str
    kind: ReceiptKind


@dataclass(frozen=True)
class LookupMember(Effect):
    """A member card was scanned: find the member and answer with MemberIdentified."""

    member_id: str


@dataclass(frozen=True)
class CallStaff(Effect):
    intervention: Intervention


@dataclass(frozen=True)
class StaffNoLongerNeeded(Effect):
    intervention: Intervention


@dataclass(frozen=True)
class Notify(Effect):
    """A message for the shopper (screen and speech). `key` is an untranslated msgid."""

    key: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Audit(Effect):
    """Something a staff member did or the system decided, recorded for loss prevention."""

    action: str
    staff_id: str | None = None
    detail: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Alert(Effect):
    """An alert for the fleet (weight mismatch, age check, help, device fault...)."""

    kind: str
    severity: str
    detail: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SessionEnded(Effect):
    session_id: str
    reason: str  # "paid" | "cancelled" | "abandoned"
    items: int
    value: int
