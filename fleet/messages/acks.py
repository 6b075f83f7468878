"""The manager's acknowledgement of stored events: the only thing that empties an outbox."""

from __future__ import annotations

import json
from collections.abc import Iterable
from enum import StrEnum
from typing import Literal

from pydantic import Field

from fleet.messages.base import SCHEMA_VERSION, UUID_PATTERN, Message, Name


class AckStatus(StrEnum):
    STORED = "stored"  # committed now
    DUPLICATE = "duplicate"  # already stored earlier (a resend or a redelivery)
    QUARANTINED = "quarantined"  # kept aside with the reason; an operator looks at it


class AckItem(Message):
    seq: int = Field(ge=1)
    event_id: str = Field(pattern=UUID_PATTERN)
    status: AckStatus


class EventAck(Message):
    v: Literal[1] = SCHEMA_VERSION
    kiosk_id: Name
    acks: tuple[AckItem, ...] = Field(min_length=1, max_length=20_000)


def ack_payload(kiosk_id: str, acks: Iterable[tuple[int, str, AckStatus]]) -> bytes:
    """An EventAck as JSON, built directly: the ingest path sends one per kiosk per batch."""
    body = {
        "v": SCHEMA_VERSION,
        "kiosk_id": kiosk_id,
        "acks": [{"seq": q, "event_id": e, "status": st.value} for q, e, st in acks],
    }
    return json.dumps(body, separators=(",", ":")).encode()
