"""Everything face payment's vision side can be configured with, in one model (`[faces]`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from vision.faces.encoding import EnrolmentConfig
from vision.faces.identification import IdentificationConfig
from vision.faces.index.kinds import IndexConfig
from vision.faces.liveness.config import LivenessConfig


class FacesConfig(BaseModel):
    """Enrolment, identification, the 1:N index and the liveness challenge."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enrolment: EnrolmentConfig = Field(EnrolmentConfig(), description="Enrolment images.")
    identification: IdentificationConfig = Field(
        IdentificationConfig(), description="Live frames and the acceptance rule."
    )
    index: IndexConfig = Field(IndexConfig(), description="1:N search index.")
    liveness: LivenessConfig = Field(LivenessConfig(), description="Liveness challenge.")
