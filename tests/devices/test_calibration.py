"""Calibration round trip against a simulated counts board over a real pty, the store, and
the checks that refuse a moving plate or a bad file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from devices.link import LinkSettings
from devices.weighing.board import collect as collect_samples
from devices.weighing.calibration import (
    CalibrationError,
    CalibrationStore,
    PlateCalibration,
    span,
    steady_mean,
    tare,
)
from devices.weighing.config import SerialBoard, SimulatedBoard
from devices.weighing.frames import Unit
from devices.weighing.physics import NoiseSettings
from devices.weighing.scale import Scale, ScaleSettings
from devices.weighing.simulator import BoardSimulator, SimulatorSettings
from kiosk.cli.main import cli

QUIET = NoiseSettings(noise_g=0.5, spike_rate=0.01, drift_g_per_min=0.5)


def counts_board(seed: int = 3) -> SimulatorSettings:
    return SimulatorSettings(board="CAL1", unit=Unit.COUNTS, seed=seed, noise=QUIET)


def test_round_trip_tare_span_then_weigh(tmp_path: Path, collect: Any) -> None:
    store = CalibrationStore(tmp_path / "data")
    with BoardSimulator(counts_board(), link=tmp_path / "tty") as sim:
        board = SerialBoard(link=LinkSettings(port=sim.path), board="CAL1")
        board_id, unit, empty = collect_samples(board, 0, 1.0)
        store.save(tare(board_id, 0, unit, empty))
        handling = sim.place(1000.0, handling_s=0.3)
        sim.wait_settled(handling)
        _, _, loaded = collect_samples(board, 0, 1.0)
        tared = store.get("CAL1", 0)
        assert tared is not None
        store.save(span(tared, loaded, 1000.0))
    saved = CalibrationStore(tmp_path / "data").get("CAL1", 0)
    assert saved is not None
    assert saved.unit == Unit.COUNTS
    assert saved.known_g == 1000.0
    # The simulated cell's own gain is within 10 % of 420 counts/g; calibration finds it.
    assert 378 < saved.per_gram < 462

    readings = collect()
    cfg = SimulatedBoard(simulator=counts_board(), path=tmp_path / "tty2")
    scale = Scale("produce", cfg, ScaleSettings(), store, readings).start()
    try:
        assert scale.simulator is not None
        scale.simulator.place(437.0, handling_s=0.3)
        reading = scale.wait_for_stable(timeout=10, min_g=100)
    finally:
        scale.stop()
    assert reading.grams == pytest.approx(437.0, abs=2.0)


def test_cli_calibrate_is_scriptable(tmp_path: Path) -> None:
    runner = CliRunner()
    data = tmp_path / "data"
    with BoardSimulator(counts_board(5), link=tmp_path / "tty") as sim:
        args = ["devices", "calibrate", "--port", sim.path, "--yes", "--data-dir", str(data)]
        tared = runner.invoke(cli, [*args, "--step", "tare", "--seconds", "1"])
        assert tared.exit_code == 0, tared.output
        handling = sim.place(500.0, handling_s=0.3)
        sim.wait_settled(handling)
        spanned = runner.invoke(
            cli, [*args, "--step", "span", "--known-g", "500", "--seconds", "1"]
        )
        assert spanned.exit_code == 0, spanned.output
    cal = CalibrationStore(data).get("CAL1", 0)
    assert cal is not None
    assert cal.grams(cal.zero + 250 * cal.per_gram) == pytest.approx(250)
    assert "saved to" in spanned.output


def test_span_without_known_weight_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["devices", "calibrate", "--port", "/dev/null", "--yes"])
    assert result.exit_code == 2
    assert "--known-g" in result.output


def test_moving_plate_is_refused() -> None:
    ramp = list(np.linspace(0, 500, 100))
    with pytest.raises(CalibrationError, match="not steady"):
        steady_mean(ramp)


def test_spikes_do_not_move_the_zero() -> None:
    rng = np.random.default_rng(0)
    values = list(21000 + rng.normal(0, 300, 200))
    values[50] += 3_000_000
    values[120] -= 2_000_000
    assert steady_mean(values) == pytest.approx(21000, abs=100)


def test_too_few_samples() -> None:
    with pytest.raises(CalibrationError, match="only 3 samples"):
        steady_mean([1.0, 2.0, 3.0])


def test_corrupt_file_names_itself(tmp_path: Path) -> None:
    (tmp_path / "calibration.json").write_text("{not json")
    with pytest.raises(CalibrationError, match="calibration.json"):
        CalibrationStore(tmp_path).load()


def test_tare_keeps_the_span(tmp_path: Path) -> None:
    first = PlateCalibration(
        board="B", channel=1, unit=Unit.COUNTS, zero=100, per_gram=400, known_g=500
    )
    again = tare("B", 1, Unit.COUNTS, [5000.0] * 20, first)
    assert (again.zero, again.per_gram, again.known_g) == (5000.0, 400, 500)
