"""Trackers for each challenge step and for frozen frames, fed one observation at a time."""

from __future__ import annotations

import statistics
from collections import deque

import numpy as np

from vision.faces.liveness.config import LivenessConfig
from vision.faces.liveness.observer import FaceObservation, FrameObservation


class BlinkTracker:
    """Open eyes, then closed (EAR under `closed_ratio` of the open baseline), then open again
    (over `reopen_ratio`), with the closure no longer than `max_closed_seconds`."""

    def __init__(self, config: LivenessConfig) -> None:
        self._config = config
        self._open: deque[float] = deque(maxlen=15)
        self._closed_since: float | None = None
        self.lowest_ratio = 1.0

    def update(self, face: FaceObservation, now: float) -> bool:
        """True once a blink has been completed with this observation."""
        config = self._config
        if abs(face.yaw) > config.max_blink_yaw:
            return False  # the eye contour foreshortens when turned: EAR means little there
        if len(self._open) < config.baseline_frames:
            self._open.append(face.ear)
            return False
        baseline = statistics.median(self._open)
        ratio = face.ear / baseline if baseline > 0 else 1.0
        self.lowest_ratio = min(self.lowest_ratio, ratio)
        if self._closed_since is None:
            if ratio < config.closed_ratio:
                self._closed_since = now
            else:
                self._open.append(face.ear)
            return False
        if ratio < config.reopen_ratio:
            return False
        closed_for = now - self._closed_since
        self._closed_since = None
        return closed_for <= config.max_closed_seconds


class TurnTracker:
    """A frontal pose first, then the yaw moved by `turn_delta` in the asked direction."""

    def __init__(self, config: LivenessConfig, direction: int) -> None:
        self._config = config
        self._direction = direction  # +1: towards the person's left, -1: their right
        self._frontal: deque[float] = deque(maxlen=15)
        self.largest_change = 0.0

    @property
    def saw_frontal(self) -> bool:
        return len(self._frontal) >= 2

    def update(self, face: FaceObservation) -> bool:
        """True once the head has turned far enough from its frontal pose."""
        yaw = -face.yaw if self._config.mirrored else face.yaw
        if abs(yaw) <= self._config.frontal_max_yaw:
            self._frontal.append(yaw)
        if not self.saw_frontal:
            return False
        change = (yaw - statistics.median(self._frontal)) * self._direction
        self.largest_change = max(self.largest_change, change)
        return change >= self._config.turn_delta


class StillnessTracker:
    """Notices a frozen picture: neither the face's pixels nor its landmarks change at all.

    A live camera always changes something between frames (sensor noise, micro-movements),
    so this catches a replayed still image early; a handheld print is caught by the steps.
    """

    def __init__(self, config: LivenessConfig) -> None:
        self._config = config
        self._previous: FrameObservation | None = None
        self._still_since: float | None = None
        self._previous_time = 0.0
        self.smallest_pixel_change = float("inf")

    def update(self, observation: FrameObservation, now: float) -> bool:
        """True when the face has been frozen for `still_seconds`."""
        previous, self._previous = self._previous, observation
        before, self._previous_time = self._previous_time, now
        if previous is None or previous.face is None or observation.face is None:
            self._still_since = None
            return False
        pixels = _pixel_change(previous, observation)
        moved = _landmark_motion(previous.face, observation.face)
        self.smallest_pixel_change = min(self.smallest_pixel_change, pixels)
        frozen = (
            pixels < self._config.still_pixel_change and moved < self._config.still_landmark_motion
        )
        if not frozen:
            self._still_since = None
            return False
        if self._still_since is None:
            self._still_since = before
        return now - self._still_since >= self._config.still_seconds


def _pixel_change(previous: FrameObservation, current: FrameObservation) -> float:
    assert current.face is not None
    if previous.thumbnail.shape != current.thumbnail.shape:
        return float("inf")
    box, scale = current.face.box, current.thumbnail_scale
    top, bottom = int(box.top * scale), max(int(box.bottom * scale), int(box.top * scale) + 1)
    left, right = int(box.left * scale), max(int(box.right * scale), int(box.left * scale) + 1)
    a = previous.thumbnail[top:bottom, left:right].astype(np.int16)
    b = current.thumbnail[top:bottom, left:right].astype(np.int16)
    return float(np.mean(np.abs(a - b))) if a.size else float("inf")


def _landmark_motion(previous: FaceObservation, current: FaceObservation) -> float:
    shift = np.linalg.norm(current.landmarks - previous.landmarks, axis=1)
    return float(np.mean(shift) / max(current.width, 1.0))
