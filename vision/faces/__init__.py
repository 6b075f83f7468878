"""Face payment's vision side: enrolment encodings, 1:N identification, liveness, evaluation.

Only encodings (128 floats) leave this package; images, crops and landmarks stay inside.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Loaded on first use: importing a config model must not pull in dlib and its models.
_EXPORTS = {
    "Candidate": "vision.faces.gallery",
    "ChallengeStep": "vision.faces.liveness.challenge",
    "DetectionConfig": "vision.faces.detection",
    "EncoderConfig": "vision.faces.encoding",
    "Encoding": "vision.faces.encoding",
    "EnrolmentConfig": "vision.faces.encoding",
    "FaceBox": "vision.faces.detection",
    "FaceGallery": "vision.faces.gallery",
    "FaceIdentifier": "vision.faces.identification",
    "FaceModelsUnavailableError": "vision.faces.models",
    "FaceRefusal": "vision.faces.refusals",
    "FaceRefusedError": "vision.faces.refusals",
    "FacesConfig": "vision.faces.config",
    "Identification": "vision.faces.matching",
    "IdentificationConfig": "vision.faces.identification",
    "Identified": "vision.faces.matching",
    "IdentifyRefusal": "vision.faces.matching",
    "IndexConfig": "vision.faces.index.kinds",
    "IndexInfo": "vision.faces.gallery",
    "InvalidImageError": "vision.faces.images",
    "LivenessChallenge": "vision.faces.liveness.challenge",
    "LivenessConfig": "vision.faces.liveness.config",
    "LivenessFailure": "vision.faces.liveness.challenge",
    "LivenessState": "vision.faces.liveness.challenge",
    "LivenessStatus": "vision.faces.liveness.challenge",
    "MatchConfig": "vision.faces.matching",
    "NotIdentified": "vision.faces.matching",
    "QualityConfig": "vision.faces.quality",
    "Ranking": "vision.faces.gallery",
    "as_encoding": "vision.faces.encoding",
    "decode_image": "vision.faces.images",
    "detect_faces": "vision.faces.detection",
    "encode_for_enrolment": "vision.faces.encoding",
    "encoding_from_bytes": "vision.faces.encoding",
    "encoding_to_bytes": "vision.faces.encoding",
    "load_image": "vision.faces.images",
}

__all__ = [
    "Candidate",
    "ChallengeStep",
    "DetectionConfig",
    "EncoderConfig",
    "Encoding",
    "EnrolmentConfig",
    "FaceBox",
    "FaceGallery",
    "FaceIdentifier",
    "FaceModelsUnavailableError",
    "FaceRefusal",
    "FaceRefusedError",
    "FacesConfig",
    "Identification",
    "IdentificationConfig",
    "Identified",
    "IdentifyRefusal",
    "IndexConfig",
    "IndexInfo",
    "InvalidImageError",
    "LivenessChallenge",
    "LivenessConfig",
    "LivenessFailure",
    "LivenessState",
    "LivenessStatus",
    "MatchConfig",
    "NotIdentified",
    "QualityConfig",
    "Ranking",
    "as_encoding",
    "decode_image",
    "detect_faces",
    "encode_for_enrolment",
    "encoding_from_bytes",
    "encoding_to_bytes",
    "load_image",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'vision.faces' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from vision.faces.config import FacesConfig
    from vision.faces.detection import DetectionConfig, FaceBox, detect_faces
    from vision.faces.encoding import (
        EncoderConfig,
        Encoding,
        EnrolmentConfig,
        as_encoding,
        encode_for_enrolment,
        encoding_from_bytes,
        encoding_to_bytes,
    )
    from vision.faces.gallery import Candidate, FaceGallery, IndexInfo, Ranking
    from vision.faces.identification import FaceIdentifier, IdentificationConfig
    from vision.faces.images import InvalidImageError, decode_image, load_image
    from vision.faces.index.kinds import IndexConfig
    from vision.faces.liveness.challenge import (
        ChallengeStep,
        LivenessChallenge,
        LivenessFailure,
        LivenessState,
        LivenessStatus,
    )
    from vision.faces.liveness.config import LivenessConfig
    from vision.faces.matching import (
        Identification,
        Identified,
        IdentifyRefusal,
        MatchConfig,
        NotIdentified,
    )
    from vision.faces.models import FaceModelsUnavailableError
    from vision.faces.quality import QualityConfig
    from vision.faces.refusals import FaceRefusal, FaceRefusedError
