"""The liveness challenge as a frame-by-frame state machine: feed frames, read the status."""

from __future__ import annotations

import enum
import logging
import random
from dataclasses import dataclass, field

from vision.faces.detection import FaceBox
from vision.faces.encoding import Encoding, encode_face
from vision.faces.images import RgbImage, as_rgb
from vision.faces.liveness.config import LivenessConfig
from vision.faces.liveness.observer import FaceObservation, FrameObservation, observe
from vision.faces.liveness.steps import BlinkTracker, StillnessTracker, TurnTracker

logger = logging.getLogger(__name__)


class ChallengeStep(enum.Enum):
    """What the person is asked to do. Left and right are the person's own."""

    BLINK = "blink"
    TURN_LEFT = "turn_left"
    TURN_RIGHT = "turn_right"


class LivenessState(enum.Enum):
    IN_PROGRESS = "in_progress"
    PASSED = "passed"
    FAILED = "failed"


class LivenessFailure(enum.Enum):
    TIMEOUT = "timeout"
    SEVERAL_FACES = "several_faces"
    FACE_LOST = "face_lost"
    FACE_CHANGED = "face_changed"
    STILL_IMAGE = "still_image"
    NO_CLEAR_FACE = "no_clear_face"


PROMPTS = {
    ChallengeStep.BLINK: "Blink your eyes",
    ChallengeStep.TURN_LEFT: "Turn your head to your left",
    ChallengeStep.TURN_RIGHT: "Turn your head to your right",
}
_TURN_DIRECTION = {ChallengeStep.TURN_LEFT: 1, ChallengeStep.TURN_RIGHT: -1}


@dataclass(frozen=True, slots=True, eq=False)
class LivenessStatus:
    """Where the challenge stands after a frame. `prompt` is English text for logs and as
    the UI's fallback; the UI translates from `step` and `failure`."""

    state: LivenessState
    prompt: str
    step: ChallengeStep | None = None
    failure: LivenessFailure | None = None
    completed: tuple[ChallengeStep, ...] = ()
    encoding: Encoding | None = field(default=None, repr=False)


@dataclass(slots=True)
class LivenessMeasurements:
    """What the challenge measured so far, for diagnostics and reports."""

    frames: int = 0
    frames_with_face: int = 0
    max_faces: int = 0
    lowest_ear_ratio: float = 1.0
    largest_turn: float = 0.0
    yaw_range: tuple[float, float] = (0.0, 0.0)


