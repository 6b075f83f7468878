"""What every hand-held or fixed barcode scanner produces: scan records and state events."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# The project's symbology names (equal to kiosk.checkout.gs1.Symbology values; devices may not
# import kiosk, and a test keeps the two in step).
EAN13 = "ean13"
EAN8 = "ean8"
UPCA = "upca"
UPCE = "upce"
CODE128 = "code128"
QR = "qr"
DATAMATRIX = "datamatrix"
DATABAR = "databar"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class ScanRecord:
    """One code from a scanner: the same fields the camera's scan record has.

    `source` is "serial" or "wedge"; `at` is time.monotonic() when the code arrived.
    """

    text: str
    symbology: str
    source: str
    at: float


class ScannerState(StrEnum):
    CLOSED = "closed"
    CONNECTED = "connected"
    FAULT = "fault"  # port missing or failed (unplugged); reopening with backoff


@dataclass(frozen=True)
class ScannerEvent:
    source: str
    state: ScannerState
    detail: str
    at: float
