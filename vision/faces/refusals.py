"""Why an image or a frame gives no usable face, as an Enum with a readable message."""

from __future__ import annotations

import enum


class FaceRefusal(enum.Enum):
    """A reason to refuse an image for enrolment or a frame for identification."""

    NO_FACE = "no_face"
    SEVERAL_FACES = "several_faces"
    FACE_TOO_SMALL = "face_too_small"
    TOO_BLURRED = "too_blurred"


class FaceRefusedError(Exception):
    """The image holds no single, large and sharp enough face; nothing was encoded."""

    def __init__(self, reason: FaceRefusal, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message

    def __str__(self) -> str:
        return f"{self.reason.value}: {self.message}"
