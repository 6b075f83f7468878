"""Frames, boxes and readings handed from worker threads to the app."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from kiosk.ui.device_board import DeviceBoard, DeviceState, DeviceStatus
from kiosk.ui.feeds import Box, BoxKind, PixelFormat, PreviewFeed, ReadingBoard, ScaleReading


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_latest_frame_wins_and_is_numbered() -> None:
    feed = PreviewFeed("camera")
    assert feed.latest() is None
    for value in (10, 20, 30):
        feed.publish_frame(np.full((4, 6, 3), value, np.uint8), PixelFormat.RGB)
    frame = feed.latest()
    assert frame is not None
    assert (frame.seq, frame.size, int(frame.pixels[0, 0, 0])) == (3, (6, 4), 30)


@pytest.mark.parametrize(
    ("pixels", "problem"),
    [
        (np.zeros((4, 6), np.uint8), r"\(height, width, 3\)"),
        (np.zeros((4, 6, 4), np.uint8), r"\(height, width, 3\)"),
        (np.zeros((4, 6, 3), np.float32), "uint8"),
        (b"\x00" * 72, "uint8"),
    ],
)
def test_bad_frames_are_refused_with_the_reason(pixels: object, problem: str) -> None:
    feed = PreviewFeed("camera")
    with pytest.raises(ValueError, match=problem):
        feed.publish_frame(pixels)  # type: ignore[arg-type]
    assert feed.latest() is None


def test_non_contiguous_frames_are_made_contiguous() -> None:
    feed = PreviewFeed("camera")
    feed.publish_frame(np.zeros((8, 8, 3), np.uint8)[::2, ::2])
    frame = feed.latest()
    assert frame is not None
    assert frame.pixels.flags["C_CONTIGUOUS"]


def test_boxes_stay_for_the_hold_time_per_kind() -> None:
    clock = FakeTime()
    feed = PreviewFeed("camera", clock=clock)
    code = Box(1, 2, 3, 4, BoxKind.BARCODE, "5449000039231")
    face = Box(5, 6, 7, 8, BoxKind.FACE)
    feed.publish_boxes([code])
    feed.publish_boxes([face], BoxKind.FACE)
    assert set(feed.boxes(1.0)) == {code, face}
    clock.now += 0.5
    feed.publish_boxes([face], BoxKind.FACE)
    clock.now += 0.7
    assert feed.boxes(1.0) == (face,)
    feed.publish_boxes([], BoxKind.FACE)
    assert feed.boxes(1.0) == ()


def test_publishing_from_many_threads_loses_no_count() -> None:
    feed = PreviewFeed("camera")
    frame = np.zeros((2, 2, 3), np.uint8)

    def work() -> None:
        for _ in range(200):
            feed.publish_frame(frame)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latest = feed.latest()
    assert feed.frames_published == 800
    assert latest is not None
    assert latest.seq == 800


def test_reading_board_keeps_the_newest() -> None:
    board = ReadingBoard("produce_scale")
    board.publish(ScaleReading(100, stable=False))
    board.publish(ScaleReading(512, stable=True))
    assert board.latest() == ScaleReading(512, stable=True)


def test_device_board_tells_listeners_about_changes_only() -> None:
    board = DeviceBoard()
    seen: list[tuple[DeviceStatus, ...]] = []
    board.subscribe(seen.append)
    ok = DeviceStatus("bagging_scale", DeviceState.OK, required=True)
    board.report(ok)
    board.report(ok)
    missing = DeviceStatus("bagging_scale", DeviceState.MISSING, required=True, detail="no port")
    board.report(missing)
    board.report(DeviceStatus("printer", DeviceState.FAULT))
    assert len(seen) == 3
    assert board.required_down() == (missing,)
