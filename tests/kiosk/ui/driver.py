"""Runs the real kiosk app in the test process and presses its widgets like a shopper.

Kivy allows one window per process, so one app serves the whole test session; each test
starts from the attract screen (`reset`). The loop is pumped by hand (`EventLoop.idle`),
touches go through Kivy's input path (UnitTestTouch), and the runtime runs its own thread
as in production, on a clock the tests can move forward.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.assembly import Kiosk
from kiosk.checkout import events as ev
from kiosk.checkout.session import Phase
from kiosk.ui.app import KioskApp
from kiosk.ui.navigation import Page, Service


class SkewClock:
    """time.monotonic, plus however far a test has jumped ahead."""

    def __init__(self) -> None:
        self.skew = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.skew

    def advance(self, seconds: float) -> None:
        self.skew += seconds


class AppDriver:
    def __init__(self, app: KioskApp, kiosk: Kiosk, clock: SkewClock) -> None:
        from kivy.base import EventLoop

        self.app = app
        self.kiosk = kiosk
        self.runtime = kiosk.runtime
        self.clock = clock
        self.loop = EventLoop

    # -- the loop -----------------------------------------------------------------------

    def pump(self, frames: int = 1) -> None:
        for _ in range(frames):
            self.loop.idle()

    def wait_for(self, condition: Callable[[], Any], what: str, timeout: float = 8.0) -> Any:
        """Pump frames until `condition()` is truthy; fail saying what was expected and seen."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.pump()
            result = condition()
            if result:
                return result
        raise AssertionError(
            f"timed out waiting for {what}; screen {self.screen_name}, "
            f"state {self.runtime.state.state.value}, texts {self.texts()[:40]}"
        )

    def settle(self, frames: int = 4) -> None:
        """Let queued events reach the screen and the next frames draw."""
        self.wait_for(self._idle_queue, "the checkout loop to finish its queue")
        self.pump(frames)

    def _idle_queue(self) -> bool:
        return self.runtime._queue.empty()

    # -- looking ------------------------------------------------------------------------

    @property
    def screen_name(self) -> str:
        return str(self.app.sm.current)

    @property
    def screen(self) -> Any:
        return self.app.sm.current_screen

    def wait_screen(self, name: str, timeout: float = 8.0) -> Any:
        self.wait_for(
            lambda: self.screen_name == name and not self.app.sm.transition.is_active,
            f"the {name} screen",
            timeout,
        )
        self.pump(3)
        return self.screen

    def texts(self) -> list[str]:
        from kiosk.ui.snapshot import visible_texts

        return visible_texts(self.app.root)

    def shows(self, fragment: str) -> bool:
        return any(fragment in text for text in self.texts())

    def wait_shows(self, fragment: str, timeout: float = 8.0) -> None:
        """The session changes first and the screen on a later frame: wait for the words."""
        self.wait_for(lambda: self.shows(fragment), repr(fragment), timeout)

    # -- doing --------------------------------------------------------------------------

    def press(self, widget: Any) -> None:
        """Touch the middle of `widget` through Kivy's input path, as a finger would."""
        from kivy.tests.common import UnitTestTouch

        # A screen manager drops touches while it switches screens (a frame or two).
        self.wait_for(lambda: not self.app.sm.transition.is_active, "the screen switch")
        assert widget.get_root_window() is not None, f"{widget} is not on screen"
        assert not widget.disabled, f"{getattr(widget, 'text', widget)!r} is disabled"
        assert widget.opacity > 0, f"{getattr(widget, 'text', widget)!r} is hidden"
        x, y = widget.to_window(*widget.center)
        self._assert_in_view(widget, x, y)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        self.pump()
        touch.touch_up()
        self.pump(2)

    def _assert_in_view(self, widget: Any, x: float, y: float) -> None:
        """A finger can only touch what a scroll view shows."""
        from kivy.uix.scrollview import ScrollView

        parent = widget.parent
        while parent is not None and parent is not parent.parent:
            if isinstance(parent, ScrollView):
                left, bottom = parent.to_window(parent.x, parent.y)
                inside = left <= x <= left + parent.width and bottom <= y <= bottom + parent.height
                assert inside, f"{getattr(widget, 'text', widget)!r} is scrolled out of view"
            parent = parent.parent

    def scroll_to(self, widget: Any) -> None:
        from kivy.uix.scrollview import ScrollView

        parent = widget.parent
        while not isinstance(parent, ScrollView):
            parent = parent.parent
        parent.scroll_to(widget, animate=False)
        self.pump(3)

    def press_id(self, widget_id: str) -> None:
        self.press(self.screen.ids[widget_id])

    def press_top(self, widget_id: str) -> None:
        self.press(self.app.root.ids.top_bar.ids[widget_id])

    def button(self, text: str) -> Any:
        """The visible button on the current screen whose text is exactly `text`."""
        from kivy.uix.behaviors import ButtonBehavior

        for widget in self.screen.walk(restrict=True):
            is_button = isinstance(widget, ButtonBehavior)
            if is_button and getattr(widget, "text", None) == text and widget.opacity > 0:
                return widget
        raise AssertionError(f"no button {text!r} on {self.screen_name}: {self.texts()}")

    def post(self, event_type: type[ev.Event], **fields: Any) -> None:
        self.runtime.post(event_type(at=self.runtime.clock(), **fields))

    def type_pin(self, pin: str) -> None:
        keypad = self.screen.ids.keypad
        for digit in pin:
            self.press(keypad.keys[digit])

    # -- screenshots --------------------------------------------------------------------

    def shot(self, path: Path) -> Path:
        """Save what the window shows as a small palette PNG."""
        from PIL import Image

        self.pump(3)
        path.parent.mkdir(parents=True, exist_ok=True)
        raw = path.with_suffix(".raw.png")
        self.app.root.export_to_png(str(raw))
        with Image.open(raw) as image:
            small = image.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT)
            buffer = io.BytesIO()
            small.save(buffer, format="PNG", optimize=True)
        raw.unlink()
        path.write_bytes(buffer.getvalue())
        return path

    # -- between tests ------------------------------------------------------------------

    def reset(self) -> None:
        """Back to the attract screen, in English, normal text, unlocked, nobody signed in."""
        app = self.app
        app.set_ui(staff=None, staff_pin=False, page=Page.CART, large_text=False, service=Service())
        state = self.runtime.state
        if state.phase == Phase.PAYING:
            self.post(ev.PaymentCancelRequested)
            self.settle()
            state = self.runtime.state
        if state.phase in (Phase.PAID, Phase.RECEIPT):
            self.post(ev.ReceiptDone)
        elif state.phase == Phase.SHOPPING:
            self.post(ev.StaffSignedIn, staff_id="s01", name="Wang Fang")
            self.post(ev.StaffCancelSale)
        self.post(ev.StaffSignedOut)
        self.post(ev.WeightChanged, grams=0, stable=True)  # the last shopper took the bags
        self.wait_for(lambda: self.runtime.state.phase == Phase.IDLE, "an idle kiosk")
        app.set_ui(idle_language="en")
        self.wait_screen("attract")
