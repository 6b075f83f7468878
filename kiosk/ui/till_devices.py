"""The receipt printer and card terminal on the device board: their state at start, then
whatever the runtime saw at the last print or charge."""

from __future__ import annotations

from dataclasses import replace

from kiosk.checkout.events import PaymentMethod
from kiosk.device_state import CARD_TERMINAL, PRINTER, DeviceState
from kiosk.payments.simulated import SimulatedCardTerminal
from kiosk.receipts.config import FilePrinter
from kiosk.receipts.issuer import ReceiptIssuer
from kiosk.receipts.printer_check import is_device_node, printer_at_start
from kiosk.runtime import Runtime
from kiosk.ui.device_board import DeviceBoard, DeviceStatus

_DETAIL_CHARS = 160


def connect_till_devices(runtime: Runtime, board: DeviceBoard, *, stand_ins: bool = False) -> None:
    """Report the printer and card terminal now and after every print or charge.

    `stand_ins` marks both as stand-ins (the stand-in peripherals). Neither is required,
    except a card terminal that is the only way to pay: then a FAULT closes the kiosk
    (until the runtime's next contact with it succeeds).
    """
    start = {
        s.name: s
        for s in (_printer(runtime.receipts, stand_ins), _terminal(runtime, stand_ins))
        if s is not None
    }
    for status in start.values():
        board.report(status)

    def seen(name: str, state: DeviceState, detail: str) -> None:
        base = start.get(name)
        if base is not None:
            # python-escpos errors run over several lines: one short line for the staff screen
            detail = " ".join(detail.split())[:_DETAIL_CHARS]
            board.report(replace(base, state=state, detail=detail or base.detail))

    runtime.watch_devices(seen)


def _printer(issuer: ReceiptIssuer | None, stand_in: bool) -> DeviceStatus | None:
    """None when the store runs without a printer (type = none): a choice, not a fault
    (reported MISSING it would hold a fleet device_fault alert open for good)."""
    if issuer is None or not issuer.has_printer:
        return None
    printer = issuer.config.printer
    seen = printer_at_start(printer, issuer.data_dir)
    paper = isinstance(printer, FilePrinter) and not is_device_node(issuer.data_dir / printer.path)
    return DeviceStatus(PRINTER, seen[0], detail=seen[1], stand_in=stand_in or paper)


def _terminal(runtime: Runtime, stand_in: bool) -> DeviceStatus | None:
    card = runtime.providers.get(PaymentMethod.CARD)
    if card is None:
        return None
    simulated = isinstance(card, SimulatedCardTerminal)
    return DeviceStatus(
        CARD_TERMINAL,
        DeviceState.OK,
        required=set(runtime.providers) == {PaymentMethod.CARD},
        detail="simulated terminal" if simulated else "",
        stand_in=stand_in or simulated,
    )
