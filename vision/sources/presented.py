"""A face camera showing a still photo that blinks and turns on request (the kiosk demo).

The photo is placed in a plain scene with hand shake and sensor noise, so it is not a frozen
picture; `blink()` draws closed eyelids over the eye landmarks for a few frames and `turn()`
rotates the face's landmarks as a 3D head and warps the photo to follow them (`head_turn`), so
the nose moves between the jaw lines the way a real head turn does. A photo taken slightly
turned is straightened first, so the resting pose is frontal.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

from vision.faces.images import load_image
from vision.faces.liveness.geometry import landmarks_from_features
from vision.faces.models import DLIB_LOCK, face_api
from vision.sources.base import EventSink, Frame, Image, SourceBase, SourceState
from vision.sources.head_turn import MAX_TURN_DEG, HeadTurn
from vision.sources.noise import add_noise, noise_tiles

BLINK_S = 0.5  # eyes shut this long: seen by a slow face engine, inside the 1 s a blink may last
TURN_S = (0.4, 1.2, 0.4)  # turning, held, back
TURN_TRIES = (MAX_TURN_DEG, 30.0, 25.0, 20.0)  # the first a face detector still finds is used
FACE_SHARE = 0.45  # the face's width as a share of the frame height


class NoFaceInPhoto(ValueError):
    """The photo given to the presented camera has no face dlib can find."""


class PresentedFace(SourceBase):
    """A FrameSource: `show()` holds the photo up, `hide()` takes it away."""

    def __init__(
        self,
        photo: Path,
        *,
        width: int = 640,
        height: int = 480,
        fps: float = 15,
        seed: int = 0,
        on_event: EventSink | None = None,
    ) -> None:
        super().__init__("presented", on_event)
        self.photo = Path(photo)
        self.width, self.height, self.fps = width, height, fps
        self._rng = np.random.default_rng(seed)
        self._lock = threading.Lock()
        self._shown = False
        self._blink_until = 0.0
        self._turn: tuple[float, int] | None = None  # (started, +1 person's left / -1 right)
        self._scene: NDArray[np.uint8] | None = None
        self._face: Image | None = None  # the scene with the photo in it (BGR)
        self._eyes: list[NDArray[np.int32]] = []
        self._head: HeadTurn | None = None
        self._reach = {1: MAX_TURN_DEG, -1: MAX_TURN_DEG}  # the full turn each way, in degrees
        self._lid = (0, 0, 0)
        self._noise = noise_tiles(self._rng, self.height, self.width, 3.0)

    # -- what the shopper does -----------------------------------------------------------

    def show(self) -> None:
        self._prepare()
        with self._lock:
            self._shown = True

    def hide(self) -> None:
        with self._lock:
            self._shown, self._turn, self._blink_until = False, None, 0.0

    @property
    def shown(self) -> bool:
        return self._shown

    def blink(self) -> None:
        with self._lock:
            self._blink_until = time.monotonic() + BLINK_S

    def turn(self, direction: int) -> None:
        """+1: the person turns to their left (nose towards the image's right), -1: right."""
        if direction not in (1, -1):
            raise ValueError("turn direction is +1 (their left) or -1 (their right)")
        with self._lock:
            self._turn = (time.monotonic(), direction)

    @property
    def busy(self) -> bool:
        """A blink or a turn is still being acted out."""
        now = time.monotonic()
        with self._lock:
            turning = self._turn is not None and now - self._turn[0] < sum(TURN_S)
            return turning or now < self._blink_until

    # -- FrameSource ---------------------------------------------------------------------

    def open(self) -> None:
        self._closing.clear()
        self._scene = self._make_scene()
        self._set_state(SourceState.RUNNING)

    def read(self) -> Frame | None:
        if self.state != SourceState.RUNNING or not self._pace(self.fps):
            return None
        return self._frame(self.render(time.monotonic()))

    def close(self) -> None:
        self._closing.set()
        self._set_state(SourceState.CLOSED)

    # -- rendering -----------------------------------------------------------------------

    def render(self, now: float) -> Image:
        with self._lock:
            shown, blink, turn = self._shown, now < self._blink_until, self._turn
        if self._scene is None:
            self._scene = self._make_scene()
        # the steps below return new arrays, so only drawing the closed eyes needs a copy
        if not shown or self._face is None or self._head is None:
            frame = self._scene
        else:
            frame = self._face
            if blink:
                frame = frame.copy()
                self._draw_closed_eyes(frame)
            amount = _turn_amount(now, turn)
            if amount:
                frame = self._head.warp(frame, amount * self._reach[1 if amount > 0 else -1])
            frame = self._shake(frame)
        return add_noise(frame, self._noise, self._rng)

    def _make_scene(self) -> NDArray[np.uint8]:
        ramp = np.linspace(150, 110, self.height, dtype=np.float32)[:, None, None]
        scene = np.broadcast_to(ramp, (self.height, self.width, 3)).astype(np.float32)
        return (scene * np.array([1.0, 0.97, 0.92], np.float32)).astype(np.uint8)

    def _prepare(self) -> None:
        """Place the photo so the face is large and centred, find its landmarks once and
        straighten it to a frontal pose."""
        if self._face is not None:
            return
        rgb = load_image(self.photo)
        with DLIB_LOCK:
            found = face_api().face_locations(rgb)
        if not found:
            raise NoFaceInPhoto(f"no face found in {self.photo}")
        top, right, bottom, left = max(found, key=lambda b: (b[1] - b[3]) * (b[2] - b[0]))
        scale = FACE_SHARE * self.height / max(right - left, 1)
        small = cv2.resize(rgb, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        cx, cy = (left + right) / 2 * scale, (top + bottom) / 2 * scale
        dx, dy = round(self.width / 2 - cx), round(self.height * 0.48 - cy)
        shift = np.array([[1, 0, dx], [0, 1, dy]], np.float32)
        scene = self._scene if self._scene is not None else self._make_scene()
        placed = np.asarray(
            cv2.warpAffine(
                cv2.cvtColor(small, cv2.COLOR_RGB2BGR),
                shift,
                (self.width, self.height),
                borderMode=cv2.BORDER_TRANSPARENT,
                dst=scene.copy(),
            ),
            np.uint8,
        )
        with DLIB_LOCK:
            marks = face_api().face_landmarks(cv2.cvtColor(placed, cv2.COLOR_BGR2RGB))
        if not marks:
            raise NoFaceInPhoto(f"no face landmarks found in {self.photo}")
        head = HeadTurn(landmarks_from_features(marks[0]), (self.width, self.height))
        frontal = head.straighten(placed)
        upright = head.points(0.0)
        self._eyes = [np.round(upright[s]).astype(np.int32) for s in (slice(36, 42), slice(42, 48))]
        self._lid = _skin_colour(frontal, self._eyes)
        self._reach = {d: _reach(head, frontal, d) for d in (1, -1)}
        self._head, self._face = head, frontal

    def _draw_closed_eyes(self, frame: Image) -> None:
        for eye in self._eyes:
            centre = eye.mean(axis=0)
            lid = ((eye - centre) * 1.7 + centre).astype(np.int32)  # cover the lashes too
            cv2.fillPoly(frame, [cv2.convexHull(lid)], self._lid, lineType=cv2.LINE_AA)
            corner_l, corner_r = eye[eye[:, 0].argmin()], eye[eye[:, 0].argmax()]
            low = int(centre[1] + 0.15 * np.ptp(eye[:, 1]) + 1)
            cv2.line(frame, (int(corner_l[0]), low), (int(corner_r[0]), low), (40, 35, 35), 3,
                     cv2.LINE_AA)  # fmt: skip

    def _shake(self, frame: Image) -> Image:
        dx, dy = self._rng.normal(0, 0.8, 2)
        m = np.array([[1, 0, dx], [0, 1, dy]], np.float32)
        return np.asarray(
            cv2.warpAffine(frame, m, (self.width, self.height), borderMode=cv2.BORDER_REPLICATE),
            np.uint8,
        )


def _turn_amount(now: float, turn: tuple[float, int] | None) -> float:
    """Signed share of the full turn at `now` (ease in, hold, ease out)."""
    if turn is None:
        return 0.0
    t, (rise, hold, fall) = now - turn[0], TURN_S
    if t < 0 or t >= rise + hold + fall:
        return 0.0
    if t < rise:
        share = t / rise
    elif t < rise + hold:
        share = 1.0
    else:
        share = 1 - (t - rise - hold) / fall
    return float(turn[1] * (0.5 - 0.5 * np.cos(np.pi * share)))


def _reach(head: HeadTurn, frontal: Image, direction: int) -> float:
    """How far the head may turn this way: a turn so far that the face detector loses the face
    would end the challenge (the face left the view) rather than pass it."""
    for degrees in TURN_TRIES:
        rgb = cv2.cvtColor(head.warp(frontal, direction * degrees), cv2.COLOR_BGR2RGB)
        with DLIB_LOCK:
            if len(face_api().face_locations(rgb)) == 1:
                return degrees
    return TURN_TRIES[-1]


def _skin_colour(image: Image, eyes: list[NDArray[np.int32]]) -> tuple[int, int, int]:
    """The median colour just below the eyes (the cheeks): what a shut eyelid looks like."""
    patches = []
    for eye in eyes:
        x0, x1 = eye[:, 0].min(), eye[:, 0].max()
        y = int(eye[:, 1].max() + 0.6 * max(float(np.ptp(eye[:, 0])), 1.0))
        patches.append(image[max(y - 3, 0) : y + 3, x0:x1].reshape(-1, 3))
    b, g, r = np.median(np.concatenate(patches), axis=0)
    return int(b * 0.92), int(g * 0.9), int(r * 0.9)  # lids are a touch darker than cheeks
