"""Events the session reacts to. Every event carries `at`, seconds on the runtime's clock."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kiosk.checkout.gs1 import Symbology


class ScanSource(StrEnum):
    CAMERA = "camera"
    SERIAL = "serial"
    WEDGE = "wedge"
    MANUAL = "manual"  # typed by staff or picked in a look-up


class PaymentMethod(StrEnum):
    CARD = "card"
    QR_WALLET = "qr_wallet"
    MEMBER_WALLET = "member_wallet"
    FACE = "face"  # member wallet, identified by face
    POINTS = "points"  # fully paid by loyalty points


class PaymentOutcome(StrEnum):
    CAPTURED = "captured"
    PENDING = "pending"  # waiting for the shopper (QR shown, card not yet presented)
    DECLINED = "declined"
    CANCELLED = "cancelled"
    FAILED = "failed"  # the provider said no for a technical reason; nothing was charged
    UNKNOWN = "unknown"  # no answer: must be resolved by asking about the key


class ReceiptKind(StrEnum):
    PRINT = "print"
    QR = "qr"
    NONE = "none"


class StaffAction(StrEnum):
    APPROVE = "approve"  # age check passed, void allowed, weight accepted as it is
    REJECT = "reject"  # age check failed (restricted lines voided), void refused


@dataclass(frozen=True, kw_only=True)
class Event:
    at: float


@dataclass(frozen=True, kw_only=True)
class StartShopping(Event):
    """The shopper touched the attract screen (optionally choosing a language)."""

    language: str | None = None


@dataclass(frozen=True, kw_only=True)
class ItemScanned(Event):
    code: str
    symbology: Symbology | None = None
    source: ScanSource = ScanSource.CAMERA


@dataclass(frozen=True, kw_only=True)
class ProduceWeighed(Event):
    """A produce item chosen in the look-up and weighed on the produce scale."""

    gtin: str
    grams: int
    stable: bool
    overload: bool = False


@dataclass(frozen=True, kw_only=True)
class WeightChanged(Event):
    """A reading of the bagging-area scale, in grams."""

    grams: int
    stable: bool


@dataclass(frozen=True, kw_only=True)
class ScaleStatus(Event):
    online: bool
    detail: str = ""


@dataclass(frozen=True, kw_only=True)
class ShelfPicked(Event):
    gtin: str
    quantity: int
    confidence: float = 1.0


@dataclass(frozen=True, kw_only=True)
class ShelfReturned(Event):
    gtin: str
    quantity: int


@dataclass(frozen=True, kw_only=True)
class MemberIdentified(Event):
    member_id: str
    display_name: str
    points_balance: int


@dataclass(frozen=True, kw_only=True)
class FaceVerified(Event):
    """A member identified by face, live, with the second factor passed when it was required.

    The runtime's face-pay service decides all of that; the session only trusts this event
    for a FACE payment in the same session.
    """

    member_id: str
    display_name: str
    points_balance: int


@dataclass(frozen=True, kw_only=True)
class RedeemPoints(Event):
    points: int


@dataclass(frozen=True, kw_only=True)
class HelpRequested(Event):
    pass


@dataclass(frozen=True, kw_only=True)
class VoidRequested(Event):
    """The shopper asks to remove a line; staff must approve."""

    line_id: int


@dataclass(frozen=True, kw_only=True)
class CancelRequested(Event):
    pass


@dataclass(frozen=True, kw_only=True)
class PayRequested(Event):
    method: PaymentMethod


@dataclass(frozen=True, kw_only=True)
class PaymentResult(Event):
    key: str
    outcome: PaymentOutcome
    reference: str = ""
    card_last4: str = ""
    prompt: str = ""  # e.g. the QR payload to show while PENDING
    message: str = ""


@dataclass(frozen=True, kw_only=True)
class PaymentCancelRequested(Event):
    pass


@dataclass(frozen=True, kw_only=True)
class SaleCommitted(Event):
    sale_id: str


@dataclass(frozen=True, kw_only=True)
class SaleCommitFailed(Event):
    sale_id: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class ReceiptChosen(Event):
    kind: ReceiptKind


@dataclass(frozen=True, kw_only=True)
class ReceiptDone(Event):
    rating: int | None = None


@dataclass(frozen=True, kw_only=True)
class StaffSignedIn(Event):
    """A staff member whose PIN the runtime has verified."""

    staff_id: str
    name: str


@dataclass(frozen=True, kw_only=True)
class StaffSignedOut(Event):
    pass


@dataclass(frozen=True, kw_only=True)
class StaffResolve(Event):
    intervention_id: int
    action: StaffAction = StaffAction.APPROVE


@dataclass(frozen=True, kw_only=True)
class StaffVoidLine(Event):
    line_id: int
    quantity: int | None = None


@dataclass(frozen=True, kw_only=True)
class StaffCancelSale(Event):
    pass


@dataclass(frozen=True, kw_only=True)
class Tick(Event):
    """Time passes; drives timeouts and grace periods."""
