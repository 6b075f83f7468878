"""Shopping: the cart with totals and savings, the camera, the bagging area, help and pay."""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.properties import BooleanProperty, StringProperty

from kiosk.checkout.interventions import NON_BLOCKING
from kiosk.messages import render
from kiosk.ui.cart_model import bagging_text, cart_rows, totals_for
from kiosk.ui.lang import tr as _
from kiosk.ui.screens import KioskScreen
from kiosk.ui.view import AppView


class ShoppingScreen(KioskScreen):
    items_text = StringProperty("")
    total = StringProperty("")
    savings_names = StringProperty("")
    savings_amounts = StringProperty("")
    bagging = StringProperty("")
    bagging_alert = BooleanProperty(False)
    notice = StringProperty("")
    banner = StringProperty("")
    banner_icon = StringProperty("help")
    can_pay = BooleanProperty(False)
    pay_text = StringProperty("")

    def on_enter(self, *_args: Any) -> None:
        app = App.get_running_app()
        preview = self.ids.preview
        preview.feed = app.peripherals.camera if app.peripherals else None
        preview.hold_s = app.settings.box_hold_s
        preview.start()

    def on_leave(self, *_args: Any) -> None:
        self.ids.preview.stop()

    def update(self, view: AppView) -> None:
        checkout, language = view.checkout, view.language
        if checkout is None:
            return
        self.ids.cart.show(cart_rows(checkout.lines, language, view.currency))
        self.notice = view.notice
        self.bagging, self.bagging_alert = bagging_text(checkout.bag, language)
        waiting = [i for i in checkout.interventions if i.kind in NON_BLOCKING]
        self.banner = render(waiting[0].kind.value, language) if waiting else ""
        self.banner_icon = waiting[0].kind.value if waiting else "help"
        self.ids.preview.placeholder = _("No camera picture", language)
        priced = view.priced
        if priced is None:
            self.can_pay, self.total, self.pay_text = False, "", _("Pay", language)
            return
        totals = totals_for(priced, language, view.currency)
        self.items_text = _("Items: {count}", language, count=totals.items)
        self.total = totals.amount_due
        names = [name for name, _amount in totals.savings]
        amounts = [amount for _name, amount in totals.savings]
        if totals.points_used:
            names.append(totals.points_used)
            amounts.append("")
        self.savings_names = "\n".join(names)
        self.savings_amounts = "\n".join(amounts)
        self.can_pay = bool(checkout.active_lines)
        self.pay_text = _("Pay {amount}", language, amount=totals.amount_due)
