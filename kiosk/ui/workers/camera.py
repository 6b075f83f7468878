"""The scanning camera: frames into the preview with boxes over codes, scans into the session."""

from __future__ import annotations

import logging
from collections.abc import Callable

from kiosk.adapters.scanning import ScanIntake, ScanningConfig, build_camera_scanner
from kiosk.checkout.catalog import Product, SoldBy
from kiosk.checkout.gs1 import display_form
from kiosk.runtime import Runtime
from kiosk.ui import device_board as names
from kiosk.ui.device_board import DeviceBoard, DeviceState, DeviceStatus
from kiosk.ui.feeds import Box, BoxKind, PixelFormat, PreviewFeed
from vision.barcodes.live import CameraScanner, FrameReport
from vision.sources import SyntheticConfig
from vision.sources.base import Frame, FrameSource, SourceEvent, SourceState
from vision.sources.config import SyntheticCode

logger = logging.getLogger(__name__)

_STATES = {
    SourceState.RUNNING: DeviceState.OK,
    SourceState.FAULT: DeviceState.FAULT,
    SourceState.ENDED: DeviceState.MISSING,
    SourceState.CLOSED: DeviceState.STARTING,
}


_PRINTED_AS = {8: "ean8", 12: "upca", 13: "ean13"}


def printed_code(product: Product) -> SyntheticCode | None:
    """How a catalog product's barcode is printed (from its GTIN-14), for the synthetic camera."""
    if product.sold_by != SoldBy.UNIT:
        return None
    text = display_form(product.gtin)
    symbology = _PRINTED_AS.get(len(text))
    # a GTIN-14 proper is printed as ITF-14 on cases, not shown to a camera
    return SyntheticCode(text=text, symbology=symbology) if symbology else None


def with_catalog(config: SyntheticConfig, products: list[Product]) -> SyntheticConfig:
    """The synthetic camera able to show every unit product of the catalog too."""
    known = {c.text for c in config.codes}
    extra = [c for p in products if (c := printed_code(p)) is not None and c.text not in known]
    return config.model_copy(update={"codes": (*config.codes, *extra)})


class PreviewSource:
    """Wraps a frame source so every frame read is also published to the preview feed."""

    def __init__(self, source: FrameSource, feed: PreviewFeed) -> None:
        self.source = source
        self.feed = feed
        self.name = source.name

    @property
    def state(self) -> SourceState:
        return self.source.state

    def open(self) -> None:
        self.source.open()

    def read(self) -> Frame | None:
        frame = self.source.read()
        if frame is not None:
            self.feed.publish_frame(frame.image, PixelFormat.BGR)
        return frame

    def close(self) -> None:
        self.source.close()


def source_status(devices: DeviceBoard, name: str, required: bool) -> Callable[[SourceEvent], None]:
    """A source's state changes as device states on the board."""

    def report(event: SourceEvent) -> None:
        state = _STATES.get(event.state, DeviceState.FAULT)
        devices.report(DeviceStatus(name, state, required=required, detail=event.detail))

    return report


def source_failure(
    devices: DeviceBoard, name: str, required: bool, source_name: str
) -> Callable[[Exception], None]:
    """A source that raised beyond its own recovery, as a faulty device on the board (else the
    board would keep its last state, OK, while nothing reads the camera)."""

    def report(e: Exception) -> None:
        detail = f"{source_name} stopped: {type(e).__name__}: {e}"
        devices.report(DeviceStatus(name, DeviceState.FAULT, required=required, detail=detail))

    return report


class CameraWorker:
    """Runs the live barcode pipeline on the configured camera."""

    def __init__(
        self,
        config: ScanningConfig,
        runtime: Runtime,
        feed: PreviewFeed,
        devices: DeviceBoard,
        *,
        required: bool,
        source: FrameSource,
    ) -> None:
        assert config.camera is not None, "a CameraWorker needs [scanning.camera]"
        self.devices = devices
        self.required = required
        self.feed = feed
        self.source = source
        self.intake = ScanIntake(config, runtime.post)
        scanner = build_camera_scanner(
            config,
            self.intake,
            on_frame=self._on_frame,
            on_error=source_failure(devices, names.CAMERA, required, self.source.name),
            source=PreviewSource(self.source, feed),
        )
        assert scanner is not None
        self.scanner: CameraScanner = scanner

    def start(self) -> None:
        self.devices.report(
            DeviceStatus(names.CAMERA, DeviceState.STARTING, required=self.required)
        )
        self.scanner.start()
        logger.info("scanning camera: %s", self.source.name)

    def stop(self) -> None:
        self.scanner.stop()

    def _on_frame(self, report: FrameReport) -> None:
        boxes = []
        for d in report.detections:
            xs = [p[0] for p in d.barcode.box]
            ys = [p[1] for p in d.barcode.box]
            if xs and ys:
                x, y = int(min(xs)), int(min(ys))
                w, h = int(max(xs)) - x, int(max(ys)) - y
                boxes.append(Box(x, y, max(w, 1), max(h, 1), BoxKind.BARCODE, d.barcode.text))
        self.feed.publish_boxes(boxes, BoxKind.BARCODE)
