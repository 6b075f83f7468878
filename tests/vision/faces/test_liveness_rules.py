"""The challenge's state machine, driven by landmark frames derived from a real face."""

from __future__ import annotations

import random

import numpy as np
import pytest

from vision.faces import (
    ChallengeStep,
    LivenessChallenge,
    LivenessConfig,
    LivenessFailure,
    LivenessState,
)
from vision.faces.detection import DetectionConfig
from vision.faces.liveness.geometry import mean_eye_aspect_ratio, yaw_score
from vision.faces.liveness.observer import FaceObservation, FrameObservation, observe

FPS = 30.0
RULES = LivenessConfig(encode_on_pass=False)
_EYES = (slice(36, 42), slice(42, 48))
_NOSE = slice(27, 36)


@pytest.fixture(scope="module")
def real_face(photos, frame_of):
    """The measured landmarks of a real face in a camera frame: the base of every frame here."""
    observation = observe(frame_of(photos["obama_1.jpg"]), DetectionConfig(), 80)
    assert observation.face is not None
    return observation.face


class Person:
    """Produces what the observer would report for a person who opens, closes and turns."""

    def __init__(self, face: FaceObservation, seed: int = 0) -> None:
        self.face = face
        self.rng = np.random.default_rng(seed)
        self.time = 0.0

    def frame(self, openness: float = 1.0, yaw: float = 0.0, faces: int = 1, shift: float = 0.0):
        points = self.face.landmarks.copy()
        for eye in _EYES:
            corners = (points[eye][0] + points[eye][3]) / 2
            lids = points[eye][[1, 2, 4, 5]]
            points[eye.start + np.array([1, 2, 4, 5])] = corners + (lids - corners) * [1, openness]
        half_width = (points[16, 0] - points[0, 0]) / 2
        points[_NOSE, 0] += yaw * half_width
        points[:, 0] += shift
        points += self.rng.normal(0, 0.3, points.shape)  # a live face never holds perfectly still
        box = self.face.box
        moved = type(box)(box.top, box.right + int(shift), box.bottom, box.left + int(shift))
        face = FaceObservation(
            moved, points, mean_eye_aspect_ratio(points), yaw_score(points), 100.0
        )
        thumbnail = self.rng.integers(0, 256, (120, 160), dtype=np.uint8)
        self.time += 1 / FPS
        return FrameObservation(faces, face if faces == 1 else None, False, thumbnail, 0.25)

    def feed(self, challenge, count, **pose):
        status = challenge.status
        for _ in range(count):
            status = challenge.feed_observation(self.frame(**pose), self.time)
        return status

    def blink(self, challenge):
        self.feed(challenge, 10)
        self.feed(challenge, 4, openness=0.25)
        return self.feed(challenge, 10)

    def turn(self, challenge, direction):
        self.feed(challenge, 10)
        return self.feed(challenge, 10, yaw=0.55 * direction)


def test_a_blink_passes_the_blink_step(real_face):
    challenge = LivenessChallenge(RULES, steps=(ChallengeStep.BLINK,))
    status = Person(real_face).blink(challenge)
    assert status.state is LivenessState.PASSED
    assert status.completed == (ChallengeStep.BLINK,)


@pytest.mark.parametrize(("openness", "frames"), [(0.85, 4), (0.7, 4), (0.25, 60)])
def test_shallow_dips_and_long_closures_are_not_blinks(real_face, openness, frames):
    challenge = LivenessChallenge(RULES, steps=(ChallengeStep.BLINK,))
    person = Person(real_face)
    person.feed(challenge, 10)
    person.feed(challenge, frames, openness=openness)
    status = person.feed(challenge, 10)
    assert status.state is LivenessState.IN_PROGRESS
    assert status.step is ChallengeStep.BLINK


@pytest.mark.parametrize(
    ("step", "direction"), [(ChallengeStep.TURN_LEFT, 1), (ChallengeStep.TURN_RIGHT, -1)]
)
def test_a_turn_passes_only_in_the_asked_direction(real_face, step, direction):
    right_way = LivenessChallenge(RULES, steps=(step,))
    assert Person(real_face).turn(right_way, direction).state is LivenessState.PASSED
    wrong_way = LivenessChallenge(RULES, steps=(step,))
    assert Person(real_face).turn(wrong_way, -direction).state is LivenessState.IN_PROGRESS


