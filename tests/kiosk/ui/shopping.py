"""What a shopper and the devices around them do, for the app tests."""

from __future__ import annotations

from typing import Any

import numpy as np

from kiosk.checkout import events as ev
from kiosk.checkout.events import ScanSource
from kiosk.checkout.gs1 import Symbology
from kiosk.ui.feeds import Box, BoxKind

COLA = "5449000039231"  # 3.50, 345 g, "Cola 3 for 2"
MILK = "8480010001136"  # 9.80, 1060 g
STOUT = "5000213002834"  # 14.50, 475 g, 18+
NOVEL = "9780140013993"  # 58.00, 240 g
GRAPES = "02004023000007"  # produce, 26.00/kg, 15% off

WEIGHTS = {COLA: 345, MILK: 1060, STOUT: 475, NOVEL: 240}


def camera_frame(seed: int = 7) -> np.ndarray:
    """A 1280x720 BGR frame with something product-like in the middle."""
    rng = np.random.default_rng(seed)
    frame = np.full((720, 1280, 3), 70, np.uint8)
    frame[180:540, 380:900] = (40, 90, 200)
    frame[300:420, 480:800] = rng.integers(0, 2, (120, 320, 1), dtype=np.uint8) * 255
    return frame


class Shopper:
    def __init__(self, env: Any) -> None:
        self.env = env
        self.driver = env.driver
        self.bag_g = 0

    def scan(self, code: str) -> None:
        """The camera pipeline's part: a frame, the box around the code, then the event."""
        camera = self.env.camera
        if camera.latest() is None:
            camera.publish_frame(camera_frame())
        camera.publish_boxes([Box(480, 300, 320, 120, BoxKind.BARCODE, code)])
        self.driver.post(
            ev.ItemScanned, code=code, symbology=Symbology.EAN13, source=ScanSource.CAMERA
        )

    def show_face(self, member_id: str, box: Box, prompt: Any) -> None:
        """The face camera's part: a frame in the preview, then the engine's face and prompt."""
        camera = self.env.camera
        if camera.latest() is None:
            camera.publish_frame(camera_frame())
        self.env.face.show_face(member_id, box, prompt)

    def bag(self, code: str | None = None, grams: int | None = None) -> None:
        """Put an item (or `grams` of anything) in the bagging area: a stable scale reading."""
        self.bag_g += grams if grams is not None else WEIGHTS[code or ""]
        self.driver.post(ev.WeightChanged, grams=self.bag_g, stable=True)

    def scan_and_bag(self, *codes: str) -> None:
        for code in codes:
            self.scan(code)
            self.bag(code)
        self.driver.settle()


def pick_grapes(driver: Any) -> Any:
    """From the attract screen: start, open the produce look-up, search "GR" down to the
    grapes and choose them; returns the produce screen, waiting for a weight."""
    driver.press_id("start_button")
    driver.wait_screen("shopping")
    driver.press_id("produce_button")
    produce = driver.wait_screen("produce")
    for key in ("G", "R"):
        driver.press(driver.button(key))
    driver.wait_for(lambda: list(produce.buttons) == [GRAPES], "the search to leave only grapes")
    driver.press(produce.buttons[GRAPES])
    return produce
