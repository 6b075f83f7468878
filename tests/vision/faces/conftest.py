"""Shared photos turned into what the kiosk sees: encodings, camera frames, landmark frames."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from vision.faces import DetectionConfig, Encoding, detect_faces, encode_for_enrolment, load_image
from vision.faces.images import RgbImage, letterbox

SINGLE_FACE_PHOTOS = (
    "alex_lacamoire_1.png",
    "alex_lacamoire_2.jpg",
    "biden_1.jpg",
    "biden_2.jpg",
    "lin_manuel_miranda_1.png",
    "obama_1.jpg",
    "obama_2.jpg",
    "obama_3.jpg",
    "obama_4_480p.jpg",
    "obama_partial_face.jpg",
)
GROUP_PHOTO = "group_biden_obama.jpg"
CLIP = "clip_hamilton_short.mp4"
# The shared README: `obama_partial_face.jpg` is obama although its name has no `_N`.
LABELS = {"obama_partial_face.jpg": "obama"}


def camera_view(photo: RgbImage, face_share: float = 0.4) -> RgbImage:
    """A 640x480 frame framed like a kiosk camera: one face filling `face_share` of the height,
    centred; photos with several faces are shown whole."""
    boxes = detect_faces(photo, DetectionConfig(max_side=640))
    if len(boxes) != 1:
        return letterbox(photo)
    box = boxes[0]
    scale = 480 * face_share / box.height
    cx, cy = box.center
    matrix = np.float32([[scale, 0, 320 - cx * scale], [0, scale, 240 - cy * scale]])
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    frame = cv2.warpAffine(photo, matrix, (640, 480), flags=interpolation)
    return np.asarray(frame, dtype=np.uint8)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`single_face_photo` runs a test once per shared photo showing one face."""
    if "single_face_photo" in metafunc.fixturenames:
        metafunc.parametrize("single_face_photo", SINGLE_FACE_PHOTOS)


@pytest.fixture(scope="session")
def group_photo() -> str:
    return GROUP_PHOTO


@pytest.fixture(scope="session")
def frame_of() -> Callable[[RgbImage], RgbImage]:
    """The `camera_view` function, for tests that build their own frames."""
    return camera_view


@pytest.fixture(scope="session")
def faces_dir(shared_data: Path) -> Path:
    path = shared_data / "faces"
    if not path.is_dir():
        pytest.skip(f"no shared data: face photos not found at {path}")
    return path


@pytest.fixture(scope="session")
def photos(faces_dir: Path) -> dict[str, RgbImage]:
    return {name: load_image(faces_dir / name) for name in (*SINGLE_FACE_PHOTOS, GROUP_PHOTO)}


@pytest.fixture(scope="session")
def enrolled(photos: dict[str, RgbImage]) -> dict[str, Encoding]:
    """Enrolment encodings of every single-face photo (default enrolment settings)."""
    return {name: encode_for_enrolment(photos[name]) for name in SINGLE_FACE_PHOTOS}


@pytest.fixture(scope="session")
def identity() -> Callable[[str], str]:
    from vision.faces.evaluation.pairs import identity_from_name

    def of(name: str) -> str:
        found = LABELS.get(name) or identity_from_name(name)
        assert found is not None, name
        return found

    return of


@pytest.fixture(scope="session")
def clip_frames(faces_dir: Path) -> list[RgbImage]:
    """Every frame of the shared video, RGB."""
    capture = cv2.VideoCapture(str(faces_dir / CLIP))
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(np.asarray(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB), dtype=np.uint8))
    capture.release()
    if not frames:
        pytest.skip(f"could not decode {CLIP} with OpenCV")
    return frames