def test_mirrored_frames_swap_left_and_right(real_face):
    challenge = LivenessChallenge(
        RULES.model_copy(update={"mirrored": True}), steps=(ChallengeStep.TURN_LEFT,)
    )
    assert Person(real_face).turn(challenge, -1).state is LivenessState.PASSED


def test_a_turn_must_start_from_a_frontal_pose(real_face):
    challenge = LivenessChallenge(RULES, steps=(ChallengeStep.TURN_LEFT,))
    person = Person(real_face)
    status = person.feed(challenge, 20, yaw=0.6)  # already turned: a photo of a turned head
    assert status.state is LivenessState.IN_PROGRESS
    assert status.prompt == "Look straight at the camera"


def test_a_cooperative_person_passes_any_random_challenge(real_face):
    seen_orders = set()
    for seed in range(12):
        challenge = LivenessChallenge(RULES, rng=random.Random(seed))
        seen_orders.add(challenge.steps)
        person = Person(real_face, seed)
        status = challenge.status
        while status.state is LivenessState.IN_PROGRESS:
            if status.step is ChallengeStep.BLINK:
                status = person.blink(challenge)
            else:
                status = person.turn(challenge, 1 if status.step is ChallengeStep.TURN_LEFT else -1)
        assert status.state is LivenessState.PASSED, (seed, status)
    blink_first = {steps for steps in seen_orders if steps[0] is ChallengeStep.BLINK}
    assert blink_first  # both orders occur
    assert blink_first != seen_orders
    turns = {step for steps in seen_orders for step in steps} - {ChallengeStep.BLINK}
    assert turns == {ChallengeStep.TURN_LEFT, ChallengeStep.TURN_RIGHT}


def test_a_second_face_fails_at_once(real_face):
    challenge = LivenessChallenge(RULES)
    person = Person(real_face)
    person.feed(challenge, 5)
    status = person.feed(challenge, 1, faces=2)
    assert (status.state, status.failure) == (LivenessState.FAILED, LivenessFailure.SEVERAL_FACES)


def test_a_face_that_jumps_is_another_face(real_face):
    challenge = LivenessChallenge(RULES)
    person = Person(real_face)
    person.feed(challenge, 5)
    status = person.feed(challenge, 1, shift=real_face.box.width)
    assert status.failure is LivenessFailure.FACE_CHANGED


def test_a_face_may_leave_briefly_but_not_for_long(real_face):
    person = Person(real_face)
    brief = LivenessChallenge(RULES)
    person.feed(brief, 5)
    person.feed(brief, int(0.5 * FPS), faces=0)
    assert person.feed(brief, 3).state is LivenessState.IN_PROGRESS
    long = LivenessChallenge(RULES)
    person.feed(long, 5)
    status = person.feed(long, int(1.5 * FPS), faces=0)
    assert status.failure is LivenessFailure.FACE_LOST


def test_time_runs_out(real_face):
    challenge = LivenessChallenge(RULES)
    status = Person(real_face).feed(challenge, int(RULES.window_seconds * FPS) + 2)
    assert status.failure is LivenessFailure.TIMEOUT
    assert status.completed == ()


def test_a_frozen_face_fails_as_a_still_image(real_face):
    challenge = LivenessChallenge(RULES)
    frozen = Person(real_face).frame()
    status = challenge.status
    for i in range(int(2 * FPS)):
        status = challenge.feed_observation(frozen, i / FPS)
    assert status.failure is LivenessFailure.STILL_IMAGE


def test_a_finished_challenge_stays_finished_and_time_must_move_forward(real_face):
    challenge = LivenessChallenge(RULES, steps=(ChallengeStep.BLINK,))
    person = Person(real_face)
    passed = person.blink(challenge)
    assert person.feed(challenge, 5, faces=2) is passed
    fresh = LivenessChallenge(RULES)
    frame = person.frame()
    fresh.feed_observation(frame, 1.0)
    with pytest.raises(ValueError, match="timestamps must increase"):
        fresh.feed_observation(frame, 1.0)


def test_a_challenge_needs_a_step():
    with pytest.raises(ValueError, match="at least one"):
        LivenessChallenge(LivenessConfig(blink=False, turn=False))
