"""Paid: how the shopper wants the receipt (printed, QR e-receipt, none)."""

from __future__ import annotations

from kivy.properties import StringProperty

from kiosk.i18n import N_, money
from kiosk.ui.lang import tr as _
from kiosk.ui.screens import KioskScreen
from kiosk.ui.view import AppView
from kiosk.ui.wording import PAYMENT_NAMES


class ReceiptScreen(KioskScreen):
    spoken_prompt = N_("Would you like a receipt?")
    paid_text = StringProperty("")

    def update(self, view: AppView) -> None:
        sale = view.checkout.sale if view.checkout else None
        if sale is None or sale.payment is None:
            return
        language = view.language
        self.paid_text = _(
            "{amount} paid by {method}",
            language,
            amount=money(sale.payment.amount, view.currency, language),
            method=_(PAYMENT_NAMES[sale.payment.method], language),
        )
