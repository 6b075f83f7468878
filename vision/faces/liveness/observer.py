"""What one camera frame shows the liveness check: how many faces, and the landmarks of one."""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
import numpy.typing as npt

from vision.faces.detection import DetectionConfig, FaceBox, detect_faces
from vision.faces.images import RgbImage, downscale
from vision.faces.liveness.geometry import (
    Landmarks,
    face_width,
    landmarks_from_features,
    mean_eye_aspect_ratio,
    yaw_score,
)
from vision.faces.models import DLIB_LOCK, face_api
from vision.faces.quality import face_sharpness

THUMBNAIL_SIDE = 160


@dataclass(frozen=True, slots=True)
class FaceObservation:
    """The single face of a frame, measured."""

    box: FaceBox
    landmarks: Landmarks = field(repr=False)
    ear: float
    yaw: float
    sharpness: float

    @property
    def width(self) -> float:
        return face_width(self.landmarks)


@dataclass(frozen=True, slots=True)
class FrameObservation:
    """One frame as the challenge sees it. `face` is set when exactly one face was found and
    it is large enough; `thumbnail` is a small gray copy used only to notice frozen frames."""

    faces: int
    face: FaceObservation | None
    too_small: bool
    thumbnail: npt.NDArray[np.uint8] = field(repr=False)
    thumbnail_scale: float


def observe(frame: RgbImage, detection: DetectionConfig, min_face_px: int) -> FrameObservation:
    """Detect faces, and measure landmarks when there is exactly one big enough."""
    boxes = detect_faces(frame, detection)
    small, scale = downscale(frame, THUMBNAIL_SIDE)
    thumbnail = np.asarray(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY), dtype=np.uint8)
    if len(boxes) != 1:
        return FrameObservation(len(boxes), None, False, thumbnail, scale)
    box = boxes[0]
    if box.size < min_face_px:
        return FrameObservation(1, None, True, thumbnail, scale)
    with DLIB_LOCK:
        features = face_api().face_landmarks(frame, [box.as_css()], model="large")[0]
    landmarks = landmarks_from_features(features)
    face = FaceObservation(
        box=box,
        landmarks=landmarks,
        ear=mean_eye_aspect_ratio(landmarks),
        yaw=yaw_score(landmarks),
        sharpness=face_sharpness(frame, box),
    )
    return FrameObservation(1, face, False, thumbnail, scale)
