"""Latest-value mailboxes that camera and scale workers publish into and the app reads.

Workers run in their own threads and call `publish_*` whenever they have something; the app
reads the newest value on its own schedule (each frame for the preview). Nothing queues up:
a slow screen skips frames instead of falling behind.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np


class BoxKind(StrEnum):
    BARCODE = "barcode"
    FACE = "face"


class PixelFormat(StrEnum):
    RGB = "rgb"
    BGR = "bgr"  # what OpenCV hands out


@dataclass(frozen=True)
class Box:
    """Something found in a frame, in that frame's pixels (origin top-left, y down)."""

    x: int
    y: int
    w: int
    h: int
    kind: BoxKind = BoxKind.BARCODE
    label: str = ""  # the decoded code, or a name


@dataclass(frozen=True)
class Frame:
    pixels: np.ndarray  # (height, width, 3) uint8, C-contiguous
    fmt: PixelFormat
    seq: int  # 1, 2, 3... per feed
    at: float  # time.monotonic() when published

    @property
    def size(self) -> tuple[int, int]:
        return int(self.pixels.shape[1]), int(self.pixels.shape[0])


class PreviewFeed:
    """The newest camera frame and the boxes drawn over it. Thread-safe."""

    def __init__(self, name: str, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.name = name
        self.clock = clock
        self._lock = threading.Lock()
        self._frame: Frame | None = None
        self._boxes: dict[BoxKind, tuple[float, tuple[Box, ...]]] = {}
        self.frames_published = 0

    def publish_frame(self, pixels: np.ndarray, fmt: PixelFormat = PixelFormat.BGR) -> None:
        """A new frame; raises ValueError naming the problem when it is not 8-bit colour."""
        if not isinstance(pixels, np.ndarray) or pixels.dtype != np.uint8:
            raise ValueError("a preview frame must be a uint8 numpy array")
        if pixels.ndim != 3 or pixels.shape[2] != 3 or min(pixels.shape[:2]) < 2:
            raise ValueError(f"a preview frame must be (height, width, 3), not {pixels.shape}")
        pixels = np.ascontiguousarray(pixels)
        with self._lock:
            self.frames_published += 1
            self._frame = Frame(pixels, fmt, self.frames_published, self.clock())

    def publish_boxes(self, boxes: Sequence[Box], kind: BoxKind = BoxKind.BARCODE) -> None:
        """What the decoder found in the latest frame; replaces earlier boxes of this kind."""
        with self._lock:
            self._boxes[kind] = (self.clock(), tuple(b for b in boxes if b.kind == kind))

    def latest(self) -> Frame | None:
        with self._lock:
            return self._frame

    def boxes(self, hold_s: float) -> tuple[Box, ...]:
        """Boxes published less than `hold_s` ago, so a quick read stays visible a moment."""
        now = self.clock()
        with self._lock:
            return tuple(
                box for at, boxes in self._boxes.values() if now - at <= hold_s for box in boxes
            )


@dataclass(frozen=True)
class ScaleReading:
    grams: int
    stable: bool
    overload: bool = False
    at: float = 0.0


class ReadingBoard:
    """The newest reading of one scale (the produce scale). Thread-safe."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._lock = threading.Lock()
        self._reading: ScaleReading | None = None

    def publish(self, reading: ScaleReading) -> None:
        with self._lock:
            self._reading = reading

    def latest(self) -> ScaleReading | None:
        with self._lock:
            return self._reading
