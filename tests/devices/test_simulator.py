"""The simulator's API and text commands (Unix control socket and the CLI on stdin); its
stream read back through the real link."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from devices.link import LinkSettings
from devices.weighing.board import BoardReader
from devices.weighing.config import SerialBoard
from devices.weighing.control import ControlSocket, run_command, send_command
from devices.weighing.frames import Flags, Sample, Unit
from devices.weighing.simulator import BoardSimulator, SimulatorSettings

REPO = Path(__file__).resolve().parents[2]


def sim_settings(**kw: Any) -> SimulatorSettings:
    return SimulatorSettings(board="S1", unit=Unit.GRAMS, seed=1, **kw)


def test_commands_over_the_control_socket(tmp_path: Path) -> None:
    products = {"5449000039231": 345.0}
    with BoardSimulator(sim_settings(channels=3), link=tmp_path / "tty", products=products,
                        plate_products={1: 28.0}) as sim:  # fmt: skip
        server = ControlSocket(sim, tmp_path / "ctl").start()
        try:
            assert send_command(server.path, "place 5449000039231 plate=2 qty=2") == (
                "ok place 690.0 g on plate 2"
            )
            assert send_command(server.path, "place plate=1 qty=3") == "ok place 84.0 g on plate 1"
            assert send_command(server.path, "remove 1.5kg plate=0").startswith("error:")
            assert send_command(server.path, "load plate=2") == "ok 690.0 g on plate 2"
            assert send_command(server.path, "frobnicate").startswith("error: unknown command")
            assert send_command(server.path, "place 12g colour=red").startswith("error:")
            assert send_command(server.path, "status").startswith(f"ok path={sim.path}")
        finally:
            server.stop()
        assert not (tmp_path / "ctl").exists()


def test_stream_reads_back_with_fault_and_unplug(tmp_path: Path, collect: Any) -> None:
    samples, events = collect(), collect()
    with BoardSimulator(sim_settings(), link=tmp_path / "tty") as sim:
        config = SerialBoard(link=LinkSettings(port=sim.path, reconnect_initial_s=0.05), board="S1")
        reader = BoardReader("s", config, samples, events)
        reader.start()
        try:
            handling = sim.place(500.0, handling_s=0.3)
            sim.wait_settled(handling)
            late = samples.wait_for(lambda e: e[1] > time.monotonic() - 0.05)
            assert late[0].value == pytest.approx(500, abs=5)
            assert run_command(sim, "fault on") == "ok fault on"
            events.wait_for(lambda e: getattr(e, "state", None) == "fault")
            assert run_command(sim, "fault off") == "ok fault off"
            assert run_command(sim, "unplug") == "ok unplugged"
            events.wait_for(lambda e: getattr(e, "state", None) == "offline")
            assert run_command(sim, "replug") == "ok replugged"
            mark = len(events.events)
            events.wait_for(lambda e: getattr(e, "state", None) == "online", after=mark)
        finally:
            reader.stop()
    assert not any(s[0].flags & Flags.FAULT for s in samples.events)
    ok: list[Sample] = [s[0] for s in samples.events]
    assert {s.board for s in ok} == {"S1"}


def test_overload_flag_past_capacity(tmp_path: Path, collect: Any) -> None:
    samples = collect()
    with BoardSimulator(sim_settings(capacity_g=1000), link=tmp_path / "tty") as sim:
        config = SerialBoard(link=LinkSettings(port=sim.path), board="S1")
        reader = BoardReader("s", config, samples, collect())
        reader.start()
        try:
            sim.place(1500.0, handling_s=0.2)
            samples.wait_for(lambda e: bool(e[0].flags & Flags.OVERLOAD))
        finally:
            reader.stop()


def test_cli_prints_the_device_path_and_takes_stdin(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "kiosk"), "devices", "simulate", "scale",
         "--link", str(tmp_path / "tty"), "--catalog", str(tmp_path / "none.csv")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
    )  # fmt: skip
    try:
        out, err = proc.communicate("place 250g\nload\nquit\n", timeout=60)
    finally:
        proc.kill()
    lines = out.splitlines()
    assert lines[0] == f"device: {tmp_path / 'tty'}", err
    assert "ok place 250.0 g on plate 0" in lines
    assert "ok 250.0 g on plate 0" in lines
    assert "no catalog" in err
