"""Face pay on the real face camera: liveness challenge, 1:N identification, the digits."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import cv2
import numpy as np

from kiosk.members.facepay import FaceAttempt, FaceStep
from kiosk.members.facepay import FacePayEngine as MemberFacePay
from kiosk.ui.face_pay import FaceFailure, FaceStage, FaceUpdate, LivenessPrompt, UpdateCallback
from kiosk.ui.feeds import Box, BoxKind, PixelFormat, PreviewFeed

logger = logging.getLogger(__name__)

_FAILURES = {
    "several_faces": FaceFailure.SEVERAL_FACES,
    "timeout": FaceFailure.TIMEOUT,
    "face_lost": FaceFailure.NOT_LIVE,
    "face_changed": FaceFailure.NOT_LIVE,
    "still_image": FaceFailure.NOT_LIVE,
    "no_clear_face": FaceFailure.NOT_LIVE,
    "liveness_failed": FaceFailure.NOT_LIVE,
    "over_limit": FaceFailure.UNAVAILABLE,
    "locked": FaceFailure.WRONG_DIGITS,
}


class CameraFacePay:
    """kiosk.ui.face_pay.FacePayEngine on vision.faces and kiosk.members.

    A worker thread takes the newest face-camera frame and feeds it to the member attempt
    (liveness challenge, then 1:N identification); the member confirms with digits.
    """

    def __init__(
        self,
        members: MemberFacePay | None,
        feed: PreviewFeed,
        amount: Callable[[], int],
        *,
        why_unavailable: str = "",
    ) -> None:
        self.members = members
        self.feed = feed
        self.amount = amount
        self.why_unavailable = why_unavailable
        self.prompt: LivenessPrompt | None = None  # the current step, for the demo shopper
        self._on_update: UpdateCallback | None = None
        self._attempt: FaceAttempt | None = None
        self._box: Box | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()

    @property
    def available(self) -> bool:
        return self.members is not None

    def start(self, on_update: UpdateCallback) -> None:
        self.cancel()
        if self.members is None:
            logger.warning("face pay unavailable: %s", self.why_unavailable)
            on_update(FaceUpdate(FaceStage.FAILED, reason=FaceFailure.UNAVAILABLE))
            return
        stop = threading.Event()  # one per attempt: a cancelled worker never speaks again
        self._box = None  # a refusal before any face is seen shows no box from the last attempt
        with self._lock:
            self._on_update, self._stop = on_update, stop
        threading.Thread(target=self._run, args=(stop,), name="face-pay", daemon=True).start()

    def submit_digits(self, digits: str) -> None:
        """Checked in a worker thread: the digits' hash is argon2id, slow on purpose."""
        with self._lock:
            attempt, stop = self._attempt, self._stop
        if attempt is not None:
            threading.Thread(
                target=self._check_digits, args=(attempt, digits, stop), daemon=True
            ).start()

    def _check_digits(self, attempt: FaceAttempt, digits: str, stop: threading.Event) -> None:
        try:
            status = attempt.digits(digits)
        except Exception:  # the screen waits for an answer: a dead thread would leave it hanging
            logger.exception("face pay: the digits could not be checked")
            self._emit(stop, FaceUpdate(FaceStage.FAILED, reason=FaceFailure.UNAVAILABLE))
            return
        if status.step == FaceStep.VERIFIED:
            self._emit(stop, self._confirmed(attempt))
        else:
            wrong = FaceUpdate(FaceStage.FAILED, box=self._box, reason=FaceFailure.WRONG_DIGITS)
            self._emit(stop, wrong)

    def cancel(self) -> None:
        with self._lock:
            self._stop.set()  # the worker ends after its current frame; no wait on the UI thread
            self._on_update = None
            self._attempt = None
        self.prompt = None
        self.feed.publish_boxes([], BoxKind.FACE)

    # -- the worker -----------------------------------------------------------------------

    def _begin(self, stop: threading.Event) -> FaceAttempt | None:
        """A fresh attempt on the current members (enrolments may have changed since)."""
        assert self.members is not None
        if not self.members.reload():
            self._emit(stop, FaceUpdate(FaceStage.FAILED, reason=FaceFailure.UNAVAILABLE))
            return None
        attempt = self.members.attempt(self.amount())
        with self._lock:
            if not stop.is_set():
                self._attempt = attempt
        self._emit(stop, FaceUpdate(FaceStage.LOOKING))
        return attempt

    def _run(self, stop: threading.Event) -> None:
        try:
            attempt = self._begin(stop)
        except Exception:  # the gallery (database, key) failed: say so, or the screen waits
            logger.exception("face pay: the member faces could not be loaded")
            self._emit(stop, FaceUpdate(FaceStage.FAILED, reason=FaceFailure.UNAVAILABLE))
            return
        if attempt is None:
            return
        seen = 0
        while not stop.is_set():
            frame = self.feed.latest()
            if frame is None or frame.seq == seen:
                stop.wait(0.01)
                continue
            seen = frame.seq
            rgb = frame.pixels
            if frame.fmt == PixelFormat.BGR:
                rgb = np.ascontiguousarray(cv2.cvtColor(frame.pixels, cv2.COLOR_BGR2RGB))
            try:
                if self._step(attempt, rgb, frame.at, stop):
                    return
            except Exception:
                logger.exception("face pay: a frame could not be processed")
                self._emit(stop, FaceUpdate(FaceStage.FAILED, reason=FaceFailure.UNAVAILABLE))
                return

    def _step(
        self, attempt: FaceAttempt, rgb: np.ndarray, at: float, stop: threading.Event
    ) -> bool:
        """Advance on one frame; True when the liveness part is over."""
        look = attempt.look(rgb, at)
        if look.face is not None:
            b = look.face
            self._box = Box(b.left, b.top, b.width, b.height, BoxKind.FACE)
        if stop.is_set():
            return True
        status = look.status
        if status.step == FaceStep.LIVENESS:
            self.prompt = LivenessPrompt(look.step.value) if look.step else None
            if look.face is None:
                self._emit(stop, FaceUpdate(FaceStage.LOOKING))
            else:
                self._emit(stop, FaceUpdate(FaceStage.LIVENESS, box=self._box, prompt=self.prompt))
            return False
        self.prompt = None
        if status.step == FaceStep.DIGITS:
            self._emit(
                stop,
                FaceUpdate(
                    FaceStage.CONFIRM,
                    box=self._box,
                    member_id=status.member_id or "",
                    display_name=status.display_name,
                    points_balance=status.points_balance,
                    digits_needed=4,
                ),
            )
        elif status.step == FaceStep.VERIFIED:
            self._emit(stop, self._confirmed(attempt))
        else:
            reason = _FAILURES.get(status.reason, FaceFailure.NO_MATCH)
            self._emit(stop, FaceUpdate(FaceStage.FAILED, box=self._box, reason=reason))
        return True

    def _confirmed(self, attempt: FaceAttempt) -> FaceUpdate:
        s = attempt.status
        return FaceUpdate(
            FaceStage.CONFIRMED,
            box=self._box,
            member_id=s.member_id or "",
            display_name=s.display_name,
            points_balance=s.points_balance,
        )

    def _emit(self, stop: threading.Event, update: FaceUpdate) -> None:
        # stop is read under the lock cancel() sets it under: checked outside, a cancel and a
        # new start() in between would hand this attempt's news to the next attempt's callback
        with self._lock:
            callback = None if stop.is_set() else self._on_update
        if callback is None:
            return  # cancelled: this attempt's news is for nobody
        self.feed.publish_boxes([update.box] if update.box else [], BoxKind.FACE)
        callback(update)
