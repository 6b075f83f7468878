"""What each press does: shopper and staff intents become session events or app changes.

The .kv files call these (`on_release: app.actions.pay('card')`); nothing here touches a
widget, so the same calls serve the screens, the keyboard wedge and the tests.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from kiosk.checkout import events as ev
from kiosk.checkout.cart import LineSource
from kiosk.checkout.events import PaymentMethod, ReceiptKind, ScanSource, StaffAction
from kiosk.checkout.session import Phase
from kiosk.storage.catalog_repo import restock
from kiosk.storage.staff import StaffMember
from kiosk.ui.face_pay import FaceStage, FaceUpdate
from kiosk.ui.lang import other_language
from kiosk.ui.navigation import LockedBy, Page, StaffOnDuty

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

logger = logging.getLogger(__name__)


class Actions:
    def __init__(self, app: KioskApp) -> None:
        self.app = app
        self.awaiting_produce: tuple[str, int] | None = None  # (gtin, lines before)

    # -- plumbing -----------------------------------------------------------------------

    def _post(self, make: Callable[[float], ev.Event]) -> None:
        runtime = self.app.runtime
        if runtime is None:
            return
        runtime.post(make(runtime.clock()))

    def _phase(self) -> Phase | None:
        runtime = self.app.runtime
        return runtime.state.phase if runtime is not None else None

    # -- any screen ---------------------------------------------------------------------

    def toggle_language(self) -> None:
        language = other_language(self.app.language)
        if self._phase() in (None, Phase.IDLE):
            self.app.set_ui(idle_language=language)
        else:
            self._post(lambda at: ev.StartShopping(at=at, language=language))

    def toggle_large_text(self) -> None:
        self.app.set_ui(large_text=not self.app.ui.large_text)

    def toggle_speech(self) -> None:
        self.app.set_ui(speech=not self.app.ui.speech)

    def still_here(self) -> None:
        """Any sign of life from the shopper restarts the inactivity timer."""
        language = self.app.language
        self._post(lambda at: ev.StartShopping(at=at, language=language))

    def scan(self, code: str, source: ScanSource = ScanSource.WEDGE) -> None:
        self._post(lambda at: ev.ItemScanned(at=at, code=code, source=source))

    # -- shopping -----------------------------------------------------------------------

    def start(self, language: str | None = None) -> None:
        chosen = language or self.app.language
        self._post(lambda at: ev.StartShopping(at=at, language=chosen))

    def open_page(self, page: str) -> None:
        self.app.set_ui(page=Page(page))

    def help(self) -> None:
        self._post(lambda at: ev.HelpRequested(at=at))

    def remove_line(self, line_id: int) -> None:
        self._post(lambda at: ev.VoidRequested(at=at, line_id=int(line_id)))

    def line_pressed(self, line_id: int) -> None:
        """The × on a cart row: staff void it at once, a shopper asks staff to."""
        if self.app.ui.staff is not None:
            self.void_line(line_id)
        else:
            self.remove_line(line_id)

    def cancel_sale(self) -> None:
        self._post(lambda at: ev.CancelRequested(at=at))

    def weigh(self, gtin: str) -> bool:
        """Add the produce item on the scale; False when the scale has nothing to offer."""
        parts, runtime = self.app.peripherals, self.app.runtime
        reading = parts.produce_scale.latest() if parts else None
        if reading is None or runtime is None:
            return False
        self.awaiting_produce = (gtin, len(runtime.state.active_lines))
        self._post(
            lambda at: ev.ProduceWeighed(
                at=at,
                gtin=gtin,
                grams=reading.grams,
                stable=reading.stable,
                overload=reading.overload,
            )
        )
        return True

    def after_update(self) -> None:
        """Back to the cart once the weighed item is in it."""
        runtime = self.app.runtime
        if self.awaiting_produce is None or runtime is None:
            return
        gtin, before = self.awaiting_produce
        lines = runtime.state.active_lines
        if (
            len(lines) > before
            and lines[-1].gtin == gtin
            and lines[-1].source == LineSource.PRODUCE
        ):
            self.awaiting_produce = None
            self.app.set_ui(page=Page.CART)

    # -- paying -------------------------------------------------------------------------

    def pay(self, method: str) -> None:
        chosen = PaymentMethod(method)
        if chosen == PaymentMethod.FACE:
            self.app.set_ui(page=Page.FACE_PAY)
            return
        self._post(lambda at: ev.PayRequested(at=at, method=chosen))

    def redeem_points(self, points: int) -> None:
        self._post(lambda at: ev.RedeemPoints(at=at, points=int(points)))

    def cancel_payment(self) -> None:
        self._post(lambda at: ev.PaymentCancelRequested(at=at))

    def face_start(self, show: Callable[[FaceUpdate], None]) -> None:
        from kivy.clock import Clock

        parts = self.app.peripherals
        if parts is None:
            return

        def on_update(update: FaceUpdate) -> None:  # any thread
            Clock.schedule_once(lambda _dt: self._face_update(update, show), 0)

        parts.face_pay.start(on_update)

    def _face_update(self, update: FaceUpdate, show: Callable[[FaceUpdate], None]) -> None:
        show(update)
        if update.stage == FaceStage.CONFIRMED and update.member_id:
            # FaceVerified, not MemberIdentified: only a face-verified member may pay by face.
            self._post(
                lambda at: ev.FaceVerified(
                    at=at,
                    member_id=update.member_id,
                    display_name=update.display_name,
                    points_balance=update.points_balance,
                )
            )
            self._post(lambda at: ev.PayRequested(at=at, method=PaymentMethod.FACE))

    def face_digits(self, digits: str) -> None:
        if self.app.peripherals is not None:
            self.app.peripherals.face_pay.submit_digits(digits)

    def face_cancel_quietly(self) -> None:
        if self.app.peripherals is not None:
            self.app.peripherals.face_pay.cancel()

    def face_cancel(self) -> None:
        self.face_cancel_quietly()
        self.app.set_ui(page=Page.PAYMENT)

    # -- after paying -------------------------------------------------------------------

    def choose_receipt(self, kind: str) -> None:
        chosen = ReceiptKind(kind)
        self._post(lambda at: ev.ReceiptChosen(at=at, kind=chosen))

    def finish(self, rating: int | None = None) -> None:
        self._post(lambda at: ev.ReceiptDone(at=at, rating=rating))

    # -- staff --------------------------------------------------------------------------

    def open_staff_pin(self) -> None:
        if self.app.ui.staff is None and self.app.runtime is not None:
            self.app.set_ui(staff_pin=True)

    def close_staff_pin(self) -> None:
        self.app.set_ui(staff_pin=False)

    def submit_pin(self, pin: str, answer: Callable[[str], None]) -> None:
        """Check a PIN off the main thread; `answer('')` on success, else the reason."""
        checker = self.app.pin_checker
        if checker is None:
            answer("no database")
            return

        def done(staff: StaffMember | None, reason: str) -> None:
            if staff is None:
                answer(reason or "wrong PIN")
                return
            self.app.set_ui(
                staff_pin=False, staff=StaffOnDuty(staff.staff_id, staff.name, staff.role)
            )
            self._post(lambda at: ev.StaffSignedIn(at=at, staff_id=staff.staff_id, name=staff.name))
            answer("")

        checker.check(pin, done)

    def _staff_post(self, make: Callable[[float], ev.Event]) -> None:
        """Post a staff event, first signing the staff member in again if the session forgot
        them (a session that ended starts its successor with nobody signed in)."""
        staff, runtime = self.app.ui.staff, self.app.runtime
        if staff is None or runtime is None:
            return
        signed = runtime.state.staff
        if signed is None or signed.staff_id != staff.staff_id:
            self._post(lambda at: ev.StaffSignedIn(at=at, staff_id=staff.staff_id, name=staff.name))
        self._post(make)
        self.app.staff_touched()

    def resolve(self, intervention_id: int, action: str = "approve") -> None:
        chosen = StaffAction(action)
        self._staff_post(
            lambda at: ev.StaffResolve(at=at, intervention_id=int(intervention_id), action=chosen)
        )

    def void_line(self, line_id: int) -> None:
        self._staff_post(lambda at: ev.StaffVoidLine(at=at, line_id=int(line_id)))

    def staff_cancel_sale(self) -> None:
        self._staff_post(lambda at: ev.StaffCancelSale(at=at))

    def lock(self) -> None:
        self.app.lock(LockedBy.STAFF, "")
        self.app.staff_touched()

    def unlock(self) -> None:
        self.app.unlock()
        self.app.staff_touched()
        staff, peripherals = self.app.ui.staff, self.app.peripherals
        if staff is not None and peripherals is not None:
            # the agent's journal is an fsynced SQLite write that may wait for a command in
            # progress: not on the Kivy thread
            threading.Thread(
                target=peripherals.fleet.staff_unlocked,
                args=(staff.staff_id,),
                name="fleet-staff-unlock",
                daemon=True,
            ).start()

    def restock(self, gtin: str, quantity: int, answer: Callable[[int | None, str], None]) -> None:
        """Add stock in a worker thread; `answer(new stock, problem)` on the main thread."""
        from kivy.clock import Clock

        staff, kiosk = self.app.ui.staff, self.app.kiosk
        if staff is None or kiosk is None:
            return
        self.app.staff_touched()

        def work() -> None:
            stock: int | None = None
            problem = ""
            try:
                stock = restock(kiosk.db, gtin, quantity, staff_id=staff.staff_id)
            except Exception as e:
                logger.exception("restock of %s failed", gtin)
                problem = str(e)
            Clock.schedule_once(lambda _dt: answer(stock, problem), 0)

        threading.Thread(target=work, name="restock", daemon=True).start()

    def restock_mode(self, on: bool) -> None:
        staff, parts = self.app.ui.staff, self.app.peripherals
        if staff is None or parts is None:
            return
        if on:
            parts.shelves.restock_started(staff.staff_id)
        else:
            parts.shelves.restock_finished(staff.staff_id)

    def sign_out(self) -> None:
        self.app.set_ui(staff=None)
        self._post(lambda at: ev.StaffSignedOut(at=at))

    def exit_app(self) -> None:
        """Only from staff mode: leave the app for maintenance."""
        if self.app.ui.staff is not None:
            self.sign_out()
            self.app.request_exit("staff")
