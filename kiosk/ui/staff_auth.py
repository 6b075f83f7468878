"""Staff PIN checks (argon2id, tens of milliseconds) off the main thread."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from kiosk.storage.engine import Database
from kiosk.storage.staff import PinRejected, StaffMember, find_by_pin

logger = logging.getLogger(__name__)

Answer = Callable[[StaffMember | None, str], None]


class PinChecker:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.busy = False

    def check(self, pin: str, answer: Answer) -> None:
        """Verify in a worker thread; `answer(staff or None, reason)` runs on the main thread."""
        from kivy.clock import Clock

        if self.busy:
            return
        self.busy = True

        def work() -> None:
            staff: StaffMember | None = None
            reason = ""
            try:
                staff = find_by_pin(self.db, pin)
            except PinRejected as e:
                reason = str(e)
            except Exception as e:  # the database, not the PIN: say so, never crash the UI
                logger.exception("staff PIN check failed")
                reason = f"cannot check the PIN now: {type(e).__name__}"

            def deliver(_dt: float) -> None:
                self.busy = False
                answer(staff, reason)

            Clock.schedule_once(deliver, 0)

        threading.Thread(target=work, name="staff-pin", daemon=True).start()
