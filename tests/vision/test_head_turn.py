"""The 3D head turn of the presented face camera, on the landmarks of a real portrait."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from vision.faces.images import load_image
from vision.faces.liveness.geometry import landmarks_from_features, yaw_score
from vision.faces.models import face_api
from vision.sources.head_turn import MAX_REST_DEG, MAX_TURN_DEG, HeadTurn

matplotlib = pytest.importorskip("matplotlib")
GRACE = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"


@pytest.fixture(scope="module")
def portrait() -> tuple[np.ndarray, np.ndarray]:
    rgb = load_image(GRACE)
    marks = face_api().face_landmarks(rgb)
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), landmarks_from_features(marks[0])


def test_the_resting_pose_is_frontal_and_turns_move_the_nose_their_way(
    portrait: tuple[np.ndarray, np.ndarray],
) -> None:
    image, landmarks = portrait
    head = HeadTurn(landmarks, (image.shape[1], image.shape[0]))
    assert abs(head.rest_deg) < MAX_REST_DEG
    assert yaw_score(head.points(0.0)[:68]) == pytest.approx(0.0, abs=1e-9)
    assert yaw_score(head.points(MAX_TURN_DEG)[:68]) > 0.6
    assert yaw_score(head.points(-MAX_TURN_DEG)[:68]) < -0.6
    anchors = head.points(0.0)[68 + 10 :]
    assert np.array_equal(anchors, head.points(MAX_TURN_DEG)[68 + 10 :])  # background stays


def test_the_warp_moves_only_the_head(portrait: tuple[np.ndarray, np.ndarray]) -> None:
    image, landmarks = portrait
    head = HeadTurn(landmarks, (image.shape[1], image.shape[0]))
    frontal = head.straighten(image)
    assert head.warp(frontal, 0.0) is frontal
    turned = head.warp(frontal, MAX_TURN_DEG)
    x0, y0, x1, y1 = head.roi
    outside = np.ones(image.shape[:2], bool)
    outside[y0:y1, x0:x1] = False
    assert np.array_equal(turned[outside], frontal[outside])
    assert float(np.mean(cv2.absdiff(turned, frontal)[y0:y1, x0:x1])) > 2.0


def test_a_photo_turned_far_is_straightened_only_so_far(
    portrait: tuple[np.ndarray, np.ndarray],
) -> None:
    image, landmarks = portrait
    turned = landmarks.copy()
    half = (landmarks[16, 0] - landmarks[0, 0]) / 2
    turned[27:36, 0] += 0.9 * half  # the nose far towards the image's right
    head = HeadTurn(turned, (image.shape[1], image.shape[0]))
    assert head.rest_deg == -MAX_REST_DEG
    assert yaw_score(head.points(0.0)[:68]) > 0.1
