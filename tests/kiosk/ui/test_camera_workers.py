"""Camera workers: a source that breaks shows as a faulty camera on the board, not as OK."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

from kiosk.adapters.scanning import ScanningConfig
from kiosk.ui import device_board as names
from kiosk.ui.device_board import DeviceBoard, DeviceState
from kiosk.ui.feeds import PreviewFeed
from kiosk.ui.workers.camera import CameraWorker
from kiosk.ui.workers.face_camera import FaceCameraWorker
from vision.sources import SyntheticConfig
from vision.sources.base import SourceState


class BrokenSource:
    """A frame source whose driver dies on the first read (the edge this test is not about)."""

    name = "usb-cam"
    state = SourceState.RUNNING

    def open(self) -> None:
        pass

    def read(self) -> None:
        raise OSError("VIDIOC_DQBUF: No such device")

    def close(self) -> None:
        pass


def _fault_reported(board: DeviceBoard, worker: Any, name: str) -> Any:
    worker.start()
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any(
            s.name == name and s.state == DeviceState.FAULT for s in board.all()
        ):
            time.sleep(0.02)
    finally:
        worker.stop()
    return next(s for s in board.all() if s.name == name)


def test_a_source_that_fails_reports_the_face_camera_at_fault() -> None:
    board = DeviceBoard()
    worker = FaceCameraWorker(BrokenSource(), PreviewFeed(names.FACE_CAMERA), board)
    status = _fault_reported(board, worker, names.FACE_CAMERA)
    assert status.state == DeviceState.FAULT
    assert "No such device" in status.detail


def test_a_source_that_fails_reports_the_scanning_camera_at_fault() -> None:
    board = DeviceBoard()
    config = ScanningConfig(camera=SyntheticConfig())
    runtime = SimpleNamespace(post=lambda event: None)  # no scan can arrive from a dead camera
    worker = CameraWorker(
        config,
        runtime,  # type: ignore[arg-type]
        PreviewFeed(names.CAMERA),
        board,
        required=True,
        source=BrokenSource(),
    )
    status = _fault_reported(board, worker, names.CAMERA)
    assert status.state == DeviceState.FAULT
    assert status.required
    assert "usb-cam stopped: OSError" in status.detail
