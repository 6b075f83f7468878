"""Outbox events as they travel: an envelope (UUID, per-kiosk seq) around a typed payload.

The payloads mirror what kiosk.storage writes into its outbox (`sale`, `alert`, `session`,
`stock`, `refund`); the sale payload is the kiosk's own SaleDraft plus kiosk id and time.
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import Field, JsonValue, TypeAdapter

from fleet.messages.base import SCHEMA_VERSION, Message, Name, Timestamp
from kiosk.checkout.sale import SaleDraft

MAX_SEQ = 2**62


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


class SessionEndReason(StrEnum):
    PAID = "paid"
    CANCELLED = "cancelled"
    ABANDONED = "abandoned"


class SalePayload(SaleDraft):
    """A committed sale (no card data beyond the last four digits)."""

    kiosk_id: str
    created_at: Timestamp


class AlertPayload(Message):
    kind: str = Field(pattern=r"^[a-z0-9_]{1,40}$", description="weight_mismatch, help, ...")
    severity: Severity
    detail: dict[str, JsonValue] = Field(default_factory=dict)
    session_id: str | None = None
    kiosk_id: str
    at: Timestamp


class SessionPayload(Message):
    session_id: str = Field(max_length=64)
    reason: SessionEndReason
    items: int = Field(ge=0)
    value: int = Field(description="minor units")


class StockPayload(Message):
    gtin: str = Field(pattern=r"^\d{14}$")
    stock: int = Field(description="level after the change")
    delta: int
    reason: str = Field(max_length=16)
    staff_id: str | None = None


class RefundPayload(Message):
    sale_id: str = Field(max_length=64)
    amount: int = Field(gt=0, description="minor units")
    reason: str = Field(max_length=200)
    staff_id: str | None = None


class EventBase(Message):
    v: Literal[1] = SCHEMA_VERSION
    event_id: uuid.UUID = Field(description="unique forever; the manager stores each once")
    seq: int = Field(ge=1, le=MAX_SEQ, description="per-kiosk, rising across restarts")
    store: Name
    kiosk_id: Name
    created_at: Timestamp


class SaleEvent(EventBase):
    kind: Literal["sale"] = "sale"
    payload: SalePayload


class AlertEvent(EventBase):
    kind: Literal["alert"] = "alert"
    payload: AlertPayload


class SessionEvent(EventBase):
    kind: Literal["session"] = "session"
    payload: SessionPayload


class StockEvent(EventBase):
    kind: Literal["stock"] = "stock"
    payload: StockPayload


class RefundEvent(EventBase):
    kind: Literal["refund"] = "refund"
    payload: RefundPayload


Event = Annotated[
    SaleEvent | AlertEvent | SessionEvent | StockEvent | RefundEvent,
    Field(discriminator="kind"),
]
EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)


class EventHeader(Message):
    """Just enough of an event to acknowledge it when its payload is refused."""

    model_config = Message.model_config | {"extra": "ignore"}

    event_id: uuid.UUID
    seq: int = Field(ge=1, le=MAX_SEQ)
    kiosk_id: Name


def event_body(
    *,
    kind: str,
    event_id: str,
    seq: int,
    store: str,
    kiosk_id: str,
    created_at: str,
    payload: dict[str, Any],
) -> dict[str, Any]:
    """The JSON object for an outbox row, before validation (the agent sends it as is)."""
    return {
        "v": SCHEMA_VERSION,
        "kind": kind,
        "event_id": event_id,
        "seq": seq,
        "store": store,
        "kiosk_id": kiosk_id,
        "created_at": created_at,
        "payload": payload,
    }
