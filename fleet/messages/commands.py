"""Remote commands: the signed envelope, the body it carries, and the kiosk's result."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, JsonValue

from fleet.messages.base import SCHEMA_VERSION, Message, Name, Timestamp

MAX_BODY_BYTES = 1_000_000


class CommandName(StrEnum):
    LOCK = "lock"
    UNLOCK = "unlock"
    PRICE_CHANGE = "price_change"
    CATALOG_UPDATE = "catalog_update"
    CONFIG_UPDATE = "config_update"
    RESEND = "resend"
    RESTART = "restart"


class LockAction(Message):
    """Out of service: the kiosk finishes nothing new until unlocked."""

    name: Literal["lock"] = "lock"
    reason: str = Field(default="", max_length=200)


class UnlockAction(Message):
    name: Literal["unlock"] = "unlock"


class PriceChange(Message):
    gtin: str = Field(pattern=r"^\d{8,14}$")
    price: int = Field(ge=0, le=100_000_000, description="minor units, per unit or per kg")


class PriceChangeAction(Message):
    name: Literal["price_change"] = "price_change"
    changes: tuple[PriceChange, ...] = Field(min_length=1, max_length=10_000)


class CatalogUpdateAction(Message):
    """Products to add or update, as the catalog CSV (all rows valid, or nothing changes)."""

    name: Literal["catalog_update"] = "catalog_update"
    csv: str = Field(min_length=1, max_length=900_000)


class ConfigUpdateAction(Message):
    """A whole new kiosk.toml: validated before it replaces the old one."""

    name: Literal["config_update"] = "config_update"
    toml: str = Field(min_length=1, max_length=200_000)


class ResendAction(Message):
    """Publish again every outbox event from this sequence number on."""

    name: Literal["resend"] = "resend"
    from_seq: int = Field(ge=1)


class RestartAction(Message):
    name: Literal["restart"] = "restart"
    reason: str = Field(default="", max_length=200)


Action = Annotated[
    LockAction
    | UnlockAction
    | PriceChangeAction
    | CatalogUpdateAction
    | ConfigUpdateAction
    | ResendAction
    | RestartAction,
    Field(discriminator="name"),
]


class CommandBody(Message):
    """What is signed: who it is for, when it is valid, a nonce, and the action."""

    v: Literal[1] = SCHEMA_VERSION
    command_id: uuid.UUID
    nonce: str = Field(pattern=r"^[0-9a-f]{32}$", description="128 random bits, never reused")
    store: Name
    kiosk_id: Name
    issued_at: Timestamp
    expires_at: Timestamp
    issued_by: str = Field(min_length=1, max_length=64, description="operator or 'monitor'")
    action: Action


class SignedCommand(Message):
    """On `cmd`: the body as the exact bytes that were signed, so nothing is re-serialised."""

    v: Literal[1] = SCHEMA_VERSION
    key_id: str = Field(pattern=r"^[0-9a-f]{16}$", description="which public key verifies it")
    body: str = Field(max_length=MAX_BODY_BYTES, description="CommandBody as JSON text")
    signature: str = Field(max_length=200, description="Ed25519 over body, base64")


class ResultStatus(StrEnum):
    OK = "ok"
    FAILED = "failed"  # accepted, but carrying it out went wrong (detail says why)
    REFUSED = "refused"  # not accepted: signature, expiry, replay, address or validation


class CommandResult(Message):
    """On `cmd/ack`: what became of a command."""

    v: Literal[1] = SCHEMA_VERSION
    command_id: uuid.UUID | None = Field(description="None when the body could not be read")
    kiosk_id: Name
    action: CommandName | None = None
    status: ResultStatus
    detail: str = Field(default="", max_length=2000)
    data: dict[str, JsonValue] = Field(default_factory=dict)
    at: Timestamp
