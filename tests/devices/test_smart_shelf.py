"""A live smart shelf: the planogram's shelf simulated on a pty, read through pyserial, raw
counts calibrated per plate, picks and put-backs out the other end."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from devices.state import DeviceState, DeviceStateChanged
from devices.weighing.calibration import CalibrationStore, PlateCalibration
from devices.weighing.config import SimulatedBoard
from devices.weighing.events import LowStock, ShelfEvent, ShelfEventKind
from devices.weighing.frames import Unit
from devices.weighing.physics import NoiseSettings
from devices.weighing.planogram import load_planogram
from devices.weighing.simulator import BoardSimulator, SimulatorSettings
from devices.weighing.smart_shelf import SmartShelf, SmartShelfSettings


@pytest.mark.timeout(60)
def test_picks_and_put_backs_from_a_live_shelf(
    tmp_path: Path, repo_root: Path, collect: Any
) -> None:
    plan = load_planogram(repo_root / "config" / "planogram.toml").shelf("A1")
    start = tuple(p.unit_weight_g * (p.stock or 0) for p in plan.plates)
    sim_settings = SimulatorSettings(
        board=plan.board, channels=len(plan.plates), unit=Unit.COUNTS, start_load_g=start,
        seed=12, noise=NoiseSettings(crosstalk=plan.crosstalk),
    )  # fmt: skip
    # The simulated cells' gains and zeros, as a calibration would have measured them.
    probe = BoardSimulator(sim_settings)
    store = CalibrationStore(tmp_path / "data")
    for ch in range(len(plan.plates)):
        zero, per_gram = probe.true_calibration(ch)
        store.save(PlateCalibration(board=plan.board, channel=ch, unit=Unit.COUNTS, zero=zero,
                                    per_gram=per_gram, known_g=1000))  # fmt: skip
    events = collect()
    board = SimulatedBoard(simulator=sim_settings, path=tmp_path / "ttyA1")
    shelf = SmartShelf(plan, board, SmartShelfSettings(shelf="A1"), store, events).start()
    sim = shelf.simulator
    assert sim is not None
    try:
        events.wait_for(
            lambda e: isinstance(e, DeviceStateChanged) and e.state == DeviceState.ONLINE
        )
        time.sleep(1.0)  # every plate settles on its baseline
        sim.wait_settled(sim.remove(plate=3, quantity=2, handling_s=0.5))  # two bottles of milk
        pick = events.wait_for(lambda e: isinstance(e, ShelfEvent))
        mark = len(events.events)
        sim.wait_settled(sim.place(plate=1, quantity=1, handling_s=0.5))  # gum back
        put = events.wait_for(lambda e: isinstance(e, ShelfEvent), after=mark)
        mark = len(events.events)
        sim.remove(plate=3, quantity=2, handling_s=0.5)  # stock 4 -> 2: low (threshold 2)
        low = events.wait_for(lambda e: isinstance(e, LowStock), after=mark)
    finally:
        shelf.stop()
    assert (pick.plate, pick.kind, pick.quantity, pick.gtin) == (
        3,
        ShelfEventKind.PICK,
        2,
        "8480010001136",
    )
    assert pick.confidence > 0.9
    assert (put.plate, put.kind, put.quantity, put.stock) == (1, ShelfEventKind.PUT, 1, 31)
    assert (low.plate, low.stock, low.threshold) == (3, 2, 2)
    others = [e for e in events.of(ShelfEvent) if e.plate not in (1, 3)]
    assert others == []  # neighbours of the milk plate stayed quiet
