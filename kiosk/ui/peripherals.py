"""Everything outside the checkout core that the app shows or drives, in one object.

`kiosk run` fills it from the config with kiosk/ui/hardware.py (real camera, scales, shelves,
face pay); tests may use the stand-ins of kiosk/ui/standins.py instead.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from kiosk.ui.control import FleetLink, KioskControl, ShelfControl, Worker
from kiosk.ui.device_board import DeviceBoard
from kiosk.ui.face_pay import FacePayEngine
from kiosk.ui.feeds import PreviewFeed, ReadingBoard

logger = logging.getLogger(__name__)


@dataclass
class Peripherals:
    camera: PreviewFeed  # the scanning camera: frames and barcode boxes
    face_camera: PreviewFeed  # may be the same feed as `camera`
    produce_scale: ReadingBoard
    devices: DeviceBoard
    face_pay: FacePayEngine
    shelves: ShelfControl
    fleet: FleetLink
    workers: list[Worker] = field(default_factory=list)
    simulators: Any = None  # hardware.SimulatorHandles: what the demo panel's shopper drives

    def start(self, control: KioskControl) -> None:
        for worker in self.workers:
            worker.start()
        self.fleet.start(control)

    def stop(self) -> None:
        parts: list[FleetLink | Worker] = [self.fleet, *reversed(self.workers)]
        for part in parts:
            try:
                part.stop()
            except Exception:
                logger.exception("stopping %s failed", type(part).__name__)
