"""What each device reports about itself, collected for the staff screen and out-of-service."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.device_state import CARD_TERMINAL, PRINTER, DeviceState

logger = logging.getLogger(__name__)

# Names the app knows how to describe; other names are shown as they are.
CAMERA = "camera"
BAGGING_SCALE = "bagging_scale"
PRODUCE_SCALE = "produce_scale"
SHELVES = "shelves"
FACE_CAMERA = "face_camera"
# PRINTER and CARD_TERMINAL (and DeviceState) live in kiosk.device_state: the runtime reports them.
__all__ = [
    "BAGGING_SCALE", "CAMERA", "CARD_TERMINAL", "FACE_CAMERA", "PRINTER", "PRODUCE_SCALE",
    "SHELVES", "DeviceBoard", "DeviceState", "DeviceStatus",
]  # fmt: skip


@dataclass(frozen=True)
class DeviceStatus:
    name: str
    state: DeviceState
    required: bool = False  # the kiosk cannot sell without it: out of service when down
    detail: str = ""
    stand_in: bool = False  # an in-process stand-in, not the real device

    @property
    def down(self) -> bool:
        return self.state in (DeviceState.MISSING, DeviceState.FAULT)


Listener = Callable[[tuple[DeviceStatus, ...]], None]


class DeviceBoard:
    """Latest status per device name. `report` is thread-safe; listeners run on the caller."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._status: dict[str, DeviceStatus] = {}
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def report(self, status: DeviceStatus) -> None:
        with self._lock:
            before = self._status.get(status.name)
            self._status[status.name] = status
            everything = tuple(self._status.values())
        if before != status:
            if status.down:
                logger.warning("device %s is %s: %s", status.name, status.state, status.detail)
            for listener in self._listeners:
                try:
                    listener(everything)
                except Exception:
                    logger.exception("device listener failed")

    def all(self) -> tuple[DeviceStatus, ...]:
        with self._lock:
            return tuple(self._status.values())

    def required_down(self) -> tuple[DeviceStatus, ...]:
        return tuple(s for s in self.all() if s.required and s.down)
