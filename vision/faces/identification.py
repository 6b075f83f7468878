"""From a camera frame or an encoding to a member id or a refusal reason."""

from __future__ import annotations

import logging

from pydantic import BaseModel, ConfigDict, Field

from vision.faces.detection import DetectionConfig, detect_faces
from vision.faces.encoding import EncoderConfig, Encoding, encode_face
from vision.faces.gallery import FaceGallery
from vision.faces.images import as_rgb
from vision.faces.matching import (
    Identification,
    IdentifyRefusal,
    MatchConfig,
    NotIdentified,
    decide,
)
from vision.faces.quality import QualityConfig, single_usable_face
from vision.faces.refusals import FaceRefusedError

logger = logging.getLogger(__name__)


class IdentificationConfig(BaseModel):
    """Detection, quality, encoding and matching used on live frames at payment time."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    detection: DetectionConfig = Field(DetectionConfig(), description="Face detection.")
    quality: QualityConfig = Field(QualityConfig(), description="Refusal limits.")
    encoder: EncoderConfig = Field(
        EncoderConfig(), description="One network pass: a live frame cannot wait for jitters."
    )
    match: MatchConfig = Field(MatchConfig(), description="Acceptance rule.")


class FaceIdentifier:
    """1:N identification against a gallery under one acceptance rule."""

    def __init__(self, gallery: FaceGallery, config: IdentificationConfig | None = None) -> None:
        self.gallery = gallery
        self.config = config or IdentificationConfig()

    def identify(self, encoding: Encoding) -> Identification:
        """Decide on an encoding (for instance the one a passed liveness challenge returns)."""
        result = decide(self.gallery.rank(encoding), self.config.match)
        logger.debug("identification: %s", result)
        return result

    def identify_frame(self, frame: object) -> Identification:
        """Detect, check, encode and identify the single face in an RGB frame."""
        rgb = as_rgb(frame)
        try:
            box = single_usable_face(
                rgb, detect_faces(rgb, self.config.detection), self.config.quality
            )
        except FaceRefusedError as refused:
            return NotIdentified(IdentifyRefusal(refused.reason.value), refused.message)
        return self.identify(encode_face(rgb, box, self.config.encoder))
