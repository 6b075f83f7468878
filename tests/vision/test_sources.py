"""Frame sources: camera unplug and reconnect, replay, synthetic camera, the grabber."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError

from vision.barcodes.base import Accept
from vision.barcodes.config import PipelineConfig
from vision.barcodes.pipeline import ScanPipeline
from vision.sources import (
    CameraConfig,
    FolderConfig,
    Frame,
    LatestFrameGrabber,
    OpenCVCamera,
    SourceConfig,
    SourceEvent,
    SourceOpenError,
    SourceState,
    SyntheticCamera,
    SyntheticConfig,
    VideoConfig,
    VideoFileSource,
    build_source,
)
from vision.sources.base import SourceBase
from vision.sources.config import SyntheticCode
from vision.sources.replay import ImageFolderSource


def _write_video(path: Path, frames: int, size: tuple[int, int] = (160, 120)) -> None:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30, size)
    assert writer.isOpened()
    for i in range(frames):
        writer.write(np.full((size[1], size[0], 3), (i * 9) % 256, np.uint8))
    writer.release()


def _wait_for(predicate: Any, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return False


class TestCameraUnplug:
    """The real OpenCVCamera and grabber; the capture is a real cv2.VideoCapture on a video
    file reached through a device link that disappears and comes back, as a USB camera's
    /dev/v4l/by-id link does."""

    def test_unplug_faults_once_then_reconnects_and_frames_resume(self, tmp_path: Path) -> None:
        clip = tmp_path / "clip.avi"
        _write_video(clip, frames=15)
        device = tmp_path / "video-cam"
        device.symlink_to(clip)
        events: list[SourceEvent] = []
        config = CameraConfig(device=str(device), failures_before_fault=2, reconnect_initial_s=0.02)
        camera = OpenCVCamera(config, on_event=events.append)
        grabber = LatestFrameGrabber(camera)
        grabber.start()
        try:
            numbers = []
            while len(numbers) < 10:
                frame = grabber.get(timeout=5)
                assert frame is not None
                numbers.append(frame.number)
            device.unlink()  # unplugged: what was buffered runs out and the path is gone
            assert _wait_for(lambda: camera.state == SourceState.FAULT and camera._cap is None)
            time.sleep(0.3)
            settled = len(events)
            time.sleep(0.3)  # many reopening attempts while unplugged ...
            assert len(events) == settled, "... reported once, not once per retry"
            assert camera.state == SourceState.FAULT
            assert events[-1].state == SourceState.FAULT
            device.symlink_to(clip)  # plugged back in
            assert _wait_for(lambda: camera.state == SourceState.RUNNING)
            frame = grabber.get(timeout=5)
            assert frame is not None
            assert frame.number > numbers[-1]  # numbering continues across the reconnect
            assert camera.reconnects >= 1
            assert [e.state for e in events][-2:] == [SourceState.FAULT, SourceState.RUNNING]
        finally:
            grabber.stop()
        assert camera.state == SourceState.CLOSED

    def test_read_errors_at_the_capture_edge_fault_and_reconnect(self) -> None:
        opened: list[_FlakyCapture] = []

        def factory(device: int | str, api: int) -> _FlakyCapture:
            capture = _FlakyCapture(fail_after=5 if not opened else 10_000, opens=len(opened))
            opened.append(capture)
            return capture

        events: list[SourceEvent] = []
        config = CameraConfig(device=0, failures_before_fault=3, reconnect_initial_s=0.01)
        camera = OpenCVCamera(config, on_event=events.append, capture_factory=factory)
        camera.open()
        frames = [camera.read() for _ in range(10)]
        camera.close()
        assert all(isinstance(f, Frame) for f in frames)
        assert [f.number for f in frames if f] == list(range(1, 11))
        assert len(opened) == 3  # the first open refused to answer after 5 frames; reopened
        assert opened[0].released
        states = [e.state for e in events]
        assert states.count(SourceState.FAULT) == 1
        assert "3 reads failed" in next(e.detail for e in events if e.state == SourceState.FAULT)

    def test_missing_device_path_is_a_clear_fault_not_a_crash(self, tmp_path: Path) -> None:
        events: list[SourceEvent] = []
        camera = OpenCVCamera(
            CameraConfig(device=str(tmp_path / "video9"), reconnect_initial_s=0.01),
            on_event=events.append,
        )
        reader = threading.Thread(target=camera.read)
        camera.open()
        reader.start()
        time.sleep(0.1)
        camera.close()
        reader.join(2)
        assert not reader.is_alive()
        assert events[0].state == SourceState.FAULT
        assert "does not exist" in events[0].detail

    def test_a_read_failing_while_the_owner_closes_leaves_the_camera_closed(self) -> None:
        """The owner closes from its thread while the reader's read is failing (the capture
        was pulled from under it); the reader's FAULT must not land after CLOSED."""
        in_read, fail_now = threading.Event(), threading.Event()

        class _DyingCapture(_FlakyCapture):
            def read(self) -> tuple[bool, Any]:
                self.reads += 1
                if self.reads == 1:
                    return True, np.zeros((48, 64, 3), np.uint8)
                in_read.set()
                fail_now.wait(5)
                return False, None

            def release(self) -> None:
                time.sleep(0.2)  # a slow driver: the owner's CLOSED lands first
                super().release()

        events: list[SourceEvent] = []
        camera = OpenCVCamera(
            CameraConfig(device=0, failures_before_fault=1),
            on_event=events.append,
            capture_factory=lambda device, api: _DyingCapture(fail_after=0, opens=0),
        )
        camera.open()
        assert camera.read() is not None
        assert camera.state == SourceState.RUNNING
        reader = threading.Thread(target=camera.read)
        reader.start()
        assert in_read.wait(5)
        closer = threading.Thread(target=camera.close)
        closer.start()
        assert _wait_for(camera._closing.is_set)
        fail_now.set()
        closer.join(5)
        reader.join(5)
        assert not reader.is_alive()
        assert not closer.is_alive()
        assert camera.state == SourceState.CLOSED
        assert [e.state for e in events][-1] == SourceState.CLOSED
        assert SourceState.FAULT not in [e.state for e in events]


