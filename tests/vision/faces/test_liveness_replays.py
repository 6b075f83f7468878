"""Liveness on real pixels: frozen photos, a handheld print, and the shared video."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from vision.faces import (
    ChallengeStep,
    FaceGallery,
    FaceIdentifier,
    Identified,
    LivenessChallenge,
    LivenessConfig,
    LivenessFailure,
    LivenessState,
)
from vision.faces.liveness.observer import observe

FPS = 10.0
# The stillness shortcut switched off: only the blink and the turn can stop a replay then.
NO_STILLNESS = LivenessConfig(still_pixel_change=0.0, still_landmark_motion=0.0, window_seconds=5)
ALL_STEPS = (ChallengeStep.BLINK, ChallengeStep.TURN_LEFT, ChallengeStep.TURN_RIGHT)


def _replay(challenge, frames, fps=FPS):
    """Feed frames at `fps` until the window is over; every status is returned."""
    statuses = []
    count = int(challenge.config.window_seconds * fps) + 2
    for i in range(count):
        statuses.append(challenge.feed(frames(i), i / fps))
    return statuses


def test_every_shared_photo_replayed_as_a_frozen_camera_fails(photos, frame_of):
    for name, photo in photos.items():
        frame = frame_of(photo)
        statuses = _replay(LivenessChallenge(), lambda _, f=frame: f)
        assert all(s.state is not LivenessState.PASSED for s in statuses), name
        final = statuses[-1]
        assert final.state is LivenessState.FAILED, name
        expected = LivenessFailure.SEVERAL_FACES if "group" in name else LivenessFailure.STILL_IMAGE
        assert final.failure is expected, (name, final)


def test_frozen_photos_fail_every_step_even_without_the_stillness_check(photos, frame_of):
    for name, photo in photos.items():
        frame = frame_of(photo)
        observation = observe(frame, NO_STILLNESS.detection, NO_STILLNESS.min_face_px)
        # A frozen camera repeats the same frame, so the measured observation is the same too.
        for step in ALL_STEPS:
            challenge = LivenessChallenge(NO_STILLNESS, steps=(step,))
            count = int(NO_STILLNESS.window_seconds * FPS) + 2
            for i in range(count):
                status = challenge.feed_observation(observation, i / FPS, frame)
            assert status.state is LivenessState.FAILED, (name, step)
            assert status.completed == (), (name, step)


def _handheld(frame, rng, i):
    """A print held up to the camera: it sways, tilts up to 40 degrees each way, and the camera
    adds noise and exposure changes."""
    height, width = frame.shape[:2]
    angle = np.deg2rad(40 * np.sin(i / 6.0))
    focal = 900.0
    corners = np.float32([[0, 0], [width, 0], [width, height], [0, height]]) - [
        width / 2,
        height / 2,
    ]
    x = corners[:, 0] * np.cos(angle)
    z = corners[:, 0] * np.sin(angle) + focal
    projected = np.stack([focal * x / z, focal * corners[:, 1] / z], axis=1)
    projected += [width / 2 + rng.normal(0, 4), height / 2 + rng.normal(0, 4)]
    source = (corners + [width / 2, height / 2]).astype(np.float32)
    matrix = cv2.getPerspectiveTransform(source, projected.astype(np.float32))
    moved = cv2.warpPerspective(frame, matrix, (width, height))
    noisy = moved * rng.uniform(0.85, 1.15) + rng.normal(0, 3, moved.shape)
    return np.clip(noisy, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("name", ["obama_1.jpg", "biden_2.jpg", "alex_lacamoire_2.jpg"])
def test_a_handheld_tilted_print_fails_blink_and_turn(photos, frame_of, name):
    frame = frame_of(photos[name])
    rng = np.random.default_rng(21)
    config = LivenessConfig(window_seconds=6, encode_on_pass=False)
    challenges = [LivenessChallenge(config, steps=(step,)) for step in ALL_STEPS]
    seen_face = 0
    for i in range(int(config.window_seconds * FPS) + 2):
        shot = _handheld(frame, rng, i)
        observation = observe(shot, config.detection, config.min_face_px)
        seen_face += observation.face is not None
        for challenge in challenges:
            challenge.feed_observation(observation, i / FPS, shot)
    assert seen_face > 30  # the print was seen: failing is not for want of a face
    for challenge in challenges:
        status = challenge.status
        assert status.state is LivenessState.FAILED, (challenge.steps, status)
        assert status.failure is LivenessFailure.TIMEOUT, (challenge.steps, status)
        m = challenge.measurements
        assert m.largest_turn < config.turn_delta
        assert m.lowest_ear_ratio > config.closed_ratio


def _clip_challenge(clip_frames, config, step):
    challenge = LivenessChallenge(config, steps=(step,))
    for i, frame in enumerate(clip_frames):
        if challenge.feed(frame, i / 29.97).state is not LivenessState.IN_PROGRESS:
            break
    return challenge


@pytest.mark.parametrize("step", [ChallengeStep.TURN_LEFT, ChallengeStep.TURN_RIGHT])
def test_the_shared_video_passes_the_head_turn_and_its_encoding_identifies_the_performer(
    clip_frames, enrolled, step
):
    challenge = _clip_challenge(clip_frames, LivenessConfig(), step)
    status = challenge.status
    assert status.state is LivenessState.PASSED, (status, challenge.measurements)
    assert status.encoding is not None
    gallery = FaceGallery()
    for name, encoding in enrolled.items():
        gallery.set_member(name.rsplit("_", 1)[0] if "obama" not in name else "obama", [encoding])
    result = FaceIdentifier(gallery).identify(status.encoding)
    assert isinstance(result, Identified)
    assert result.member_id == "lin_manuel_miranda"


def test_the_shared_video_shows_no_detectable_blink(clip_frames):
    """Measured, not wished for: the performer's eyes stay open through the one-face shot
    (frames 82-210). This pins that a real moving, talking face does not fake a blink."""
    config = LivenessConfig(window_seconds=30)
    challenge = _clip_challenge(clip_frames, config, ChallengeStep.BLINK)
    m = challenge.measurements
    assert challenge.status.state is LivenessState.FAILED
    assert challenge.status.failure is LivenessFailure.FACE_LOST  # the shot cuts to the audience
    assert m.frames_with_face > 100
    assert m.max_faces == 1
    assert config.closed_ratio < m.lowest_ear_ratio < 1.0
