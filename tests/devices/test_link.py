"""The serial link over a real pseudo-terminal and pyserial: frames, garbage, gaps, exclusive
open, unplug and replug, silence."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from devices.link import LinkSettings
from devices.pty import PseudoTerminal
from devices.state import DeviceState, DeviceStateChanged
from devices.weighing.board import BoardReader
from devices.weighing.config import SerialBoard
from devices.weighing.events import SequenceGap
from devices.weighing.frames import Flags, Sample, Unit, encode_sample

FAST = {"reconnect_initial_s": 0.05, "reconnect_max_s": 0.2, "silence_s": 0.6}


def frame(seq: int, value: float = 100.0, flags: Flags = Flags.NONE, board: str = "B1") -> bytes:
    return encode_sample(Sample(board, 0, seq, Unit.GRAMS, value, flags))


def reader(path: str, samples: Any, events: Any) -> BoardReader:
    config = SerialBoard(link=LinkSettings(port=path, **FAST), board="B1")
    return BoardReader("scale", config, samples, events)


def is_state(state: DeviceState) -> Callable[[Any], bool]:
    return lambda e: isinstance(e, DeviceStateChanged) and e.state == state


def test_frames_through_garbage_and_a_gap(tmp_path: Path, collect: Any) -> None:
    samples, events = collect(), collect()
    with PseudoTerminal(tmp_path / "tty") as pty:
        r = reader(pty.path, samples, events)
        r.start()
        time.sleep(0.3)  # let it open the port: bytes sent before are flushed as stale
        pty.write(frame(1) + b"\x00\xffjunk" + frame(2)[:12] + frame(3, 101) + frame(7, 102))
        samples.wait_for(lambda e: e[0].seq == 7)
        events.wait_for(lambda e: isinstance(e, SequenceGap) and e.got == 7)
        r.stop()
    assert [e[0].seq for e in samples.events] == [1, 3, 7]
    gaps = [(g.expected, g.got, g.missing) for g in events.of(SequenceGap)]
    assert gaps == [(2, 3, 1), (4, 7, 3)]  # the cut frame 2, then 4..6 never sent
    assert r.link.stats.rejected >= 2
    assert events.of(DeviceStateChanged)[0].state == DeviceState.ONLINE


def test_exclusive_open_refuses_a_second_reader(tmp_path: Path, collect: Any) -> None:
    samples, events, other = collect(), collect(), collect()
    with PseudoTerminal(tmp_path / "tty") as pty:
        first = reader(pty.path, samples, events)
        first.start()
        time.sleep(0.3)
        pty.write(frame(1))
        samples.wait_for(lambda e: True)
        second = reader(pty.path, collect(), other)
        second.start()
        refused = other.wait_for(is_state(DeviceState.OFFLINE))
        second.stop()
        first.stop()
    assert "lock" in refused.detail


def _feed_until(pty: PseudoTerminal, events: Any, state: DeviceState, after: int) -> Any:
    """Keep the board talking (as a real one does) until the reader reports `state`."""
    for seq in range(100, 200):
        pty.write(frame(seq))
        try:
            return events.wait_for(is_state(state), timeout=0.05, after=after)
        except AssertionError:
            continue
    raise AssertionError(f"never {state}")


def test_unplug_gives_offline_and_replug_recovers(tmp_path: Path, collect: Any) -> None:
    samples, events = collect(), collect()
    pty = PseudoTerminal(tmp_path / "tty")
    r = reader(pty.path, samples, events)
    r.start()
    try:
        _feed_until(pty, events, DeviceState.ONLINE, 0)
        pty.unplug()
        offline = events.wait_for(is_state(DeviceState.OFFLINE))
        mark = len(events.events)
        pty.replug()
        _feed_until(pty, events, DeviceState.ONLINE, mark)
    finally:
        r.stop()
        pty.close()
    assert "failed" in offline.detail or "cannot open" in offline.detail
    assert r.link.stats.connects >= 2


def test_silence_and_adc_fault_are_faults(tmp_path: Path, collect: Any) -> None:
    samples, events = collect(), collect()
    with PseudoTerminal(tmp_path / "tty") as pty:
        r = reader(pty.path, samples, events)
        r.start()
        _feed_until(pty, events, DeviceState.ONLINE, 0)
        silent = events.wait_for(is_state(DeviceState.FAULT))
        mark = len(events.events)
        pty.write(frame(2))
        events.wait_for(is_state(DeviceState.ONLINE), after=mark)
        mark = len(events.events)
        pty.write(frame(3, 0, Flags.FAULT))
        adc = events.wait_for(is_state(DeviceState.FAULT), after=mark)
        mark = len(events.events)
        pty.write(frame(4))
        events.wait_for(is_state(DeviceState.ONLINE), after=mark)
        r.stop()
    assert "no data" in silent.detail
    assert "ADC fault" in adc.detail
    assert all(not (s[0].flags & Flags.FAULT) for s in samples.events)  # never handed on


def test_frames_from_another_board_are_a_fault(tmp_path: Path, collect: Any) -> None:
    samples, events = collect(), collect()
    with PseudoTerminal(tmp_path / "tty") as pty:
        r = reader(pty.path, samples, events)
        r.start()
        time.sleep(0.3)
        pty.write(frame(1, board="OTHER"))
        fault = events.wait_for(is_state(DeviceState.FAULT))
        r.stop()
    assert "OTHER" in fault.detail
    assert samples.events == []


def test_plain_grams_board(tmp_path: Path, collect: Any) -> None:
    samples, events = collect(), collect()
    with PseudoTerminal(tmp_path / "tty") as pty:
        config = SerialBoard(
            link=LinkSettings(port=pty.path, **FAST), protocol="plain", board="IND1"
        )
        r = BoardReader("indicator", config, samples, events)
        r.start()
        time.sleep(0.3)
        pty.write(b"ST,GS,+  123.4 g\r\nnot a weight\r\nUS,GS,+  120.0 g\r\n1.25 kg\r\n")
        samples.wait_for(lambda e: e[0].value == 1250.0)
        r.stop()
    got = [(s[0].value, s[0].flags, s[0].seq) for s in samples.events]
    assert got == [
        (123.4, Flags.STABLE, None),
        (120.0, Flags.NONE, None),
        (1250.0, Flags.NONE, None),
    ]
    assert r.link.stats.rejected == 1
    assert events.of(SequenceGap) == []


def test_a_pty_without_a_link_keeps_one_path_across_a_replug() -> None:
    """The reader holds a path, not a /dev/pts number: after a replug the number may belong
    to somebody else's pty, and the path must follow the new pair."""
    import os

    import serial

    pty = PseudoTerminal()
    path = pty.path
    assert Path(path).is_symlink()
    pty.unplug()
    squatter = PseudoTerminal(None)  # likely takes the freed number, as another process would
    try:
        pty.replug()
        assert pty.path == path
        assert os.path.realpath(path) == pty.slave_name
        assert pty.slave_name != squatter.slave_name
        with serial.Serial(path, timeout=2) as port:
            pty.write(b"after the replug\n")
            assert port.readline() == b"after the replug\n"
    finally:
        squatter.close()
        pty.close()
    assert not Path(path).parent.exists(), "the private folder is removed on close"
