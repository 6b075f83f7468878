"""Barcode scanners other than the camera: serial (with a pty simulator) and keyboard wedge."""

from __future__ import annotations

from devices.scanners.base import ScannerEvent, ScannerState, ScanRecord
from devices.scanners.config import ScannerConfig, SerialScannerConfig, WedgeConfig
from devices.scanners.serial_scanner import SerialScanner
from devices.scanners.simulator import ScannerSimulator
from devices.scanners.wedge import KeyEvent, WedgeDecoder

__all__ = [
    "KeyEvent",
    "ScanRecord",
    "ScannerConfig",
    "ScannerEvent",
    "ScannerSimulator",
    "ScannerState",
    "SerialScanner",
    "SerialScannerConfig",
    "WedgeConfig",
    "WedgeDecoder",
]
