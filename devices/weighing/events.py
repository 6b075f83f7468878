"""What weighing devices report: readings, shelf picks and put-backs, stock, link trouble."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from devices.state import DeviceState, DeviceStateChanged

__all__ = [
    "DeviceState",
    "DeviceStateChanged",
    "LowStock",
    "SequenceGap",
    "ShelfEvent",
    "ShelfEventKind",
    "WeightReading",
]


@dataclass(frozen=True)
class WeightReading:
    """A scale's weight. Only a stable reading that is not over- or underloaded is a weight."""

    device: str
    grams: float
    stable: bool
    overload: bool = False
    underload: bool = False
    at: float = 0.0

    @property
    def usable(self) -> bool:
        return self.stable and not (self.overload or self.underload)


class ShelfEventKind(StrEnum):
    PICK = "pick"  # items taken off a plate
    PUT = "put"  # items put back on a plate
    UNEXPLAINED = "unexplained"  # the weight changed by no whole number of units


@dataclass(frozen=True)
class ShelfEvent:
    shelf: str
    plate: int
    gtin: str
    kind: ShelfEventKind
    quantity: int  # units; 0 for UNEXPLAINED
    confidence: float  # 0..1: how sure the quantity is right
    delta_g: float  # the settled change of the plate
    stock: int  # units on the plate afterwards
    at: float


@dataclass(frozen=True)
class LowStock:
    shelf: str
    plate: int
    gtin: str
    stock: int
    threshold: int
    at: float


@dataclass(frozen=True)
class SequenceGap:
    """Frames went missing between two sequence numbers (lost bytes, a full buffer)."""

    device: str
    board: str
    expected: int
    got: int
    missing: int
    at: float
