"""Thank you: the e-receipt QR code when chosen, and a 1-5 rating of the visit."""

from __future__ import annotations

from kivy.app import App
from kivy.properties import StringProperty

from kiosk.checkout.events import ReceiptKind
from kiosk.i18n import N_
from kiosk.ui.lang import tr as _
from kiosk.ui.screens import KioskScreen
from kiosk.ui.view import AppView


class ThanksScreen(KioskScreen):
    spoken_prompt = N_("Thank you for shopping with us!")
    receipt_text = StringProperty("")
    ereceipt = StringProperty("")

    def update(self, view: AppView) -> None:
        app = App.get_running_app()
        sale = view.checkout.sale if view.checkout else None
        receipts = app.runtime.stats.receipts if app.runtime else []
        issued = (
            receipts[-1] if receipts and sale and receipts[-1].sale_id == sale.sale_id else None
        )
        language = view.language
        self.ereceipt = ""
        if issued is None:
            self.receipt_text = ""
        elif issued.kind == ReceiptKind.QR or issued.problem:
            self.ereceipt = issued.ereceipt_url
            self.receipt_text = (
                view.notice if issued.problem else _("Scan the code for your receipt.", language)
            )
        elif issued.kind == ReceiptKind.PRINT:
            self.receipt_text = _("Please take your receipt.", language)
        else:
            self.receipt_text = _("No receipt printed.", language)
