"""The acceptance rule for 1:N identification: close enough, and clearly closer than anyone else."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from vision.faces.gallery import Ranking


class MatchConfig(BaseModel):
    """Distance limits for accepting a face as a member (see docs/faces.md for the evidence)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    threshold: float = Field(
        0.55,
        ge=0.2,
        le=0.8,
        description="Largest distance accepted as the same person. face_recognition's 0.6 "
        "default is its best-accuracy point on LFW, too loose for payments; 0.55 keeps every "
        "same-person pair of the shared set (largest 0.52) and stays 0.13 under its closest "
        "different-person pair (0.68).",
    )
    margin: float = Field(
        0.10,
        ge=0.0,
        le=0.5,
        description="How much nearer the best member must be than the next different member.",
    )


class IdentifyRefusal(enum.Enum):
    """Why a face was not identified as a member."""

    NO_FACE = "no_face"
    SEVERAL_FACES = "several_faces"
    FACE_TOO_SMALL = "face_too_small"
    TOO_BLURRED = "too_blurred"
    EMPTY_GALLERY = "empty_gallery"
    NO_MATCH = "no_match"
    AMBIGUOUS = "ambiguous"


@dataclass(frozen=True, slots=True)
class Identified:
    """The member, their distance, and how much farther the next different member is
    (infinite when the gallery holds no one else)."""

    member_id: str
    distance: float
    margin: float


@dataclass(frozen=True, slots=True)
class NotIdentified:
    """No member accepted; `distance` and `margin` are set when a nearest member existed."""

    reason: IdentifyRefusal
    message: str
    distance: float | None = None
    margin: float | None = None


Identification = Identified | NotIdentified


def decide(ranking: Ranking, config: MatchConfig) -> Identification:
    """Accept the nearest member only under the threshold and with the margin to the next."""
    if not ranking.candidates:
        return NotIdentified(IdentifyRefusal.EMPTY_GALLERY, "no member is enrolled")
    best = ranking.candidates[0]
    runner_up = (
        ranking.candidates[1].distance if len(ranking.candidates) > 1 else ranking.others_from
    )
    margin = runner_up - best.distance
    if best.distance > config.threshold:
        return NotIdentified(
            IdentifyRefusal.NO_MATCH,
            f"nearest member is {best.distance:.3f} away, over the {config.threshold:g} threshold",
            best.distance,
            margin,
        )
    if margin < config.margin:
        return NotIdentified(
            IdentifyRefusal.AMBIGUOUS,
            f"two members are within {margin:.3f} of each other (margin {config.margin:g} needed)",
            best.distance,
            margin,
        )
    return Identified(best.member_id, best.distance, margin)
