"""Debounce: an item held in view is added once; shown again after leaving, it is added again."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from vision.barcodes.base import Accept
from vision.barcodes.config import DebounceConfig, live_config
from vision.barcodes.debounce import Debouncer
from vision.barcodes.live import CameraScanner, ScanRecord
from vision.barcodes.pipeline import ScanPipeline
from vision.sources.config import SyntheticCode, SyntheticConfig, VideoConfig
from vision.sources.grabber import LatestFrameGrabber
from vision.sources.replay import VideoFileSource
from vision.sources.synthetic import SyntheticCamera

FPS = 30
SODA, GUM = "5901234123457", "96385074"


def test_held_item_counts_once_and_again_after_it_left() -> None:
    deb = Debouncer(DebounceConfig(absent_s=0.5, absent_frames=5))
    new = []
    t = 0.0
    timeline = [[SODA]] * 30 + [[]] * 3 + [[SODA]] * 10 + [[]] * 20 + [[SODA]] * 5
    for n, keys in enumerate(timeline):
        new += deb.update(keys, t, n)
        t += 1 / FPS
    # the 3-frame gap (0.1 s) is a missed decode, not the item leaving; the 20-frame gap is
    assert new == [SODA, SODA]


def test_both_conditions_are_needed_to_count_again() -> None:
    deb = Debouncer(DebounceConfig(absent_s=0.5, absent_frames=5))
    assert deb.update([GUM], 0.0, 0) == [GUM]
    assert deb.update([], 2.0, 2) == []  # long ago, but only 2 frames: a stalled camera
    assert deb.update([GUM], 2.1, 3) == []
    assert deb.update([], 2.2, 20) == []  # many frames but only 0.1 s: a very fast camera
    assert deb.update([GUM], 2.25, 21) == []
    assert deb.update([], 3.0, 30) == []
    assert deb.update([GUM, SODA], 3.1, 31) == [GUM, SODA]
    assert deb.in_view() == (GUM, SODA)


def _write_replay(path: Path) -> list[tuple[str, ...]]:
    """A camera recording: soda held up, taken away, held up again next to gum."""
    codes = (
        SyntheticCode(text=SODA, symbology="ean13"),
        SyntheticCode(text=GUM, symbology="ean8"),
    )
    camera = SyntheticCamera(
        SyntheticConfig(width=640, height=480, fps=0, seed=5, codes=codes, tilt_deg=10)
    )
    camera.open()
    script = [(), (SODA,), (), (SODA, GUM), ()]
    lengths = [10, 40, 25, 40, 10]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), FPS, (640, 480))
    assert writer.isOpened()
    shown = []
    for view, length in zip(script, lengths, strict=True):
        camera.present(*view)
        for _ in range(length):
            frame = camera.read()
            assert frame is not None
            writer.write(frame.image)
            shown.append(view)
    writer.release()
    return shown


def test_replayed_video_adds_each_appearance_once(tmp_path: Path, accept: Accept) -> None:
    clip = tmp_path / "checkout.avi"
    shown = _write_replay(clip)
    source = VideoFileSource(VideoConfig(path=clip, fps=FPS))  # replayed in real time
    scans: list[ScanRecord] = []
    pipeline = ScanPipeline(live_config(), accept)
    scanner = CameraScanner(LatestFrameGrabber(source), pipeline, on_scan=scans.append)
    scanner.start()
    scanner.grabber._thread.join(30)  # type: ignore[union-attr]
    scanner.stop()
    keys = {SODA: "05901234123457", GUM: "00000096385074"}
    assert [s.text for s in scans[:1]] == [SODA]
    assert sorted(s.text for s in scans[1:]) == sorted([SODA, GUM])  # shown together
    assert all(s.key == keys[s.text] for s in scans)
    for s in scans:
        assert s.source == "camera"
        assert s.symbology == ("ean13" if s.text == SODA else "ean8")
        assert s.text in shown[s.frame - 1], "reported in a frame that showed it"
        assert len(s.box) == 4


def test_replayed_video_frame_by_frame_without_dropping(tmp_path: Path, accept: Accept) -> None:
    clip = tmp_path / "checkout.avi"
    shown = _write_replay(clip)
    source = VideoFileSource(VideoConfig(path=clip, fps=0))
    source.open()
    scans: list[ScanRecord] = []
    scanner = CameraScanner(
        LatestFrameGrabber(source), ScanPipeline(live_config(), accept), on_scan=scans.append
    )
    for frame in source.frames():  # every frame, in order: deterministic
        scanner.process(frame)
    firsts = {}
    for n, view in enumerate(shown, start=1):
        for text in view:
            firsts.setdefault((text, view), n)
    assert scans[0].text == SODA
    assert sorted(s.text for s in scans[1:]) == sorted([SODA, GUM])
    assert scans[0].frame - 11 < 5  # seen within a few frames of being held up
    assert min(s.frame for s in scans[1:]) > 75  # again only after it left and came back
    assert np.all(np.diff([s.frame for s in scans]) >= 0)
