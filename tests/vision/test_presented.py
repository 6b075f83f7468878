"""The presented face camera: a still photo that moves, blinks and turns for the real checks."""

from __future__ import annotations

import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from vision.faces import ChallengeStep, LivenessChallenge, LivenessState
from vision.faces.liveness.config import LivenessConfig
from vision.faces.liveness.observer import observe
from vision.sources.presented import BLINK_S, TURN_S, NoFaceInPhoto, PresentedFace

matplotlib = pytest.importorskip("matplotlib")
GRACE = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
CONFIG = LivenessConfig()


def measure(camera: PresentedFace, now: float) -> tuple[float, float] | None:
    rgb = cv2.cvtColor(camera.render(now), cv2.COLOR_BGR2RGB)
    face = observe(rgb, CONFIG.detection, CONFIG.min_face_px).face
    return (face.ear, face.yaw) if face is not None else None


def test_hidden_shows_no_face_and_shown_frames_are_never_identical() -> None:
    camera = PresentedFace(GRACE)
    camera.open()
    assert measure(camera, time.monotonic()) is None
    camera.show()
    a, b = camera.render(time.monotonic()), camera.render(time.monotonic())
    assert float(np.mean(cv2.absdiff(a, b))) > 1.0  # shake and noise: not a frozen picture
    assert measure(camera, time.monotonic()) is not None


def test_blink_closes_the_eyes_and_turns_move_the_nose_their_way() -> None:
    camera = PresentedFace(GRACE)
    camera.open()
    camera.show()
    now = time.monotonic()
    open_eyes = measure(camera, now)
    assert open_eyes is not None
    assert abs(open_eyes[1]) < CONFIG.frontal_max_yaw / 2  # her slight turn is taken out
    camera.blink()
    shut = measure(camera, time.monotonic())
    assert shut is not None
    assert shut[0] < CONFIG.closed_ratio * open_eyes[0]
    time.sleep(BLINK_S)
    camera.turn(1)  # to the person's left: nose towards the image's right, yaw up
    held = time.monotonic() + TURN_S[0] + TURN_S[1] / 2
    left = measure(camera, held)
    camera.turn(-1)
    right = measure(camera, held)
    assert left is not None
    assert right is not None
    # one frame each way; the challenge tests below hold the turns to the real threshold
    assert left[1] - open_eyes[1] > 0.2
    assert open_eyes[1] - right[1] > 0.2


def test_a_photo_without_a_face_is_refused(tmp_path: Path) -> None:
    blank = tmp_path / "wall.png"
    cv2.imwrite(str(blank), np.full((480, 640, 3), 128, np.uint8))
    with pytest.raises(NoFaceInPhoto, match="no face found in"):
        PresentedFace(blank).show()


def act_out(camera: PresentedFace, steps: tuple[str, str]) -> None:
    """Run the real challenge on the camera's frames, acting each prompt as the demo shopper."""
    camera.open()
    camera.show()
    challenge = LivenessChallenge(steps=tuple(ChallengeStep(s) for s in steps))
    acted: tuple[ChallengeStep | None, float] = (None, 0.0)
    status = challenge.status
    while status.state is LivenessState.IN_PROGRESS:
        now = time.monotonic()
        status = challenge.feed(cv2.cvtColor(camera.render(now), cv2.COLOR_BGR2RGB), now)
        step = status.step
        again = step is not acted[0] or now - acted[1] > 2.5  # as the demo shopper does
        if step is not None and again and not camera.busy:
            acted = (step, now)
            if step is ChallengeStep.BLINK:
                camera.blink()
            else:
                camera.turn(1 if step is ChallengeStep.TURN_LEFT else -1)
    assert status.state is LivenessState.PASSED, status.prompt
    assert status.encoding is not None


@pytest.mark.parametrize(
    "steps",
    [
        ("blink", "turn_left"),
        ("blink", "turn_right"),
        ("turn_left", "blink"),
        ("turn_right", "blink"),
    ],
)
def test_the_fallback_face_passes_the_real_challenge_in_every_order(
    steps: tuple[str, str],
) -> None:
    act_out(PresentedFace(GRACE), steps)


@pytest.mark.parametrize("steps", [("blink", "turn_left"), ("turn_right", "blink")])
def test_the_default_demo_face_passes_the_real_challenge(
    shared_data: Path, steps: tuple[str, str]
) -> None:
    act_out(PresentedFace(shared_data / "faces" / "obama_1.jpg"), steps)
