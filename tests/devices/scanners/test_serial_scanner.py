"""The serial scanner reader over a real pseudo-terminal, against the simulator."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.scanners import (
    ScannerEvent,
    ScannerSimulator,
    ScannerState,
    ScanRecord,
    SerialScanner,
    SerialScannerConfig,
)
from devices.scanners.aim import split_aim
from devices.scanners.framing import LineFramer, parse_line


class Collector:
    def __init__(self) -> None:
        self.scans: list[ScanRecord] = []
        self.events: list[ScannerEvent] = []
        self._cond = threading.Condition()

    def scan(self, record: ScanRecord) -> None:
        with self._cond:
            self.scans.append(record)
            self._cond.notify_all()

    def event(self, event: ScannerEvent) -> None:
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()

    def wait(self, predicate: object, timeout: float = 5.0) -> bool:
        with self._cond:
            return self._cond.wait_for(predicate, timeout)  # type: ignore[arg-type]


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[tuple[ScannerSimulator, SerialScanner, Collector]]:
    link = tmp_path / "ttyScanner"
    simulator = ScannerSimulator(link)
    got = Collector()
    config = SerialScannerConfig(port=str(link), reconnect_initial_s=0.02, line_timeout_s=0.3)
    scanner = SerialScanner(config, on_scan=got.scan, on_event=got.event)
    scanner.start()
    assert got.wait(lambda: scanner.state == ScannerState.CONNECTED)
    yield simulator, scanner, got
    scanner.stop()
    simulator.close()


def test_codes_arrive_with_symbologies_from_aim_identifiers(rig: tuple) -> None:
    simulator, _, got = rig
    sent = [
        ("5901234123457", "ean13"),
        ("036000291452", "upca"),
        ("96385074", "ean8"),
        ("01234565", "upce"),
        ("ABC-123", "code128"),
        ("MEMBER:00042", "qr"),
    ]
    for text, symbology in sent:
        simulator.scan(text, symbology)
    assert got.wait(lambda: len(got.scans) == len(sent))
    assert [(s.text, s.symbology, s.source) for s in got.scans] == [
        (t, s, "serial") for t, s in sent
    ]
    assert all(a.at <= b.at for a, b in zip(got.scans, got.scans[1:], strict=False))


def test_garbage_is_dropped_and_reading_resyncs(rig: tuple) -> None:
    simulator, scanner, got = rig
    simulator.send_raw(b"\x00\xff\xfe\x80 noise")  # a wrong baud rate, say
    simulator.send_raw(b"\r\n")
    simulator.send_raw(b"X" * 2000)  # an over-long line: dropped up to its end
    simulator.send_raw(b"\r")
    simulator.scan("5901234123457", "ean13")
    assert got.wait(lambda: len(got.scans) == 1)
    time.sleep(0.05)
    assert [s.text for s in got.scans] == ["5901234123457"]
    assert scanner.rejected == 1  # the noise line
    assert scanner.framer.garbage >= 1  # the over-long one


def test_a_half_sent_code_times_out_instead_of_joining_the_next(rig: tuple) -> None:
    simulator, _, got = rig
    simulator.send_raw(b"]E0590123")  # cable pulled mid-code, say
    time.sleep(0.5)  # longer than line_timeout_s
    simulator.scan("96385074", "ean8")
    assert got.wait(lambda: len(got.scans) == 1)
    assert (got.scans[0].text, got.scans[0].symbology) == ("96385074", "ean8")


def test_unplug_is_a_fault_event_and_codes_resume_after_replug(rig: tuple) -> None:
    simulator, scanner, got = rig
    simulator.scan("5901234123457", "ean13")
    assert got.wait(lambda: len(got.scans) == 1)
    simulator.unplug()
    assert got.wait(lambda: scanner.state == ScannerState.FAULT)
    time.sleep(0.3)  # retries while unplugged are quiet
    assert [e.state for e in got.events].count(ScannerState.FAULT) == 1
    simulator.replug()
    assert got.wait(lambda: scanner.state == ScannerState.CONNECTED)
    simulator.scan("96385074", "ean8")
    assert got.wait(lambda: len(got.scans) == 2)
    assert got.scans[1].text == "96385074"
    assert scanner.reconnects == 1
    states = [e.state for e in got.events]
    assert states == [ScannerState.CONNECTED, ScannerState.FAULT, ScannerState.CONNECTED]


def test_without_aim_prefixes_the_symbology_is_unknown(tmp_path: Path) -> None:
    with ScannerSimulator(aim_prefix=False, terminator=b"\r\n") as simulator:
        got = Collector()
        config = SerialScannerConfig(port=simulator.port, aim_prefix=False)
        scanner = SerialScanner(config, on_scan=got.scan, on_event=got.event)
        scanner.start()
        try:
            # pyserial empties the input buffer on open: what was sent before is lost, as
            # with a real port
            assert got.wait(lambda: scanner.state == ScannerState.CONNECTED)
            simulator.scan("5901234123457", "ean13")
            simulator.scan("COUPON:SPRING-10", "qr")
            assert got.wait(lambda: len(got.scans) == 2)
        finally:
            scanner.stop()
    assert [(s.text, s.symbology) for s in got.scans] == [
        ("5901234123457", "unknown"),
        ("COUPON:SPRING-10", "unknown"),
    ]


def test_a_missing_port_is_a_fault_not_a_crash(tmp_path: Path) -> None:
    got = Collector()
    config = SerialScannerConfig(port=str(tmp_path / "ttyNone"), reconnect_initial_s=0.01)
    scanner = SerialScanner(config, on_scan=got.scan, on_event=got.event)
    scanner.start()
    assert got.wait(lambda: scanner.state == ScannerState.FAULT)
    time.sleep(0.1)
    scanner.stop()
    assert [e.state for e in got.events] == [ScannerState.FAULT, ScannerState.CLOSED]
    assert "cannot open" in got.events[0].detail


def test_framer_splits_on_any_line_end_and_bounds_lines() -> None:
    framer = LineFramer(max_length=8, line_timeout_s=1.0)
    assert framer.feed(b"AB\rCD\nEF\r\n", 0.0) == [b"AB", b"CD", b"EF"]
    assert framer.feed(b"GH", 0.1) == []
    assert framer.feed(b"IJ\r", 0.2) == [b"GHIJ"]
    assert framer.feed(b"0123456789ABC\rOK\r", 0.3) == [b"OK"]
    assert framer.garbage == 1
    assert framer.feed(b"late", 0.4) == []
    assert framer.feed(b"\r", 2.0) == []  # 'late' was left unfinished for too long
    assert framer.garbage == 2


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (b"]E05901234123457", ("5901234123457", "ean13")),
        (b"]E00036000291452", ("036000291452", "upca")),
        (b"]E001234565", ("01234565", "upce")),
        (b"]E496385074", ("96385074", "ean8")),
        (b"]C1\x1d0105901234123457", ("\x1d0105901234123457", "code128")),
        (b"]Q1COUPON:A", ("COUPON:A", "qr")),
        (b"]d2010590123412345710ABC", ("010590123412345710ABC", "datamatrix")),
        (b"]X0whatever", ("whatever", "unknown")),
        (b"no prefix", ("no prefix", "unknown")),
        (b"]E0", None),
        (b"bad\x07bell", None),
        (b"\xff\xfe", None),
    ],
)
def test_lines_are_parsed_with_aim_identifiers(
    line: bytes, expected: tuple[str, str] | None
) -> None:
    assert parse_line(line, "utf-8", aim_prefix=True) == expected


def test_aim_split_leaves_plain_text_alone() -> None:
    assert split_aim("]") == ("", "unknown", "]")
    assert split_aim("]E4") == ("]E4", "ean8", "")
