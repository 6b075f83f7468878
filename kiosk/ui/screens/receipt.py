"""Paid: how the shopper wants the receipt (printed, QR e-receipt, none)."""

from __future__ import annotations

from kivy.properties import StringProperty

from kiosk.i18n import N_, money
from kiosk.ui.device_board import PRINTER
from kiosk.ui.lang import tr as _
from kiosk.ui.screens import KioskScreen
from kiosk.ui.view import AppView
from kiosk.ui.wording import PAYMENT_NAMES


class ReceiptScreen(KioskScreen):
    spoken_prompt = N_("Would you like a receipt?")
    paid_text = StringProperty("")

    def update(self, view: AppView) -> None:
        # A kiosk without a printer (none configured, so none on the board) offers no print.
        self._offer_print(any(d.name == PRINTER for d in view.devices))
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

    def _offer_print(self, offered: bool) -> None:
        button = self.ids.print_button
        button.disabled = not offered
        button.opacity = 1 if offered else 0
        button.size_hint_x = 1 if offered else None
        if not offered:
            button.width = 0
