"""A camera through OpenCV, which faults clearly when unplugged and reconnects with backoff."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np

from vision.sources.base import EventSink, Frame, SourceBase, SourceState
from vision.sources.config import CameraConfig

logger = logging.getLogger(__name__)


class Capture(Protocol):
    """The part of cv2.VideoCapture the camera uses (tests inject one at this edge)."""

    def isOpened(self) -> bool: ...  # noqa: N802 - OpenCV's name

    def read(self) -> tuple[bool, Any]: ...

    def set(self, prop: int, value: float) -> bool: ...

    def release(self) -> None: ...


CaptureFactory = Callable[[int | str, int], Capture]


def _opencv_capture(device: int | str, api: int) -> Capture:
    return cv2.VideoCapture(device, api)


class OpenCVCamera(SourceBase):
    """`read()` returns the next frame; an unplugged camera turns FAULT (one event naming the
    cause) and is reopened with exponential backoff until it answers or the camera is closed."""

    def __init__(
        self,
        config: CameraConfig,
        *,
        on_event: EventSink | None = None,
        capture_factory: CaptureFactory = _opencv_capture,
    ) -> None:
        super().__init__(f"camera:{config.device}", on_event)
        self.config = config
        self._factory = capture_factory
        self._cap: Capture | None = None
        self._lock = threading.Lock()  # close() from another thread waits for a read in flight
        self._failures = 0
        self._backoff = config.reconnect_initial_s
        self.reconnects = 0

    def open(self) -> None:
        self._closing.clear()
        self._connect()

    def read(self) -> Frame | None:
        while not self._closing.is_set():
            if self._cap is None and not self._connect():
                if not self._wait(self._backoff):
                    break
                self._backoff = min(self._backoff * 2, self.config.reconnect_max_s)
                continue
            image = self._grab()
            if image is not None:
                self._failures = 0
                self._set_state(SourceState.RUNNING)
                return self._frame(image)
            self._failures += 1
            if self._failures >= self.config.failures_before_fault:
                self._drop(f"{self._failures} reads failed in a row (unplugged or hung?)")
        return None

    def close(self) -> None:
        self._closing.set()
        self._release()
        self._set_state(SourceState.CLOSED)

    def _grab(self) -> Any:
        try:
            with self._lock:
                if self._cap is None:
                    return None
                ok, image = self._cap.read()
        except cv2.error as e:
            logger.debug("camera %s read raised %s", self.name, e)
            return None
        if not ok or not isinstance(image, np.ndarray) or image.size == 0:
            return None
        return image

    def _connect(self) -> bool:
        device = self.config.device
        if isinstance(device, str) and not Path(device).exists():
            self._set_state(SourceState.FAULT, f"device {device} does not exist (unplugged?)")
            return False
        api = cv2.CAP_V4L2 if self.config.backend == "v4l2" else cv2.CAP_ANY
        try:
            cap = self._factory(device, api)
            opened = cap.isOpened()
        except cv2.error as e:
            self._set_state(SourceState.FAULT, f"cannot open camera {device}: {e}")
            return False
        if not opened:
            cap.release()
            self._set_state(SourceState.FAULT, f"cannot open camera {device} (busy or unplugged?)")
            return False
        cfg = self.config
        cap.set(cv2.CAP_PROP_FRAME_WIDTH, cfg.width)
        cap.set(cv2.CAP_PROP_FRAME_HEIGHT, cfg.height)
        cap.set(cv2.CAP_PROP_FPS, cfg.fps)
        cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # the driver's queue adds latency; we want now
        with self._lock:
            if self._closing.is_set():  # closed while opening: nobody would release it
                cap.release()
                return False
            self._cap = cap
        if self.state == SourceState.FAULT:
            self.reconnects += 1
        self._failures = 0
        self._backoff = cfg.reconnect_initial_s
        return True

    def _drop(self, reason: str) -> None:
        self._release()
        self._set_state(SourceState.FAULT, reason)

    def _release(self) -> None:
        with self._lock:
            cap, self._cap = self._cap, None
        if cap is not None:
            try:
                cap.release()
            except cv2.error as e:
                logger.debug("camera %s release raised %s", self.name, e)
