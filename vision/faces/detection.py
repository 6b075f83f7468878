"""Face detection with dlib's HOG detector on a downscaled copy, boxes mapped back to full size."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from vision.faces.images import RgbImage, downscale
from vision.faces.models import DLIB_LOCK, face_api

logger = logging.getLogger(__name__)


class DetectionConfig(BaseModel):
    """How faces are found: HOG on a copy whose longer side is at most `max_side`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_side: int = Field(
        320,
        ge=160,
        le=2048,
        description="Longer side (px) of the copy the detector runs on; 320 finds faces of "
        "about 80 px and more in a 640x480 frame at ~30 ms on one core.",
    )
    upsample: int = Field(
        1,
        ge=0,
        le=2,
        description="dlib upsampling passes; each one halves the smallest face found "
        "(80 px at 0, 40 px at 1 on the detection copy) and costs about 3-4x the time.",
    )


@dataclass(frozen=True, slots=True)
class FaceBox:
    """A face rectangle in full-resolution pixel coordinates (face_recognition's css order)."""

    top: int
    right: int
    bottom: int
    left: int

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top

    @property
    def size(self) -> int:
        """The shorter side, which is what decides whether the face is big enough."""
        return min(self.width, self.height)

    @property
    def center(self) -> tuple[float, float]:
        return ((self.left + self.right) / 2, (self.top + self.bottom) / 2)

    def as_css(self) -> tuple[int, int, int, int]:
        return (self.top, self.right, self.bottom, self.left)


def detect_faces(image: RgbImage, config: DetectionConfig) -> list[FaceBox]:
    """Every face the detector finds, largest first, in `image`'s own coordinates."""
    small, scale = downscale(image, config.max_side)
    with DLIB_LOCK:  # dlib is not thread-safe; held here so that no caller can forget it
        located = face_api().face_locations(small, number_of_times_to_upsample=config.upsample)
    height, width = image.shape[0], image.shape[1]
    boxes = [_scale_back(css, scale, width, height) for css in located]
    boxes.sort(key=lambda box: box.width * box.height, reverse=True)
    logger.debug("detected %d face(s) at scale %.3f", len(boxes), scale)
    return boxes


def _scale_back(css: tuple[int, int, int, int], scale: float, width: int, height: int) -> FaceBox:
    top, right, bottom, left = (round(value / scale) for value in css)
    return FaceBox(
        top=max(0, top), right=min(width, right), bottom=min(height, bottom), left=max(0, left)
    )
