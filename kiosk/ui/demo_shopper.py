"""A simulated shopper for `kiosk run --demo-panel`: acts on the simulated devices themselves.

Everything goes through the simulators' own control paths, never straight into the session:
codes are held up to the synthetic camera, weights go on the simulated boards through their
control sockets (the same text commands `kiosk devices simulate` takes), the face is shown to
the presented face camera. The app then sees it all through its real workers.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devices.weighing.control import send_command
from kiosk.checkout.catalog import Product
from kiosk.checkout.gs1 import GtinError, to_gtin14
from kiosk.ui.workers.camera import printed_code

logger = logging.getLogger(__name__)

UNEXPECTED_G = 250  # a handbag, a jacket: something that was never scanned
PRODUCE_G = 640
HOLD_S = 2.5  # how long a product is held up to the camera
FOLLOW_AGAIN_S = 2.5  # a prompt still shown this long after acting on it is acted on again


class ShopperError(RuntimeError):
    """What the shopper cannot do, said plainly (shown on the panel)."""


@dataclass(frozen=True)
class DemoProduct:
    gtin: str
    code: str  # the text printed in the barcode
    name: str


Sender = Callable[[Path, str], str]


class DemoShopper:
    """Acts on `SimulatorHandles` (kiosk/ui/hardware.py); each action returns the device's
    reply or raises ShopperError."""

    def __init__(
        self,
        handles: Any,
        products: list[Product],
        *,
        last_scanned: Callable[[], str | None] | None = None,
        send: Sender = send_command,
        hold_s: float = HOLD_S,
    ) -> None:
        self.handles = handles
        self.send = send
        self.hold_s = hold_s
        self.last_scanned = last_scanned
        self.products = [
            DemoProduct(p.gtin, code.text, p.name_en)
            for p in products
            if (code := printed_code(p)) is not None
        ]
        self._by_gtin = {p.gtin: p for p in self.products}
        # Each panel button runs in its own thread, so two quick presses act at once: the lock
        # guards `shown`, `bagged` and `_timer`, held only to read or swap them, never across a
        # call to a device.
        self._lock = threading.Lock()
        self.shown: DemoProduct | None = None
        self.bagged: list[str] = []  # what the shopper put on the bagging scale, in order
        self._timer: threading.Timer | None = None
        self._acted: tuple[str, float] = ("", 0.0)

    # -- the scanning camera --------------------------------------------------------------

    def present(self, gtin: str) -> DemoProduct:
        """Hold a catalog product's barcode up to the camera for `hold_s`."""
        camera = self._need(self.handles.scanning_camera, "synthetic scanning camera")
        try:
            product = self._by_gtin.get(to_gtin14(gtin))
        except GtinError as e:
            raise ShopperError(f"{gtin} is not a GTIN: {e}") from None
        if product is None:
            raise ShopperError(f"{gtin} is not a product the synthetic camera can show")
        camera.present(product.code)
        timer = threading.Timer(self.hold_s, camera.take_away)
        timer.daemon = True
        with self._lock:  # the last present's timer is the one left running
            earlier, self._timer = self._timer, timer
            self.shown = product
        if earlier is not None:
            earlier.cancel()
        timer.start()
        return product

    # -- the bagging and produce scales -----------------------------------------------------

    def bag_last(self) -> str:
        """Put the last scanned item on the bagging scale (its catalog weight)."""
        with self._lock:
            shown = self.shown
        gtin = (self.last_scanned() if self.last_scanned else None) or (
            shown.gtin if shown else None
        )
        if gtin is None:
            raise ShopperError("nothing was scanned yet")
        return self._bag(gtin)

    def unbag_last(self) -> str:
        """Take the item put on the bagging scale last off it again."""
        with self._lock:  # taken from the list first: a second press takes the item before it
            if not self.bagged:
                raise ShopperError("nothing is on the bagging scale")
            what = self.bagged.pop()
        try:
            return self._scale("bagging_scale", f"remove {what}")
        except ShopperError:
            with self._lock:
                self.bagged.append(what)  # still on the scale
            raise

    def bag_unexpected(self, grams: int = UNEXPECTED_G) -> str:
        return self._bag(f"{grams}g")

    def _bag(self, what: str) -> str:
        reply = self._scale("bagging_scale", f"place {what}")
        with self._lock:
            self.bagged.append(what)
        return reply

    def produce_on(self, grams: int = PRODUCE_G) -> str:
        return self._scale("produce_scale", f"place {grams}g")

    def produce_off(self) -> str:
        load = self._scale("produce_scale", "load")  # "ok 640.0 g on plate 0"
        grams = float(load.split()[1])
        if grams < 1:
            raise ShopperError("the produce scale is empty")
        return self._scale("produce_scale", f"remove {grams:.1f}g")

    def unplug(self, device: str) -> str:
        return self._scale(device, "unplug")

    def replug(self, device: str) -> str:
        return self._scale(device, "replug")

    # -- smart shelves ----------------------------------------------------------------------

    def shelf_ids(self) -> list[str]:
        """The configured shelves (their simulators start with the app)."""
        shelves = self.handles.shelves
        return sorted(shelves.shelves) if shelves is not None else []

    def shelf_take(self, shelf: str, plate: int, quantity: int = 1) -> str:
        return self._shelf(shelf, f"remove plate={plate} qty={quantity}")

    def shelf_put_back(self, shelf: str, plate: int, quantity: int = 1) -> str:
        return self._shelf(shelf, f"place plate={plate} qty={quantity}")

    # -- the face camera --------------------------------------------------------------------

    def show_face(self) -> None:
        self._face().show()

    def hide_face(self) -> None:
        self._face().hide()

    def blink(self) -> None:
        self._face().blink()

    def turn(self, direction: int) -> None:
        """+1: turn to the shopper's own left, -1: to their right."""
        self._face().turn(direction)

    def follow_prompt(self) -> str:
        """Do what face pay's liveness prompt asks (blink, turn); returns what was done."""
        face = self._face()
        engine = self.handles.face_pay
        prompt = getattr(engine.prompt, "value", "") if engine is not None else ""
        if not prompt or not face.shown or face.busy:
            return ""
        last, at = self._acted
        if prompt == last and time.monotonic() - at < FOLLOW_AGAIN_S:
            return ""
        if prompt == "blink":
            face.blink()
        elif prompt in ("turn_left", "turn_right"):
            face.turn(1 if prompt == "turn_left" else -1)
        else:
            return ""
        self._acted = (prompt, time.monotonic())
        return prompt

    # -- plumbing ---------------------------------------------------------------------------

    @staticmethod
    def _need(thing: Any, what: str) -> Any:
        if thing is None:
            raise ShopperError(f"this kiosk has no {what} (see [devices] in the config)")
        return thing

    def _face(self) -> Any:
        return self._need(self.handles.face_camera, "presented face camera")

    def _scale(self, device: str, command: str) -> str:
        worker = self._need(getattr(self.handles, device, None), f"simulated {device}")
        path = self._need(worker.control_path, f"simulated {device}")
        return self._reply(path, command)

    def _shelf(self, shelf: str, command: str) -> str:
        shelves = self._need(self.handles.shelves, "simulated smart shelves")
        path = shelves.control_path(shelf)
        if path is None:
            raise ShopperError(f"no simulated shelf {shelf!r}; known: {self.shelf_ids()}")
        return self._reply(path, command)

    def _reply(self, path: Path, command: str) -> str:
        try:
            reply = self.send(path, command)
        except OSError as e:
            raise ShopperError(f"the simulator at {path} does not answer: {e}") from None
        if not reply.startswith("ok"):
            raise ShopperError(reply.removeprefix("error: "))
        logger.info("demo shopper: %s -> %s", command, reply)
        return reply
