"""A live smart shelf: its board read in a worker thread, plates through the shelf detector."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from devices.weighing.board import BoardEvent, BoardReader
from devices.weighing.calibration import CalibrationStore, PlateCalibration
from devices.weighing.config import BoardConfig, SimulatedBoard, resolve
from devices.weighing.events import LowStock, ShelfEvent
from devices.weighing.frames import Sample, Unit
from devices.weighing.planogram import ShelfPlan
from devices.weighing.shelf import ShelfDetector, ShelfSettings
from devices.weighing.simulator import BoardSimulator

ShelfOutput = ShelfEvent | LowStock | BoardEvent


class SmartShelfSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    shelf: str = Field(min_length=1, max_length=16, description="shelf id in the planogram")
    sps: Literal[10, 80] = Field(default=80, description="the board's sample rate")
    detector: ShelfSettings = Field(default_factory=ShelfSettings, description="detection")


class SmartShelf:
    def __init__(
        self,
        plan: ShelfPlan,
        board: BoardConfig,
        settings: SmartShelfSettings,
        calibrations: CalibrationStore | None,
        on_event: Callable[[ShelfOutput], None],
    ) -> None:
        self.plan = plan
        self.settings = settings
        self.detector = ShelfDetector(plan, settings.sps, settings.detector)
        self._board_config = board
        self._calibrations = calibrations
        self._on_event = on_event
        self._plate_cal: dict[int, PlateCalibration | None] = {}
        self.simulator: BoardSimulator | None = None
        self.reader: BoardReader | None = None

    def start(self) -> SmartShelf:
        config = self._board_config
        serial_board, self.simulator = resolve(config)
        if self.simulator is not None and isinstance(config, SimulatedBoard):
            self.simulator.plate_products = {p.channel: p.unit_weight_g for p in self.plan.plates}
        for plate in self.plan.plates:
            cal = None
            if self._calibrations is not None:
                cal = self._calibrations.get(serial_board.board, plate.channel)
            self._plate_cal[plate.channel] = cal
        self.reader = BoardReader(
            self.plan.id, serial_board, self._sample, self._on_event, expected_sps=self.settings.sps
        )
        self.reader.start()
        return self

    def stop(self) -> None:
        if self.reader is not None:
            self.reader.stop()
        if self.simulator is not None:
            self.simulator.stop()

    def _grams(self, sample: Sample) -> float | None:
        cal = self._plate_cal.get(sample.channel)
        if cal is None:
            return sample.value if sample.unit == Unit.GRAMS else None
        if cal.unit != sample.unit or not cal.spanned:
            return None
        return cal.grams(sample.value)

    def _sample(self, sample: Sample, at: float) -> None:
        assert self.reader is not None
        if sample.channel not in self._plate_cal:
            return
        grams = self._grams(sample)
        if grams is None:
            self.reader.set_problem(
                f"calibration{sample.channel}",
                f"plate {sample.channel} sends raw counts and is not calibrated: "
                "run `kiosk devices calibrate`",
                at,
            )
            return
        if sample.flags.invalid:
            return  # an overloaded or lifted plate says nothing about items
        for output in self.detector.feed(sample.channel, grams, at):
            self._on_event(output)
