"""The face camera worker: a source that breaks shows as a faulty face camera, not as OK."""

from __future__ import annotations

import time

from kiosk.ui import device_board as names
from kiosk.ui.device_board import DeviceBoard, DeviceState
from kiosk.ui.feeds import PreviewFeed
from kiosk.ui.workers.face_camera import FaceCameraWorker
from vision.sources.base import SourceState


class BrokenSource:
    """A frame source whose driver dies on the first read (the edge this test is not about)."""

    name = "usb-face-cam"
    state = SourceState.RUNNING

    def open(self) -> None:
        pass

    def read(self) -> None:
        raise OSError("VIDIOC_DQBUF: No such device")

    def close(self) -> None:
        pass


def test_a_source_that_fails_reports_the_face_camera_at_fault() -> None:
    board = DeviceBoard()
    worker = FaceCameraWorker(BrokenSource(), PreviewFeed(names.FACE_CAMERA), board)
    worker.start()
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not board.all():
            time.sleep(0.02)
        [status] = board.all()
    finally:
        worker.stop()
    assert status.name == names.FACE_CAMERA
    assert status.state == DeviceState.FAULT
    assert "No such device" in status.detail
