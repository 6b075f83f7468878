"""Whether a detected face is one, large and sharp enough to encode."""

from __future__ import annotations

import cv2
import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from vision.faces.detection import FaceBox
from vision.faces.images import RgbImage
from vision.faces.refusals import FaceRefusal, FaceRefusedError

_SHARPNESS_SIDE = 128


class QualityConfig(BaseModel):
    """Limits under which a face is refused instead of encoded."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_face_px: int = Field(
        80,
        ge=20,
        le=1000,
        description="Smallest face (shorter box side, full-resolution px) that is encoded; "
        "below it the 150 px chip dlib encodes is mostly upsampled blur.",
    )
    min_sharpness: float = Field(
        15.0,
        ge=0.0,
        le=1000.0,
        description="Least variance of the Laplacian over the face (inner 80% of the box, "
        "resized to 128x128 gray). Sharp photos measure 55-510; a Gaussian blur of sigma 1.5% "
        "of the face width drops them to 6-13 and moves the encoding by 0.20-0.29.",
    )


def face_sharpness(image: RgbImage, box: FaceBox) -> float:
    """Variance of the Laplacian of the face, on a fixed-size crop so sizes compare fairly."""
    inset_y, inset_x = box.height // 10, box.width // 10
    crop = image[box.top + inset_y : box.bottom - inset_y, box.left + inset_x : box.right - inset_x]
    if crop.shape[0] < 4 or crop.shape[1] < 4:
        return 0.0
    gray = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
    shrinking = gray.shape[0] > _SHARPNESS_SIDE
    interpolation = cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR
    gray = cv2.resize(gray, (_SHARPNESS_SIDE, _SHARPNESS_SIDE), interpolation=interpolation)
    return float(np.var(cv2.Laplacian(gray, cv2.CV_64F)))


def single_usable_face(image: RgbImage, boxes: list[FaceBox], config: QualityConfig) -> FaceBox:
    """The one face in `boxes`, or FaceRefusedError saying why there is no usable one."""
    if not boxes:
        raise FaceRefusedError(FaceRefusal.NO_FACE, "no face found in the image")
    if len(boxes) > 1:
        raise FaceRefusedError(
            FaceRefusal.SEVERAL_FACES,
            f"{len(boxes)} faces found; exactly one person must be in view",
        )
    box = boxes[0]
    if box.size < config.min_face_px:
        raise FaceRefusedError(
            FaceRefusal.FACE_TOO_SMALL,
            f"face is {box.size} px, needs at least {config.min_face_px} px: come closer",
        )
    sharpness = face_sharpness(image, box)
    if sharpness < config.min_sharpness:
        raise FaceRefusedError(
            FaceRefusal.TOO_BLURRED,
            f"face sharpness {sharpness:.1f} is under {config.min_sharpness:g}: hold still, "
            "better light or a cleaner lens",
        )
    return box
