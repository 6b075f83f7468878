"""What a kiosk reports about itself: status (birth and will), health, stock snapshots."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field

from fleet.messages.base import SCHEMA_VERSION, Message, Name, Timestamp


class Presence(StrEnum):
    ONLINE = "online"
    OFFLINE = "offline"


class StatusReason(StrEnum):
    CONNECTED = "connected"
    CLEAN_STOP = "clean_stop"
    CONNECTION_LOST = "connection_lost"  # the broker published our will


class DeviceState(StrEnum):
    OK = "ok"
    DEGRADED = "degraded"
    FAULT = "fault"
    OFFLINE = "offline"
    ABSENT = "absent"  # not fitted at this kiosk

    @property
    def is_fault(self) -> bool:
        return self in (DeviceState.FAULT, DeviceState.OFFLINE)


class Status(Message):
    """Retained on `status`: the birth message on connect; the will and clean stop say offline."""

    v: Literal[1] = SCHEMA_VERSION
    store: Name
    kiosk_id: Name
    state: Presence
    reason: StatusReason
    at: Timestamp
    boot_id: str = Field(max_length=64, description="changes at every agent start")
    app_version: str | None = Field(default=None, max_length=40)
    config_hash: str | None = Field(default=None, max_length=80)


class Health(Message):
    v: Literal[1] = SCHEMA_VERSION
    store: Name
    kiosk_id: Name
    boot_id: str = Field(max_length=64)
    beat: int = Field(ge=1, description="counts health messages since boot_id started")
    at: Timestamp
    uptime_s: float = Field(ge=0, description="since the machine booted")
    app_uptime_s: float = Field(ge=0, description="since the agent started")
    cpu_percent: float | None = Field(default=None, ge=0, le=100)
    memory_percent: float | None = Field(default=None, ge=0, le=100)
    disk_percent: float | None = Field(default=None, ge=0, le=100)
    temperature_c: float | None = Field(default=None, ge=-50, le=200)
    devices: dict[str, DeviceState] = Field(
        default_factory=dict,
        description="by the kiosk's device names: camera, bagging_scale, produce_scale, "
        "shelves, printer, card_terminal, face_camera",
    )
    outbox_backlog: int = Field(ge=0, description="events not yet acknowledged")
    last_seq: int = Field(ge=0, description="highest outbox sequence number written")
    locked: bool = Field(default=False, description="out of service by command")


class StockLevel(Message):
    gtin: str = Field(pattern=r"^\d{14}$")
    name: str = Field(max_length=80)
    stock: int


class StockSnapshot(Message):
    v: Literal[1] = SCHEMA_VERSION
    store: Name
    kiosk_id: Name
    at: Timestamp
    last_seq: int = Field(ge=0, description="outbox events up to here are reflected")
    items: tuple[StockLevel, ...] = Field(max_length=100_000)
