"""Face payment's vision side: enrolment encodings, 1:N identification, liveness, evaluation.

Only encodings (128 floats) leave this package; images, crops and landmarks stay inside.
"""

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
