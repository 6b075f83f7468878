"""Eye openness and head yaw measured from dlib's 68 facial landmarks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

Landmarks = npt.NDArray[np.float64]
"""68 x 2 landmark coordinates (x, y) in the iBUG 300-W order dlib's predictor uses."""

# face_recognition names the 68 points by feature; concatenated in this order they are the
# iBUG indices 0-67 (jaw 0-16, brows 17-26, nose 27-35, eyes 36-47, lips 48-67).
_FEATURE_ORDER = (
    "chin",
    "left_eyebrow",
    "right_eyebrow",
    "nose_bridge",
    "nose_tip",
    "left_eye",
    "right_eye",
    "top_lip",
    "bottom_lip",
)
_IMAGE_LEFT_EYE = slice(36, 42)
_IMAGE_RIGHT_EYE = slice(42, 48)
_NOSE_TIP = 30
_JAW_LEFT, _JAW_RIGHT = 0, 16


def landmarks_from_features(features: Mapping[str, Sequence[tuple[int, int]]]) -> Landmarks:
    """The 68 points as an array, from face_recognition's per-feature dict.

    face_recognition repeats a few lip points to close its polygons, so the lips are rebuilt
    from their distinct points rather than concatenated.
    """
    points: list[tuple[int, int]] = []
    for name in _FEATURE_ORDER[:7]:
        points.extend(features[name])
    top, bottom = list(features["top_lip"]), list(features["bottom_lip"])
    # top_lip = 48-54, 64, 63, 62, 61, 60; bottom_lip = 54-59, 48, 60, 67, 66, 65, 64.
    outer = top[0:7] + bottom[1:6]
    inner = [top[11], top[10], top[9], top[8], top[7], bottom[10], bottom[9], bottom[8]]
    points.extend(outer + inner)
    array = np.asarray(points, dtype=np.float64)
    if array.shape != (68, 2):
        raise ValueError(f"expected 68 landmarks, got {array.shape[0]}")
    return array


def eye_aspect_ratio(eye: npt.NDArray[np.float64]) -> float:
    """Soukupova and Cech's EAR: eyelid gaps over eye width; about 0.25-0.45 open, near 0.1
    closed."""
    vertical = np.linalg.norm(eye[1] - eye[5]) + np.linalg.norm(eye[2] - eye[4])
    horizontal = 2.0 * np.linalg.norm(eye[0] - eye[3])
    return float(vertical / horizontal) if horizontal > 0 else 0.0


def mean_eye_aspect_ratio(landmarks: Landmarks) -> float:
    """EAR averaged over both eyes (a blink closes both)."""
    left = eye_aspect_ratio(landmarks[_IMAGE_LEFT_EYE])
    right = eye_aspect_ratio(landmarks[_IMAGE_RIGHT_EYE])
    return (left + right) / 2.0


def yaw_score(landmarks: Landmarks) -> float:
    """Where the nose tip sits between the two sides of the jaw, from -1 to 1 (0 = frontal).

    Positive means the nose points towards the image's right, which for an unmirrored camera
    is the person's own left. A flat photo tilted in front of the camera keeps this ratio
    nearly constant (a plane's projection preserves ratios along a line up to perspective),
    which is why a printed face cannot fake a head turn by being tilted.
    """
    left_x, right_x = landmarks[_JAW_LEFT, 0], landmarks[_JAW_RIGHT, 0]
    width = right_x - left_x
    if width <= 0:
        return 0.0
    return float(np.clip(2.0 * (landmarks[_NOSE_TIP, 0] - left_x) / width - 1.0, -1.0, 1.0))


def face_width(landmarks: Landmarks) -> float:
    """Jaw-to-jaw width in pixels: the scale for motion thresholds."""
    return float(np.linalg.norm(landmarks[_JAW_RIGHT] - landmarks[_JAW_LEFT]))
