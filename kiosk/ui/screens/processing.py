"""Paying: what to do at the terminal, or that the payment is being checked."""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, StringProperty

from kiosk.checkout.events import PaymentMethod, PaymentOutcome
from kiosk.i18n import money
from kiosk.ui.lang import tr as _
from kiosk.ui.screens import KioskScreen
from kiosk.ui.view import AppView


class ProcessingScreen(KioskScreen):
    title = StringProperty("")
    amount = StringProperty("")
    hint = StringProperty("")
    can_cancel = BooleanProperty(False)

    def on_enter(self, *_args: Any) -> None:
        self.ids.busy.active = True

    def on_leave(self, *_args: Any) -> None:
        self.ids.busy.active = False

    def update(self, view: AppView) -> None:
        payment = view.checkout.payment if view.checkout else None
        language = view.language
        if payment is None:
            return
        self.amount = money(payment.amount, view.currency, language)
        captured = payment.outcome == PaymentOutcome.CAPTURED
        if payment.method == PaymentMethod.CARD and not captured:
            self.title = _("Pay on the card terminal", language)
            self.hint = _("Tap, insert or swipe your card on the terminal.", language)
        else:
            self.title = _("Processing your payment", language)
            self.hint = _("Please wait a moment.", language)
        if payment.outcome == PaymentOutcome.UNKNOWN:
            self.hint = view.notice or _("Checking your payment, please wait...", language)
        self.can_cancel = payment.method == PaymentMethod.CARD and payment.outcome in (
            None,
            PaymentOutcome.PENDING,
        )