class LivenessChallenge:
    """One randomised challenge. Not thread-safe: feed it from the camera worker only."""

    def __init__(
        self,
        config: LivenessConfig | None = None,
        rng: random.Random | None = None,
        steps: tuple[ChallengeStep, ...] | None = None,
    ) -> None:
        """`rng` draws the steps (a SystemRandom by default, so nobody can predict them);
        `steps` fixes them instead, for tests and demonstrations only."""
        self.config = config or LivenessConfig()
        if steps is not None and not steps:
            raise ValueError("a liveness challenge needs at least one step")
        self.steps = steps or _draw_steps(self.config, rng or random.SystemRandom())
        self.measurements = LivenessMeasurements()
        self._done: list[ChallengeStep] = []
        self._blink = BlinkTracker(self.config)
        self._turn: TurnTracker | None = None
        self._still = StillnessTracker(self.config)
        self._started: float | None = None
        self._last_time: float | None = None
        self._last_face: FaceObservation | None = None
        self._last_face_time: float | None = None
        self.frame_face: FaceBox | None = None  # the face of the frame fed last, for overlays
        self._best: tuple[float, RgbImage, FaceObservation] | None = None
        self._status = LivenessStatus(
            LivenessState.IN_PROGRESS, "Look at the camera", self.steps[0]
        )

    @property
    def status(self) -> LivenessStatus:
        return self._status

    def feed(self, frame: object, timestamp: float) -> LivenessStatus:
        """Process one RGB frame taken at `timestamp` (seconds, increasing)."""
        if self._status.state is not LivenessState.IN_PROGRESS:
            return self._status
        rgb = as_rgb(frame)
        observation = observe(rgb, self.config.detection, self.config.min_face_px)
        return self.feed_observation(observation, timestamp, rgb)

    def feed_observation(
        self, observation: FrameObservation, timestamp: float, frame: RgbImage | None = None
    ) -> LivenessStatus:
        """Advance on an already measured frame (`frame` is needed only to encode on pass)."""
        if self._status.state is not LivenessState.IN_PROGRESS:
            return self._status
        self._check_time(timestamp)
        self.frame_face = observation.face.box if observation.face is not None else None
        self._status = self._advance(observation, timestamp, frame)
        self._measure(observation)
        if self._status.state is not LivenessState.IN_PROGRESS:
            logger.info("liveness %s: %s", self._status.state.value, self._status.prompt)
            self._best = None  # the kept frame goes as soon as it is not needed
        return self._status

    def _check_time(self, timestamp: float) -> None:
        if self._last_time is not None and timestamp <= self._last_time:
            raise ValueError(f"frame timestamps must increase: {timestamp} after {self._last_time}")
        self._last_time = timestamp
        if self._started is None:
            self._started = timestamp

    def _advance(
        self, observation: FrameObservation, now: float, frame: RgbImage | None
    ) -> LivenessStatus:
        assert self._started is not None
        if observation.faces > 1:
            return self._fail(LivenessFailure.SEVERAL_FACES, "More than one face in view")
        if now - self._started > self.config.window_seconds:
            return self._fail(LivenessFailure.TIMEOUT, "The challenge was not completed in time")
        face = observation.face
        if face is None:
            return self._without_face(observation, now)
        if self._moved_too_far(face):
            return self._fail(LivenessFailure.FACE_CHANGED, "The face in view changed")
        self._last_face, self._last_face_time = face, now
        if self._still.update(observation, now):
            return self._fail(
                LivenessFailure.STILL_IMAGE, "The picture does not move: a still image"
            )
        self._keep_if_best(face, frame)
        if self._step_done(face, now):
            self._done.append(self.steps[len(self._done)])
            if len(self._done) == len(self.steps):
                return self._pass()
        return self._prompt()

    def _without_face(self, observation: FrameObservation, now: float) -> LivenessStatus:
        self._still.update(observation, now)
        lost_since = self._last_face_time
        if lost_since is not None and now - lost_since > self.config.max_face_lost_seconds:
            return self._fail(LivenessFailure.FACE_LOST, "The face left the view")
        text = "Come closer to the camera" if observation.too_small else "Look at the camera"
        return self._prompt(text)

    def _moved_too_far(self, face: FaceObservation) -> bool:
        last = self._last_face
        if last is None:
            return False
        (x0, y0), (x1, y1) = last.box.center, face.box.center
        jump = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5 / max(last.box.size, 1)
        resized = max(face.box.size, last.box.size) / max(min(face.box.size, last.box.size), 1)
        return jump > self.config.max_jump or resized > 1.0 + 2 * self.config.max_jump

    def _step_done(self, face: FaceObservation, now: float) -> bool:
        step = self.steps[len(self._done)]
        if step is ChallengeStep.BLINK:
            return self._blink.update(face, now)
        if self._turn is None:
            self._turn = TurnTracker(self.config, _TURN_DIRECTION[step])
        done = self._turn.update(face)
        self.measurements.largest_turn = max(
            self.measurements.largest_turn, self._turn.largest_change
        )
        return done

    def _keep_if_best(self, face: FaceObservation, frame: RgbImage | None) -> None:
        if frame is None or not self.config.encode_on_pass:
            return
        if (
            face.sharpness < self.config.min_sharpness
            or abs(face.yaw) > self.config.frontal_max_yaw
        ):
            return
        score = abs(face.yaw)
        if self._best is None or score < self._best[0]:
            self._best = (score, frame.copy(), face)

    def _pass(self) -> LivenessStatus:
        encoding = None
        if self.config.encode_on_pass:
            if self._best is None:
                return self._fail(
                    LivenessFailure.NO_CLEAR_FACE, "No sharp frontal view of the face"
                )
            _, frame, face = self._best
            encoding = encode_face(frame, face.box, self.config.encoder)
        return LivenessStatus(
            LivenessState.PASSED, "Thank you", completed=tuple(self._done), encoding=encoding
        )

    def _prompt(self, text: str | None = None) -> LivenessStatus:
        step = self.steps[len(self._done)]
        if text is None:
            text = PROMPTS[step]
            if (
                self._turn is not None
                and step is not ChallengeStep.BLINK
                and not self._turn.saw_frontal
            ):
                text = "Look straight at the camera"
        return LivenessStatus(LivenessState.IN_PROGRESS, text, step, completed=tuple(self._done))

    def _fail(self, failure: LivenessFailure, text: str) -> LivenessStatus:
        return LivenessStatus(
            LivenessState.FAILED, text, failure=failure, completed=tuple(self._done)
        )

    def _measure(self, observation: FrameObservation) -> None:
        m = self.measurements
        m.frames += 1
        m.max_faces = max(m.max_faces, observation.faces)
        if observation.face is not None:
            m.frames_with_face += 1
            low, high = m.yaw_range if m.frames_with_face > 1 else (observation.face.yaw,) * 2
            m.yaw_range = (min(low, observation.face.yaw), max(high, observation.face.yaw))
        m.lowest_ear_ratio = min(m.lowest_ear_ratio, self._blink.lowest_ratio)


def _draw_steps(config: LivenessConfig, rng: random.Random) -> tuple[ChallengeStep, ...]:
    steps = []
    if config.blink:
        steps.append(ChallengeStep.BLINK)
    if config.turn:
        steps.append(rng.choice([ChallengeStep.TURN_LEFT, ChallengeStep.TURN_RIGHT]))
    if not steps:
        raise ValueError("a liveness challenge needs at least one of `blink` or `turn`")
    rng.shuffle(steps)
    return tuple(steps)
