"""Receipt printers: deliver ESC/POS bytes over a file/device node, serial, USB or network."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)


class PrinterError(RuntimeError):
    """The printer could not be reached or refused the data; the message says which."""


def send_to_file(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("ab") as f:
            f.write(data)
            f.flush()
    except OSError as e:
        raise PrinterError(f"cannot write receipt to {path}: {e.strerror}") from e


def send_escpos(kind: str, data: bytes, **params: Any) -> None:
    """Open the printer named by `kind` (serial, usb, network), send raw bytes, close."""
    from escpos import printer as escpos_printer

    factories = {
        "serial": lambda: escpos_printer.Serial(
            devfile=params["port"], baudrate=params["baudrate"]
        ),
        "usb": lambda: escpos_printer.Usb(params["vendor_id"], params["product_id"]),
        "network": lambda: escpos_printer.Network(params["host"], port=params["port"], timeout=5),
    }
    if kind not in factories:
        raise PrinterError(f"unknown printer type {kind!r}")
    try:
        device = factories[kind]()
        device._raw(data)
        device.close()
    except Exception as e:  # python-escpos raises many kinds; all mean "not printed"
        raise PrinterError(f"{kind} printer: {e}") from e
