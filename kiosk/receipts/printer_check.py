"""The receipt printer's state at start, checked cheaply: nothing is printed, nothing blocks."""

from __future__ import annotations

import stat
from pathlib import Path

from kiosk.device_state import DeviceState
from kiosk.receipts.config import FilePrinter, PrinterConfig, SerialPrinter


def printer_at_start(printer: PrinterConfig, data_dir: Path) -> tuple[DeviceState, str]:
    """(state, detail) of a configured printer before the first print. USB and network
    printers are only known once a receipt is sent: connecting here could block the start
    for seconds."""
    if isinstance(printer, FilePrinter):
        path = data_dir / printer.path
        if str(path).startswith("/dev/") and not path.exists():
            return DeviceState.MISSING, f"{path} not found (printer unplugged?)"
        return DeviceState.OK, f"receipts go to {path}"
    if isinstance(printer, SerialPrinter):
        if not Path(printer.port).exists():
            return DeviceState.MISSING, f"{printer.port} not found (printer unplugged?)"
        return DeviceState.OK, f"serial {printer.port}"
    if printer.type == "usb":
        return DeviceState.STARTING, "USB printer: checked at the first receipt"
    return DeviceState.STARTING, "network printer: checked at the first receipt"


def is_device_node(path: Path) -> bool:
    """A character device (/dev/usb/lp0), as opposed to a plain file standing in for paper."""
    try:
        return stat.S_ISCHR(path.stat().st_mode)
    except OSError:
        return False
