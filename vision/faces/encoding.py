"""Face encodings (dlib 128-d descriptors): the only thing about a face that leaves here."""

from __future__ import annotations

import logging
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

from vision.faces.detection import DetectionConfig, FaceBox, detect_faces
from vision.faces.images import as_rgb
from vision.faces.models import DLIB_LOCK, face_api
from vision.faces.quality import QualityConfig, single_usable_face

logger = logging.getLogger(__name__)

ENCODING_SIZE = 128
Encoding = npt.NDArray[np.float64]
"""A 128-d float64 face descriptor; Euclidean distance between two compares faces."""


class EncoderConfig(BaseModel):
    """How a detected face becomes an encoding."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    num_jitters: int = Field(
        1,
        ge=1,
        le=100,
        description="Times the face chip is re-sampled with small jitters and the encodings "
        "averaged; each one costs a full network pass (about 90 ms on one core).",
    )
    landmarks: Literal["small", "large"] = Field(
        "small",
        description="Landmark model that aligns the chip: 'small' (5 points, what dlib trained "
        "the encoder with) or 'large' (68 points).",
    )


class EnrolmentConfig(BaseModel):
    """Detection, quality limits and encoding used when a member's image is enrolled."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    detection: DetectionConfig = Field(
        DetectionConfig(max_side=640),
        description="Enrolment photos run the detector on a larger copy so a second, smaller "
        "face in the picture is not missed.",
    )
    quality: QualityConfig = Field(QualityConfig(), description="Refusal limits.")
    encoder: EncoderConfig = Field(
        EncoderConfig(num_jitters=5),
        description="Enrolment happens once, so it can afford a few jitters.",
    )


def encode_face(image: npt.NDArray[np.uint8], box: FaceBox, config: EncoderConfig) -> Encoding:
    """The encoding of the face in `box`, computed on the full-resolution image."""
    with DLIB_LOCK:
        encodings = face_api().face_encodings(
            image,
            known_face_locations=[box.as_css()],
            num_jitters=config.num_jitters,
            model=config.landmarks,
        )
    return np.asarray(encodings[0], dtype=np.float64)


def encode_for_enrolment(image: object, config: EnrolmentConfig | None = None) -> Encoding:
    """Encode the single face of an enrolment image.

    Raises FaceRefusedError (reason and message) for no face, several faces, a face too small
    or too blurred, and InvalidImageError for input that is not an RGB image. The image itself
    is neither kept nor returned.
    """
    config = config or EnrolmentConfig()
    rgb = as_rgb(image)
    box = single_usable_face(rgb, detect_faces(rgb, config.detection), config.quality)
    return encode_face(rgb, box, config.encoder)


def as_encoding(values: object) -> Encoding:
    """Validate a stored or received encoding: 128 finite numbers."""
    array = np.asarray(values, dtype=np.float64)
    if array.shape != (ENCODING_SIZE,):
        raise ValueError(f"a face encoding has {ENCODING_SIZE} values, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError("a face encoding must hold finite numbers only")
    return array


_WIRE_DTYPE = np.dtype("<f8")
ENCODING_BYTES = ENCODING_SIZE * _WIRE_DTYPE.itemsize


def encoding_to_bytes(encoding: Encoding) -> bytes:
    """The 1,024 bytes (128 little-endian float64) to encrypt and store for an encoding."""
    return as_encoding(encoding).astype(_WIRE_DTYPE).tobytes()


def encoding_from_bytes(data: bytes) -> Encoding:
    """Read back what `encoding_to_bytes` wrote (after decryption)."""
    if len(data) != ENCODING_BYTES:
        raise ValueError(f"a stored face encoding is {ENCODING_BYTES} bytes, got {len(data)}")
    return as_encoding(np.frombuffer(data, dtype=_WIRE_DTYPE))
