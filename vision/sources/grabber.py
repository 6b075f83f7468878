"""A thread that keeps only the newest frame, so a slow consumer never falls behind the camera."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from vision.sources.base import Frame, FrameSource, SourceState

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class GrabberStats:
    captured: int  # frames read from the source
    delivered: int  # frames handed to the consumer
    dropped: int  # frames replaced by a newer one before anyone took them
    waiting: int  # frames captured and not yet taken (0 or 1: the backlog never grows)


class LatestFrameGrabber:
    """Reads `source` on its own thread; `get()` returns the newest frame not yet returned.

    A frame the consumer had no time for is dropped and counted, never queued. `on_error`
    hears, on the grabber's thread, an exception the source raised beyond its own recovery.
    """

    def __init__(
        self, source: FrameSource, *, on_error: Callable[[Exception], None] | None = None
    ) -> None:
        self.source = source
        self.on_error = on_error
        self._cond = threading.Condition()
        self._latest: Frame | None = None
        self._running = False
        self._finished = False
        self._thread: threading.Thread | None = None
        self._captured = self._delivered = self._dropped = 0

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("the grabber is already running")
        # The source is opened on the grabber's thread: opening a real camera can take
        # seconds, and the caller may be a UI thread.
        self._running = True
        self._thread = threading.Thread(target=self._run, name=f"grab-{self.source.name}")
        self._thread.daemon = True
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._running = False
        self.source.close()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                logger.warning("grabber for %s did not stop in %.1fs", self.source.name, timeout)
            self._thread = None
        with self._cond:
            self._finished = True
            self._cond.notify_all()

    def get(self, timeout: float | None = None) -> Frame | None:
        """The newest frame not yet returned; None on timeout or when the source has ended."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._latest is None:
                if self._finished:
                    return None
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return None
                self._cond.wait(remaining)
            frame, self._latest = self._latest, None
            self._delivered += 1
            return frame

    @property
    def finished(self) -> bool:
        """The source ended or was closed and every frame has been taken."""
        with self._cond:
            return self._finished and self._latest is None

    def stats(self) -> GrabberStats:
        with self._cond:
            waiting = 1 if self._latest is not None else 0
            return GrabberStats(self._captured, self._delivered, self._dropped, waiting)

    def _run(self) -> None:
        try:
            self.source.open()
            if not self._running:  # stopped while opening: stop's close came too early
                self.source.close()
            while self._running:
                frame = self.source.read()
                if frame is None:
                    break
                with self._cond:
                    self._captured += 1
                    if self._latest is not None:
                        self._dropped += 1
                    self._latest = frame
                    self._cond.notify_all()
        except Exception as e:  # the source is broken beyond its own recovery: say so, end cleanly
            logger.exception("frame source %s failed", self.source.name)
            if self.on_error is not None:
                self.on_error(e)
        finally:
            if self.source.state not in (SourceState.ENDED, SourceState.CLOSED):
                logger.info(
                    "grabber for %s stopped in state %s", self.source.name, self.source.state
                )
            with self._cond:
                self._finished = True
                self._cond.notify_all()
