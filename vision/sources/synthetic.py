"""A camera that renders real barcodes into frames, with perspective, blur, noise and glare.

What is in view is scripted (config `script`) or set live with `present()` / `take_away()`,
so a test or demo can hold a product up to the camera and take it away again.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from vision.sources.base import EventSink, Frame, Image, SourceBase, SourceState
from vision.sources.config import SyntheticConfig
from vision.sources.noise import add_noise, noise_tiles
from vision.sources.rendering import render_code

_LABEL_MODULE_PX = 4  # labels are drawn once at this size and scaled down by the warp


@dataclass
class _Pose:
    """Where a code sits in the picture while it is held up; it shakes a little each frame."""

    center: NDArray[np.float64]
    anchor: NDArray[np.float64]  # where the hand holds it; shaking stays near here
    angle: float
    module_px: float
    corners: NDArray[np.float64]  # perspective offsets, share of the label size
    blur: float
    gain: float
    glare: tuple[float, float] | None


class SyntheticCamera(SourceBase):
    def __init__(self, config: SyntheticConfig, *, on_event: EventSink | None = None) -> None:
        super().__init__("synthetic", on_event)
        self.config = config
        self._rng = np.random.default_rng(config.seed)  # background, noise, shake
        self._presentations = 0  # poses come from (seed, presentation): timing cannot move them
        # QR coupons and member cards print (or show on a phone) with modules about twice as
        # wide as a retail barcode's bars
        self._labels = {
            c.text: render_code(
                c.text, c.symbology, _LABEL_MODULE_PX * (2 if c.symbology == "qr" else 1)
            )
            for c in config.codes
        }
        self._background = self._make_background()
        self._noise = noise_tiles(self._rng, config.height, config.width, config.noise)
        self._glare = _glare_blob(min(config.width, config.height) // 3)
        self._lock = threading.Lock()
        self._view: tuple[str, ...] = ()
        self._poses: dict[str, _Pose] = {}
        self._opened_at = 0.0
        self._step = -1
        self._shown: deque[tuple[int, float, tuple[str, ...]]] = deque(maxlen=100_000)

    # -- scene control -------------------------------------------------------------------

    def present(self, *texts: str) -> None:
        """Put these codes in view (replacing what was there)."""
        unknown = [t for t in texts if t not in self._labels]
        if unknown:
            raise KeyError(f"the synthetic camera has no codes {unknown}; add them to `codes`")
        with self._lock:
            self._view = tuple(texts)

    def take_away(self) -> None:
        with self._lock:
            self._view = ()

    @property
    def in_view(self) -> tuple[str, ...]:
        with self._lock:
            return self._view

    def history(self) -> list[tuple[int, float, tuple[str, ...]]]:
        """(frame number, capture time, codes in view) of recent frames, for measurements."""
        return list(self._shown)

    # -- FrameSource ---------------------------------------------------------------------

    def open(self) -> None:
        self._closing.clear()
        self._opened_at = time.monotonic()
        self._step = -1
        self._set_state(SourceState.RUNNING)

    def read(self) -> Frame | None:
        if self.state != SourceState.RUNNING or not self._pace(self.config.fps):
            return None
        self._follow_script()
        view = self.in_view
        frame = self._frame(self.render(view))
        self._shown.append((frame.number, frame.captured_at, view))
        return frame

    def close(self) -> None:
        self._closing.set()
        self._set_state(SourceState.CLOSED)

    def _follow_script(self) -> None:
        elapsed = time.monotonic() - self._opened_at
        steps = self.config.script
        due = max((i for i, s in enumerate(steps) if s.at_s <= elapsed), default=-1)
        if due > self._step:
            self._step = due
            self.present(*steps[due].show)

    # -- rendering -----------------------------------------------------------------------

    def render(self, view: tuple[str, ...]) -> Image:
        """One BGR frame showing `view`."""
        frame = self._background.copy()
        for slot, text in enumerate(view):
            pose = self._poses.get(text) or self._new_pose(slot, len(view), self._labels[text])
            self._poses[text] = self._shake(pose)
            self._draw(frame, self._labels[text], self._poses[text])
        for text in [t for t in self._poses if t not in view]:
            del self._poses[text]  # a code shown again is held differently
        return add_noise(frame, self._noise, self._rng)

    def _new_pose(self, slot: int, count: int, label: Image) -> _Pose:
        """Codes shown together each get their own column, so none hides another."""
        cfg = self.config
        self._presentations += 1
        rng = np.random.default_rng((cfg.seed, self._presentations))
        column = cfg.width / count
        center = np.array(
            [column * (slot + 0.5 + rng.uniform(-0.05, 0.05)), cfg.height * rng.uniform(0.4, 0.6)]
        )
        modules_wide, modules_high = (
            label.shape[1] / _LABEL_MODULE_PX,
            label.shape[0] / _LABEL_MODULE_PX,
        )
        fits = min(0.75 * column / modules_wide, 0.75 * cfg.height / modules_high)
        glare = None
        if rng.random() < cfg.glare:
            glare = (float(rng.uniform(-0.4, 0.4)), float(rng.uniform(-0.4, 0.4)))
        return _Pose(
            center=center,
            anchor=center.copy(),
            angle=float(rng.uniform(-cfg.tilt_deg, cfg.tilt_deg)),
            module_px=min(float(rng.uniform(*cfg.module_px)), fits),
            corners=rng.uniform(-cfg.perspective, cfg.perspective, size=(4, 2)),
            blur=float(rng.uniform(0, cfg.blur_px)),
            gain=float(rng.uniform(0.75, 1.0)),
            glare=glare,
        )

    def _shake(self, pose: _Pose) -> _Pose:
        step = self._rng.normal(0, self.config.jitter_px, size=2)
        pose.center = pose.center + step - 0.2 * (pose.center - pose.anchor)
        pose.angle += float(self._rng.normal(0, 0.5))
        return pose

    def _draw(self, frame: Image, label: Image, pose: _Pose) -> None:
        lh, lw = label.shape
        scale = pose.module_px / _LABEL_MODULE_PX
        src = np.array([[0, 0], [lw, 0], [lw, lh], [0, lh]], dtype=np.float32)
        half = np.array([lw, lh]) * scale / 2
        box = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]]) * half + pose.corners * half * 2
        rad = np.radians(pose.angle)
        rot = np.array([[np.cos(rad), -np.sin(rad)], [np.sin(rad), np.cos(rad)]])
        dst = box @ rot.T + pose.center
        x0, y0 = np.floor(dst.min(axis=0)).astype(int) - 4
        x1, y1 = np.ceil(dst.max(axis=0)).astype(int) + 4
        fh, fw = frame.shape[:2]
        cx0, cy0, cx1, cy1 = max(x0, 0), max(y0, 0), min(x1, fw), min(y1, fh)
        if cx1 - cx0 < 8 or cy1 - cy0 < 8:
            return
        m = cv2.getPerspectiveTransform(src, (dst - [cx0, cy0]).astype(np.float32))
        size = (cx1 - cx0, cy1 - cy0)
        patch = cv2.warpPerspective(label, m, size, flags=cv2.INTER_AREA, borderValue=0)
        mask = cv2.warpPerspective(np.full_like(label, 255), m, size, borderValue=0)
        roi = frame[cy0:cy1, cx0:cx1]
        printed = (patch.astype(np.float32) * pose.gain)[:, :, None]
        alpha = (mask.astype(np.float32) / 255.0)[:, :, None]
        mixed = roi.astype(np.float32) * (1 - alpha) + printed * alpha
        if pose.glare is not None:
            mixed = self._add_glare(mixed, pose)
        if pose.blur > 0.3:
            mixed = cv2.GaussianBlur(mixed, (0, 0), pose.blur)
        roi[:] = np.clip(mixed, 0, 255).astype(np.uint8)

    def _add_glare(self, patch: NDArray[np.float32], pose: _Pose) -> NDArray[np.float32]:
        assert pose.glare is not None
        h, w = patch.shape[:2]
        blob = np.asarray(cv2.resize(self._glare, (max(8, w // 2), max(8, h // 2))), np.float32)
        bh, bw = blob.shape
        y = int(h / 2 + pose.glare[1] * h - bh / 2)
        x = int(w / 2 + pose.glare[0] * w - bw / 2)
        ys, xs = slice(max(y, 0), min(y + bh, h)), slice(max(x, 0), min(x + bw, w))
        part = blob[ys.start - y : ys.stop - y, xs.start - x : xs.stop - x]
        patch[ys, xs] += part[:, :, None]
        return patch

    def _make_background(self) -> Image:
        cfg, rng = self.config, self._rng
        small = rng.integers(60, 200, size=(cfg.height // 40 + 2, cfg.width // 40 + 2, 3))
        smooth = cv2.resize(
            small.astype(np.uint8), (cfg.width, cfg.height), interpolation=cv2.INTER_CUBIC
        )
        grain = rng.normal(0, 12, size=(cfg.height, cfg.width, 1))
        return np.clip(np.asarray(smooth, np.float64) + grain, 0, 255).astype(np.uint8)


def _glare_blob(size: int) -> NDArray[np.float32]:
    """A soft bright spot, as a lamp reflected in a glossy wrapper."""
    ax = np.linspace(-1, 1, max(size, 8), dtype=np.float32)
    r2 = ax[None, :] ** 2 + ax[:, None] ** 2
    blob: NDArray[np.float32] = (np.exp(-r2 * 3.0) * 190).astype(np.float32)
    return blob
