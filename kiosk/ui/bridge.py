"""From the checkout loop thread to the Kivy main thread: newest state, effects merged.

The runtime calls listeners on its loop thread after every step. The bridge prices the cart
there (keeping the main thread free), keeps only the newest state plus every effect since the
last frame, and fires one Clock trigger; the main thread then sees one update per frame at
most, however fast events arrive.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.checkout import effects as fx
from kiosk.checkout.pricing import PricedCart, PricingError
from kiosk.checkout.session import Checkout
from kiosk.runtime import Runtime

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    checkout: Checkout
    priced: PricedCart | None
    pricing_error: str = ""


Receiver = Callable[[Snapshot, tuple[fx.Effect, ...]], None]


class StateBridge:
    def __init__(self, runtime: Runtime, receiver: Receiver) -> None:
        from kivy.clock import Clock

        self.runtime = runtime
        self.receiver = receiver
        self._lock = threading.Lock()
        self._latest: Snapshot | None = None
        self._effects: list[fx.Effect] = []
        self._last_state: Checkout | None = None
        self._trigger = Clock.create_trigger(self._flush, 0)
        self.flushes = 0

    def attach(self) -> None:
        self.runtime.subscribe(self._on_step)

    def current(self) -> Snapshot:
        """A snapshot made now, on the calling thread (the first frame)."""
        return self._snapshot(self.runtime.state)

    def _snapshot(self, state: Checkout) -> Snapshot:
        try:
            return Snapshot(state, self.runtime.machine.price(state))
        except PricingError as e:
            logger.error("cannot price the cart: %s", e)
            return Snapshot(state, None, str(e))

    def _on_step(self, state: Checkout, effects: tuple[fx.Effect, ...]) -> None:
        # Loop thread. Most ticks change nothing: skip them without waking the main thread.
        if state is self._last_state and not effects:
            return
        snapshot = self._snapshot(state) if state is not self._last_state else None
        self._last_state = state
        with self._lock:
            if snapshot is not None:
                self._latest = snapshot
            self._effects.extend(effects)
        self._trigger()

    def _flush(self, _dt: float) -> None:
        with self._lock:
            snapshot, effects = self._latest, tuple(self._effects)
            self._latest = None
            self._effects.clear()
        self.flushes += 1
        if snapshot is None and not effects:
            return
        self.receiver(snapshot or self.current(), effects)
