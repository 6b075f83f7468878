"""Live camera scanning: newest frame, pipeline, evidence over frames, debounce, scan records."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from vision.barcodes.base import ImageError, Point
from vision.barcodes.debounce import Debouncer
from vision.barcodes.evidence import Detection, FrameWindow
from vision.barcodes.pipeline import ScanPipeline
from vision.sources.base import Frame
from vision.sources.grabber import LatestFrameGrabber

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScanRecord:
    """A code read by a scanner: the same fields the serial and wedge scanners produce
    (text, symbology, source, at), plus where the camera saw it."""

    text: str
    symbology: str
    source: str
    at: float  # time.monotonic() when the frame was captured
    key: str = ""
    box: tuple[Point, ...] = ()
    frame: int = -1


@dataclass(frozen=True)
class FrameReport:
    """Everything seen in one frame (for the on-screen overlay and for measurements)."""

    frame: int
    captured_at: float
    picked_at: float  # when processing began: picked_at - captured_at is the frame's wait
    waiting: int  # newer frames already waiting in the grabber when this one finished
    detections: tuple[Detection, ...]
    new: tuple[ScanRecord, ...]
    elapsed_ms: float


class CameraScanner:
    """Turns frames into scan records. `process()` handles one frame; `start()` runs a thread
    that takes the newest frame from the grabber whenever it is free."""

    def __init__(
        self,
        grabber: LatestFrameGrabber,
        pipeline: ScanPipeline,
        *,
        on_scan: Callable[[ScanRecord], None],
        on_frame: Callable[[FrameReport], None] | None = None,
        debouncer: Debouncer | None = None,
        confirm_frames: int = 5,
    ) -> None:
        self.grabber = grabber
        self.pipeline = pipeline
        self.on_scan = on_scan
        self.on_frame = on_frame
        self.debouncer = debouncer or Debouncer()
        self.window = FrameWindow(confirm_frames, pipeline.config.margin)
        self.bad_frames = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def process(self, frame: Frame) -> FrameReport:
        picked_at = time.monotonic()
        try:
            result = self.pipeline.scan(frame.image)
        except ImageError as e:
            self.bad_frames += 1
            logger.warning("frame %d of %s skipped: %s", frame.number, frame.source, e)
            result = None
        detections = list(result.detections) if result else []
        undecided = list(result.undecided) if result else []
        seen = {d.key for d in detections}
        for d in self.window.add(frame.number, undecided):
            if d.key not in seen and self.pipeline.cross_check(frame.image, d):
                detections.append(d)
        by_key = {d.key: d for d in detections}
        new = tuple(
            ScanRecord(
                text=by_key[key].barcode.text,
                symbology=by_key[key].barcode.symbology,
                source="camera",
                at=frame.captured_at,
                key=key,
                box=by_key[key].barcode.box,
                frame=frame.number,
            )
            for key in self.debouncer.update(by_key, frame.captured_at, frame.number)
        )
        for record in new:
            self.on_scan(record)
        report = FrameReport(
            frame=frame.number,
            captured_at=frame.captured_at,
            picked_at=picked_at,
            waiting=self.grabber.stats().waiting,
            detections=tuple(detections),
            new=new,
            elapsed_ms=result.elapsed_ms if result else 0.0,
        )
        if self.on_frame is not None:
            self.on_frame(report)
        return report

    def run(self) -> None:
        """Process frames until stopped or the source ends."""
        while not self._stop.is_set():
            frame = self.grabber.get(timeout=0.2)
            if frame is None:
                if self.grabber.finished:
                    break
                continue
            self.process(frame)

    def start(self) -> None:
        self._stop.clear()
        self.grabber.start()
        self._thread = threading.Thread(target=self.run, name="camera-scanner", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self.grabber.stop()
        if self._thread is not None:
            self._thread.join(5.0)
            self._thread = None
