"""Device states and the event that reports a change of state, shared by every device kind."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class DeviceState(StrEnum):
    ONLINE = "online"  # connected and sending valid data
    OFFLINE = "offline"  # the port cannot be opened or read: unplugged, powered off
    FAULT = "fault"  # connected, but what it sends cannot be used (silent, garbage, ADC fault)


@dataclass(frozen=True)
class DeviceStateChanged:
    device: str  # the configured name, e.g. "bagging_scale"
    state: DeviceState
    detail: str
    at: float  # time.monotonic() when the change was noticed
