"""The receipt printer and card terminal on the device board and in the fleet's health:
state at start, FAULT with the reason after a failed print or charge, OK after the next
success (real issuer, real python-escpos over a pty, real simulated terminal and ledger)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from devices.pty import PseudoTerminal
from fleet.messages.telemetry import DeviceState as FleetState
from kiosk.assembly import Kiosk
from kiosk.checkout import events as ev
from kiosk.checkout.session import Phase
from kiosk.payments.base import Fault
from kiosk.payments.simulated import SimulatedCardTerminal
from kiosk.receipts.config import FilePrinter, NoPrinter, ReceiptsConfig, SerialPrinter
from kiosk.receipts.issuer import ReceiptIssuer
from kiosk.runtime import PROBE_INTERVAL_S
from kiosk.simulator.runner import VirtualClock
from kiosk.storage.outbox import OutboxStore
from kiosk.ui.device_board import CARD_TERMINAL, PRINTER, DeviceBoard, DeviceState, DeviceStatus
from kiosk.ui.fleet_link import board_states
from kiosk.ui.standins import standin_peripherals
from kiosk.ui.till_devices import connect_till_devices
from tests.kiosk.receipts.test_receipts import paid_sale


def _printer(kiosk: Kiosk, printer: FilePrinter | SerialPrinter | NoPrinter) -> DeviceBoard:
    """The kiosk with this printer configured, connected to a fresh board."""
    kiosk.runtime.receipts = ReceiptIssuer(
        ReceiptsConfig(printer=printer),
        store_name="S",
        kiosk_id="k",
        data_dir=kiosk.loaded.data_dir,
    )
    board = DeviceBoard()
    connect_till_devices(kiosk.runtime, board)
    return board


def _status(board: DeviceBoard, name: str) -> DeviceStatus:
    return {s.name: s for s in board.all()}[name]


def _print_receipt(kiosk: Kiosk, clock: VirtualClock) -> None:
    paid_sale(kiosk, clock)
    kiosk.runtime.dispatch(ev.ReceiptChosen(at=5, kind=ev.ReceiptKind.PRINT))


def _next_shopper(kiosk: Kiosk) -> None:
    """Back to idle so the next paid_sale starts a new session."""
    rt = kiosk.runtime
    for at in range(10, 400, 30):
        if rt.state.phase == Phase.IDLE:
            return
        rt.dispatch(ev.Tick(at=at))
    assert rt.state.phase == Phase.IDLE


def test_file_printer_fault_then_ok(kiosk: Kiosk, clock: VirtualClock) -> None:
    board = _printer(kiosk, FilePrinter(path="paper/receipts.escpos"))
    printer = _status(board, PRINTER)
    assert printer.state == DeviceState.OK
    assert printer.stand_in  # a plain file stands in for paper
    assert not printer.required  # the QR e-receipt remains
    folder = kiosk.loaded.data_dir / "paper"
    folder.write_text("a file where the printer's folder was")  # the mount went away
    _print_receipt(kiosk, clock)
    printer = _status(board, PRINTER)
    assert printer.state == DeviceState.FAULT
    assert "cannot write receipt" in printer.detail
    assert not kiosk.runtime.stats.receipts[-1].printed

    folder.unlink()
    _next_shopper(kiosk)
    _print_receipt(kiosk, clock)
    assert kiosk.runtime.stats.receipts[-1].printed
    assert _status(board, PRINTER).state == DeviceState.OK


@pytest.fixture
def port(tmp_path: Path) -> Path:
    return tmp_path / "ttyPRINTER"


def _drain(pty: PseudoTerminal, stop: threading.Event, got: bytearray) -> None:
    """The printer's side of the line: take everything, so a full buffer never blocks."""
    while not stop.is_set():
        got.extend(pty.read_nowait())
        stop.wait(0.01)
    while chunk := pty.read_nowait():
        got.extend(chunk)


def test_serial_printer_missing_fault_then_ok(
    kiosk: Kiosk, clock: VirtualClock, port: Path
) -> None:
    board = _printer(kiosk, SerialPrinter(port=str(port)))
    printer = _status(board, PRINTER)
    assert (printer.state, printer.stand_in) == (DeviceState.MISSING, False)
    assert str(port) in printer.detail
    assert board_states(board)[PRINTER] == FleetState.OFFLINE

    _print_receipt(kiosk, clock)
    printer = _status(board, PRINTER)
    assert printer.state == DeviceState.FAULT
    assert "serial printer" in printer.detail
    assert "\n" not in printer.detail  # one line on the staff screen
    assert board_states(board)[PRINTER] == FleetState.FAULT

    got = bytearray()
    stop = threading.Event()
    with PseudoTerminal(port) as pty:  # plugged in: the port appears
        reader = threading.Thread(target=_drain, args=(pty, stop, got), daemon=True)
        reader.start()
        _next_shopper(kiosk)
        _print_receipt(kiosk, clock)
        stop.set()
        reader.join()
    assert kiosk.runtime.stats.receipts[-1].printed
    assert b"\x1dV" in got  # the cut command reached the printer
    assert _status(board, PRINTER).state == DeviceState.OK
    assert board_states(board)[PRINTER] == FleetState.OK