class _FlakyCapture:
    """A capture that answers `fail_after` reads, then raises like a driver whose device
    vanished; the second open refuses altogether (device still re-enumerating)."""

    def __init__(self, fail_after: int, opens: int) -> None:
        self.fail_after = fail_after
        self.reads = 0
        self.opens = opens
        self.released = False

    def isOpened(self) -> bool:  # noqa: N802 - OpenCV's name
        return self.opens != 1

    def read(self) -> tuple[bool, Any]:
        self.reads += 1
        if self.reads > self.fail_after:
            raise cv2.error("VIDIOC_DQBUF: No such device")
        return True, np.zeros((48, 64, 3), np.uint8)

    def set(self, prop: int, value: float) -> bool:
        return True

    def release(self) -> None:
        self.released = True


def test_video_file_replays_every_frame_then_ends(tmp_path: Path) -> None:
    clip = tmp_path / "clip.avi"
    _write_video(clip, frames=12)
    events: list[SourceEvent] = []
    source = VideoFileSource(VideoConfig(path=clip, fps=0), on_event=events.append)
    source.open()
    frames = list(source.frames())
    assert [f.number for f in frames] == list(range(1, 13))
    assert source.state == SourceState.ENDED
    # the recording's timeline, not the decoding speed: 30 fps apart however fast it was read
    gaps = np.diff([f.captured_at for f in frames])
    assert gaps == pytest.approx(np.full(11, 1 / 30), abs=1e-6)
    with pytest.raises(SourceOpenError, match="does not exist"):
        VideoFileSource(VideoConfig(path=tmp_path / "none.mp4")).open()


def test_video_file_can_loop_and_be_paced(tmp_path: Path) -> None:
    clip = tmp_path / "clip.avi"
    _write_video(clip, frames=4)
    source = VideoFileSource(VideoConfig(path=clip, fps=0, loop=True))
    source.open()
    frames = [source.read() for _ in range(10)]
    source.close()
    assert all(f is not None for f in frames)
    assert source.read() is None


def test_folder_replays_images_in_name_order_and_skips_broken_ones(tmp_path: Path) -> None:
    for i, shade in enumerate((10, 20, 30)):
        cv2.imwrite(str(tmp_path / f"{i:02d}.png"), np.full((20, 30, 3), shade, np.uint8))
    (tmp_path / "01b.jpg").write_bytes(b"not a jpeg at all")
    (tmp_path / "notes.txt").write_text("ignored")
    source = ImageFolderSource(FolderConfig(path=tmp_path))
    source.open()
    shades = [int(f.image[0, 0, 0]) for f in source.frames()]
    assert shades == [10, 20, 30]
    assert [p.name for p in source.skipped] == ["01b.jpg"]
    assert source.state == SourceState.ENDED
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(SourceOpenError, match="no images"):
        ImageFolderSource(FolderConfig(path=empty)).open()


