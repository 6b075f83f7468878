"""Payment choice: face, QR wallet, card, member wallet; points for members."""

from __future__ import annotations

from kivy.app import App
from kivy.properties import BooleanProperty, NumericProperty, StringProperty

from kiosk.checkout.events import PaymentMethod
from kiosk.i18n import N_, money
from kiosk.ui.lang import tr as _
from kiosk.ui.screens import KioskScreen
from kiosk.ui.view import AppView

M = PaymentMethod
# Notices that mean "this did not work", shown in red; others (points applied) are not.
PROBLEMS = {
    "payment_declined",
    "payment_failed",
    "payment_cancelled",
    "member_required",
    "nothing_to_pay",
    "cannot_redeem_points",
    "bag_items_first",
    "age_check_needed",
}


class PaymentScreen(KioskScreen):
    spoken_prompt = N_("How would you like to pay?")
    amount = StringProperty("")
    notice = StringProperty("")
    notice_alert = BooleanProperty(False)
    member_text = StringProperty("")
    card_ok = BooleanProperty(False)
    qr_ok = BooleanProperty(False)
    face_ok = BooleanProperty(False)
    wallet_ok = BooleanProperty(False)
    wallet_hint = StringProperty("")
    face_hint = StringProperty("")
    points = NumericProperty(0)
    points_text = StringProperty("")

    def update(self, view: AppView) -> None:
        app = App.get_running_app()
        checkout, priced, language = view.checkout, view.priced, view.language
        if checkout is None or app.kiosk is None:
            return
        self.amount = money(priced.amount_due, view.currency, language) if priced else ""
        self.notice = view.notice if view.notice_key not in ("item_added", "welcome") else ""
        self.notice_alert = view.notice_key in PROBLEMS
        offered = set(app.kiosk.loaded.config.payments.methods)
        member = checkout.member
        self.card_ok = M.CARD in offered
        self.qr_ok = M.QR_WALLET in offered
        face_engine = app.peripherals.face_pay.available if app.peripherals else False
        self.face_ok = M.FACE in offered and face_engine
        self.face_hint = (
            _("Members: pay with your face", language)
            if self.face_ok
            else _("Not available at this checkout", language)
        )
        self.wallet_ok = M.MEMBER_WALLET in offered and member is not None
        self.wallet_hint = (
            _("Pay from your member balance", language)
            if member
            else _("Scan your member card first", language)
        )
        self.member_text = _("Member: {name}", language, name=member.display_name) if member else ""
        loyalty = app.kiosk.loaded.pricing.loyalty
        usable = member.points_balance if member else 0
        self.points = (
            usable if usable >= loyalty.min_redeem and not checkout.points_to_redeem else 0
        )
        self.points_text = _("Use my {points} points", language, points=self.points)
