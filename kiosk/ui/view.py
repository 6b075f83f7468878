"""Everything a screen needs to draw itself, handed to `update(view)` on the main thread."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.checkout.catalog import Currency
from kiosk.checkout.pricing import PricedCart
from kiosk.checkout.session import Checkout
from kiosk.ui.device_board import DeviceStatus
from kiosk.ui.navigation import ScreenName, UiState


@dataclass(frozen=True)
class AppView:
    checkout: Checkout | None  # None when the kiosk could not start (bad config)
    priced: PricedCart | None
    ui: UiState
    screen: ScreenName
    language: str
    currency: Currency
    notice: str  # the latest message for the shopper, in `language` ("" if none)
    notice_key: str
    devices: tuple[DeviceStatus, ...]