def _alerts(kiosk: Kiosk, kind: str) -> list[dict[str, object]]:
    events = OutboxStore(kiosk.db).pending(1000)
    return [e.payload for e in events if e.kind == "alert" and e.payload["kind"] == kind]


def test_no_printer_configured_is_not_a_device(kiosk: Kiosk, clock: VirtualClock) -> None:
    board = _printer(kiosk, NoPrinter())
    _print_receipt(kiosk, clock)  # the shopper gets the QR link instead
    assert not kiosk.runtime.stats.receipts[-1].printed
    assert PRINTER not in board_states(board)  # no fleet device_fault for a store's choice
    assert CARD_TERMINAL in board_states(board)
    assert _alerts(kiosk, "device_fault") == []  # ... nor an alert in the outbox


def test_a_failed_print_raises_a_device_fault_alert(kiosk: Kiosk, clock: VirtualClock) -> None:
    (kiosk.loaded.data_dir / "paper").write_text("a file where the printer's folder should be")
    _printer(kiosk, FilePrinter(path="paper/receipts.escpos"))
    _print_receipt(kiosk, clock)
    [alert] = _alerts(kiosk, "device_fault")
    assert alert["detail"]["device"] == "printer"  # type: ignore[index]


def _card(kiosk: Kiosk) -> SimulatedCardTerminal:
    card = kiosk.providers[ev.PaymentMethod.CARD]
    assert isinstance(card, SimulatedCardTerminal)
    return card


def _start_paying(kiosk: Kiosk) -> None:
    rt = kiosk.runtime
    rt.dispatch(ev.WeightChanged(at=0, grams=0, stable=True))
    rt.dispatch(ev.ItemScanned(at=1, code="9780140013993"))
    rt.dispatch(ev.WeightChanged(at=2, grams=240, stable=True))
    rt.dispatch(ev.PayRequested(at=3, method=ev.PaymentMethod.CARD))


def test_card_terminal_fault_then_ok_on_next_charge(kiosk: Kiosk) -> None:
    board = DeviceBoard()
    connect_till_devices(kiosk.runtime, board)
    terminal = _status(board, CARD_TERMINAL)
    assert (terminal.state, terminal.stand_in, terminal.required) == (DeviceState.OK, True, False)

    _card(kiosk).inject(Fault.UNAVAILABLE)
    _start_paying(kiosk)
    assert kiosk.runtime.state.phase != Phase.PAID
    terminal = _status(board, CARD_TERMINAL)
    assert terminal.state == DeviceState.FAULT
    assert "not answering" in terminal.detail

    kiosk.runtime.dispatch(ev.PayRequested(at=4, method=ev.PaymentMethod.CARD))
    assert kiosk.runtime.state.phase == Phase.PAID
    assert _status(board, CARD_TERMINAL).state == DeviceState.OK


def test_terminal_is_required_only_when_card_is_the_only_way_to_pay(kiosk: Kiosk) -> None:
    kiosk.runtime.providers = {ev.PaymentMethod.CARD: _card(kiosk)}  # payments.methods = ["card"]
    board = DeviceBoard()
    connect_till_devices(kiosk.runtime, board)
    _card(kiosk).inject(Fault.UNAVAILABLE)
    _start_paying(kiosk)
    assert [s.name for s in board.required_down()] == [CARD_TERMINAL]  # out of service once idle


def test_unreachable_terminal_is_asked_again_without_a_shopper(kiosk: Kiosk) -> None:
    board = DeviceBoard()
    connect_till_devices(kiosk.runtime, board)
    _card(kiosk).inject(Fault.UNAVAILABLE)
    _start_paying(kiosk)
    assert _status(board, CARD_TERMINAL).state == DeviceState.FAULT
    kiosk.runtime.dispatch(ev.Tick(at=4))  # too soon to ask again
    assert _status(board, CARD_TERMINAL).state == DeviceState.FAULT
    kiosk.runtime.dispatch(ev.Tick(at=4 + PROBE_INTERVAL_S))
    assert _status(board, CARD_TERMINAL).state == DeviceState.OK


def test_health_from_the_board_carries_printer_and_terminal(kiosk: Kiosk, port: Path) -> None:
    parts = standin_peripherals(kiosk.runtime)
    assert {PRINTER, CARD_TERMINAL} <= set(board_states(parts.devices))
    assert board_states(parts.devices)[CARD_TERMINAL] == FleetState.ABSENT  # a stand-in

    board = _printer(kiosk, SerialPrinter(port=str(port)))
    _card(kiosk).inject(Fault.UNAVAILABLE)
    _start_paying(kiosk)
    states = board_states(board)
    assert states[PRINTER] == FleetState.OFFLINE
    assert states[CARD_TERMINAL] == FleetState.ABSENT  # simulated: a stand-in, even when down
    assert _status(board, CARD_TERMINAL).state == DeviceState.FAULT
