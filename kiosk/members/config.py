"""Face payment settings: consent, retention, second factor, limits."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class FacePayConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(default=True, description="offer face pay (members with consent only)")
    consent_version: str = Field(default="2026-11", description="consent text shown at enrolment")
    retention_days: int = Field(
        default=3 * 365,
        ge=30,
        le=3650,
        description="templates of members inactive longer are purged",
    )
    second_factor: Literal["always", "above_amount"] = Field(
        default="always",
        description="ask for the last four phone digits always, or above an amount",
    )
    second_factor_above: int = Field(
        default=0, ge=0, description="minor units; with above_amount, digits are asked above this"
    )
    max_amount: int = Field(
        default=100_000, ge=0, description="largest face-pay purchase, minor units"
    )
    max_failures: int = Field(default=3, ge=1, le=10, description="wrong digits before a lockout")
    lockout_minutes: int = Field(default=15, ge=1, le=24 * 60)
    key_env: str = Field(default="KIOSK_FACE_KEY", description="env var holding the template key")
    key_file_env: str = Field(
        default="KIOSK_FACE_KEY_FILE", description="env var naming a file that holds the key"
    )