def test_source_configs_are_chosen_by_type(tmp_path: Path) -> None:
    adapter = TypeAdapter(SourceConfig)
    cam = adapter.validate_python({"type": "camera", "device": "/dev/video0", "fps": 15})
    assert isinstance(cam, CameraConfig)
    syn = adapter.validate_python(
        {"type": "synthetic", "codes": [{"text": "96385074", "symbology": "ean8"}]}
    )
    assert isinstance(build_source(syn), SyntheticCamera)
    with pytest.raises(ValidationError, match="extra_forbidden"):
        adapter.validate_python({"type": "camera", "devcie": 0})
    with pytest.raises(ValidationError, match="not listed in codes"):
        adapter.validate_python({"type": "synthetic", "script": [{"at_s": 0, "show": ["x"]}]})
    with pytest.raises(ValidationError, match="0 to 63"):
        CameraConfig(device=99)


def test_synthetic_camera_shows_what_it_is_told(accept: Accept) -> None:
    codes = (
        SyntheticCode(text="5901234123457", symbology="ean13"),
        SyntheticCode(text="COUPON:SPRING-10", symbology="qr"),
    )
    camera = SyntheticCamera(SyntheticConfig(width=640, height=480, fps=0, seed=3, codes=codes))
    camera.open()
    pipeline = ScanPipeline(PipelineConfig(), accept)

    def texts() -> set[str]:
        frame = camera.read()
        assert frame is not None
        assert frame.image.shape == (480, 640, 3)
        return {d.barcode.text for d in pipeline.scan(frame.image).detections}

    assert texts() == set()
    camera.present("5901234123457", "COUPON:SPRING-10")
    seen = [texts() for _ in range(5)]
    assert sum(s == {"5901234123457", "COUPON:SPRING-10"} for s in seen) >= 4
    camera.take_away()
    assert texts() == set()
    with pytest.raises(KeyError, match="no codes"):
        camera.present("123")


def test_synthetic_script_changes_the_view_over_time() -> None:
    codes = (SyntheticCode(text="96385074", symbology="ean8"),)
    script = ({"at_s": 0.0, "show": []}, {"at_s": 0.15, "show": ["96385074"]})
    camera = SyntheticCamera(
        SyntheticConfig.model_validate(
            {"fps": 0, "width": 320, "height": 240, "codes": codes, "script": script}
        )
    )
    camera.open()
    assert camera.read() is not None
    assert camera.in_view == ()
    time.sleep(0.2)
    camera.read()
    assert camera.in_view == ("96385074",)


class _CountingSource(SourceBase):
    """Frames at a fixed rate from a counter: the grabber is what is under test."""

    def __init__(self, fps: float, total: int) -> None:
        super().__init__("counter")
        self.fps = fps
        self.total = total

    def open(self) -> None:
        self._set_state(SourceState.RUNNING)

    def read(self) -> Frame | None:
        if self._number >= self.total or not self._pace(self.fps):
            self._set_state(SourceState.ENDED)
            return None
        return self._frame(np.zeros((8, 8), np.uint8))

    def close(self) -> None:
        self._closing.set()


class _FailingSource(_CountingSource):
    """A driver that dies after two frames, beyond the source's own recovery."""

    def read(self) -> Frame | None:
        if self._number >= 2:
            raise OSError("VIDIOC_DQBUF: No such device")
        return super().read()


def test_grabber_hands_a_source_failure_to_on_error_and_ends() -> None:
    errors: list[Exception] = []
    grabber = LatestFrameGrabber(_FailingSource(fps=0, total=10), on_error=errors.append)
    grabber.start()
    while grabber.get(timeout=5) is not None:
        pass
    finished = grabber.finished
    grabber.stop()
    assert finished  # ended by the failure, before stop()
    assert [repr(e) for e in errors] == [repr(OSError("VIDIOC_DQBUF: No such device"))]
    assert grabber.stats().captured == 2


def test_grabber_drops_stale_frames_for_a_slow_consumer() -> None:
    grabber = LatestFrameGrabber(_CountingSource(fps=200, total=60))
    grabber.start()
    taken = []
    while (frame := grabber.get(timeout=5)) is not None:
        taken.append(frame.number)
        time.sleep(0.03)  # the consumer is ~6x slower than the camera
    stats = grabber.stats()
    grabber.stop()
    assert taken == sorted(taken)
    assert stats.captured == 60
    assert stats.delivered == len(taken) < 30
    assert stats.dropped == stats.captured - stats.delivered
    assert taken[-1] == 60  # never behind: the last frame handed out is the newest


def test_grabber_hands_every_frame_to_a_fast_consumer() -> None:
    grabber = LatestFrameGrabber(_CountingSource(fps=100, total=20))
    grabber.start()
    taken = []
    while (frame := grabber.get(timeout=5)) is not None:
        taken.append(frame.number)
    grabber.stop()
    assert taken == list(range(1, 21))
    assert grabber.stats().dropped == 0
