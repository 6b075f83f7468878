"""Which screen shows, from the checkout state plus what only the app knows (pages, staff)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kiosk.checkout.events import PaymentMethod
from kiosk.checkout.session import Checkout, Phase, State


class ScreenName(StrEnum):
    ATTRACT = "attract"
    SHOPPING = "shopping"
    PRODUCE = "produce"
    INTERVENTION = "intervention"
    PAYMENT = "payment"
    QR_PAY = "qr_pay"
    FACE_PAY = "face_pay"
    PROCESSING = "processing"
    RECEIPT = "receipt"
    THANKS = "thanks"
    STAFF_PIN = "staff_pin"
    STAFF = "staff"
    OUT_OF_SERVICE = "out_of_service"


class Page(StrEnum):
    """Where a shopper is while the session is simply `shopping`."""

    CART = "cart"
    PRODUCE = "produce"
    PAYMENT = "payment"
    FACE_PAY = "face_pay"


_PAGE_SCREENS = {
    Page.CART: ScreenName.SHOPPING,
    Page.PRODUCE: ScreenName.PRODUCE,
    Page.PAYMENT: ScreenName.PAYMENT,
    Page.FACE_PAY: ScreenName.FACE_PAY,
}


class LockedBy(StrEnum):
    NOBODY = ""
    STAFF = "staff"
    FLEET = "fleet"


@dataclass(frozen=True)
class StaffOnDuty:
    staff_id: str
    name: str
    role: str


@dataclass(frozen=True)
class Service:
    """Why the kiosk may not sell: bad config (nothing works), a lock, a device down."""

    problems: tuple[str, ...] = ()
    locked_by: LockedBy = LockedBy.NOBODY
    lock_reason: str = ""
    devices_down: tuple[str, ...] = ()

    @property
    def selling(self) -> bool:
        return not (self.problems or self.locked_by or self.devices_down)


@dataclass(frozen=True)
class UiState:
    page: Page = Page.CART
    staff_pin: bool = False
    staff: StaffOnDuty | None = None
    idle_language: str = "en"
    large_text: bool = False
    speech: bool = False
    service: Service = Service()


def screen_for(checkout: Checkout | None, ui: UiState) -> ScreenName:
    if ui.staff is not None:
        return ScreenName.STAFF
    if ui.staff_pin:
        return ScreenName.STAFF_PIN
    if checkout is None or ui.service.problems:
        return ScreenName.OUT_OF_SERVICE
    if checkout.phase == Phase.IDLE and not ui.service.selling:
        # A lock or a device failure never interrupts a shopper: it shows once they are done.
        return ScreenName.OUT_OF_SERVICE
    state = checkout.state
    if state == State.IDLE:
        return ScreenName.ATTRACT
    if state == State.SHOPPING:
        return _PAGE_SCREENS[ui.page]
    if state == State.INTERVENTION:
        return ScreenName.INTERVENTION
    if state == State.PAYING:
        payment = checkout.payment
        if payment and payment.method == PaymentMethod.QR_WALLET and payment.prompt:
            return ScreenName.QR_PAY
        return ScreenName.PROCESSING
    if state == State.PAID:
        return ScreenName.RECEIPT
    return ScreenName.THANKS


def display_language(checkout: Checkout | None, ui: UiState) -> str:
    """The session's language while a shopper is there, else the attract screen's choice."""
    if checkout is None or checkout.phase == Phase.IDLE:
        return ui.idle_language
    return checkout.language
