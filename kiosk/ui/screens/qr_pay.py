"""QR wallet: the order's dynamic QR code, the amount, and a way back."""

from __future__ import annotations

from typing import Any

from kivy.properties import StringProperty

from kiosk.i18n import N_, money
from kiosk.ui.screens import KioskScreen
from kiosk.ui.view import AppView


class QrPayScreen(KioskScreen):
    spoken_prompt = N_("Scan to pay")
    payload = StringProperty("")
    amount = StringProperty("")

    def on_enter(self, *_args: Any) -> None:
        self.ids.busy.active = True

    def on_leave(self, *_args: Any) -> None:
        self.ids.busy.active = False

    def update(self, view: AppView) -> None:
        payment = view.checkout.payment if view.checkout else None
        if payment is None:
            return
        self.payload = payment.prompt
        self.amount = money(payment.amount, view.currency, view.language)
