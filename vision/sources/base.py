"""The frame-source contract: frames with a capture time and number, states and state events."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

logger = logging.getLogger(__name__)

Image = NDArray[np.uint8]


class SourceState(StrEnum):
    CLOSED = "closed"  # not opened yet, or closed by the owner
    RUNNING = "running"  # delivering frames
    FAULT = "fault"  # the device failed (unplugged, read error); reconnecting with backoff
    ENDED = "ended"  # a finite source (video, folder) has no more frames


@dataclass(frozen=True)
class Frame:
    """One captured image. `captured_at` is `time.monotonic()` when it was taken."""

    image: Image
    captured_at: float
    number: int
    source: str


@dataclass(frozen=True)
class SourceEvent:
    """A change of state, e.g. FAULT with the reason when a camera is unplugged."""

    source: str
    state: SourceState
    detail: str
    at: float


class FrameSource(Protocol):
    """Something that yields frames. `read()` blocks until the next frame and returns None only
    once the source is closed or has ended; while FAULT it keeps trying to recover."""

    name: str

    @property
    def state(self) -> SourceState: ...

    def open(self) -> None: ...

    def read(self) -> Frame | None: ...

    def close(self) -> None: ...


EventSink = Callable[[SourceEvent], None]


class SourceBase:
    """State, events, numbering, pacing and an interruptible wait, shared by the sources."""

    def __init__(self, name: str, on_event: EventSink | None = None) -> None:
        self.name = name
        self.on_event = on_event
        self._state = SourceState.CLOSED
        self._closing = threading.Event()
        # A reader thread may fail (FAULT) while the owner closes the source from another
        # thread; the lock and the closing check make CLOSED the last word.
        self._state_lock = threading.RLock()
        self._number = 0
        self._next_due = 0.0

    @property
    def state(self) -> SourceState:
        return self._state

    def _set_state(self, state: SourceState, detail: str = "") -> None:
        with self._state_lock:
            if state == self._state:
                return
            if self._closing.is_set() and state != SourceState.CLOSED:
                logger.debug("source %s: %s ignored while closing", self.name, state.value)
                return
            self._state = state
            log = logger.warning if state == SourceState.FAULT else logger.info
            log("source %s: %s %s", self.name, state.value, detail)
            if self.on_event is not None:
                self.on_event(SourceEvent(self.name, state, detail, time.monotonic()))

    def _frame(self, image: Image) -> Frame:
        self._number += 1
        return Frame(image, time.monotonic(), self._number, self.name)

    def _wait(self, seconds: float) -> bool:
        """Sleep unless closed meanwhile; False when the source is closing."""
        return not self._closing.wait(max(0.0, seconds))

    def _pace(self, fps: float) -> bool:
        """Hold frames to `fps` like a real device (fps 0: as fast as they come)."""
        if fps <= 0:
            return not self._closing.is_set()
        now = time.monotonic()
        if self._next_due == 0.0 or now - self._next_due > 1.0:
            self._next_due = now
        ok = self._wait(self._next_due - now)
        self._next_due += 1.0 / fps
        return ok

    def read(self) -> Frame | None:
        raise NotImplementedError

    def frames(self) -> Iterator[Frame]:
        """Every frame until the source ends or is closed."""
        while (frame := self.read()) is not None:
            yield frame
