"""What every fleet message shares: frozen, strict, versioned, names that fit in a topic."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

SCHEMA_VERSION: Literal[1] = 1
NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"

Name = Annotated[str, Field(pattern=NAME_PATTERN, description="store or kiosk id")]
Timestamp = Annotated[AwareDatetime, Field(description="ISO 8601 with a UTC offset")]


class Message(BaseModel):
    """A fleet message: unknown keys are refused, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def to_json(self) -> bytes:
        return self.model_dump_json().encode()


def utcnow() -> datetime:
    return datetime.now(UTC)
