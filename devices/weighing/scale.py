"""A single-plate scale (bagging area, produce): calibrated, filtered, stable-flagged readings."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from devices.weighing.board import BoardEvent, BoardReader
from devices.weighing.calibration import CalibrationStore, PlateCalibration
from devices.weighing.config import BoardConfig, SerialBoard, resolve
from devices.weighing.events import WeightReading
from devices.weighing.frames import Flags, Sample, Unit
from devices.weighing.simulator import BoardSimulator
from devices.weighing.stability import StabilityFilter, StabilitySettings

ScaleEvent = WeightReading | BoardEvent


class ScaleSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    channel: int = Field(default=0, ge=0, le=15, description="the plate's channel on its board")
    sps: Literal[10, 80] = Field(default=80, description="the board's sample rate")
    stability: StabilitySettings = Field(
        default_factory=lambda: StabilitySettings(window_s=0.5, band_g=4.0),
        description="when a reading counts as stable",
    )
    resolution_g: float = Field(
        default=1.0, gt=0, le=100, description="a stable reading is re-sent when it moves this much"
    )
    unstable_report_s: float = Field(
        default=0.25, gt=0, le=10, description="how often a moving reading is sent (for display)"
    )
    flagged_samples: int = Field(
        default=3,
        ge=1,
        le=80,
        description="over/underload samples in a row before it counts (one is an ADC spike)",
    )


class ScaleProcessor:
    """Samples in, readings out, only when there is news: stability or overload flips, a
    stable weight moves by `resolution_g`, or a moving one every `unstable_report_s`."""

    def __init__(
        self, name: str, settings: ScaleSettings, calibration: PlateCalibration | None
    ) -> None:
        self.name = name
        self.settings = settings
        self.calibration = calibration
        self._filter = StabilityFilter(settings.stability, settings.sps)
        self._last: WeightReading | None = None
        self._flagged = 0  # over/underloaded samples in a row

    @property
    def calibrated(self) -> bool:
        c = self.calibration
        return c is not None and c.spanned

    def grams(self, sample: Sample) -> float | None:
        c = self.calibration
        if c is None:
            return sample.value if sample.unit == Unit.GRAMS else None
        if c.unit != sample.unit or not c.spanned:
            return None
        return c.grams(sample.value)

    def feed(self, sample: Sample, at: float) -> WeightReading | None:
        grams = self.grams(sample)
        if grams is None or sample.flags & Flags.FAULT:
            return None
        overload = bool(sample.flags & Flags.OVERLOAD)
        underload = bool(sample.flags & Flags.UNDERLOAD)
        self._flagged = self._flagged + 1 if overload or underload else 0
        if 0 < self._flagged < self.settings.flagged_samples:
            return None  # a lone spike past the range: the stability filter drops it too
        if overload or underload:
            self._filter.reset()
            level, stable = grams, False
        else:
            level, stable = self._filter.feed(grams)
        reading = WeightReading(self.name, round(level, 1), stable, overload, underload, at)
        if self._news(reading):
            self._last = reading
            return reading
        return None

    def _news(self, r: WeightReading) -> bool:
        last = self._last
        if last is None or (r.stable, r.overload, r.underload) != (
            last.stable,
            last.overload,
            last.underload,
        ):
            return True
        if r.stable:
            return abs(r.grams - last.grams) >= self.settings.resolution_g
        return r.at - last.at >= self.settings.unstable_report_s


class Scale:
    """A live scale: its board read in a worker thread, events to `on_event` (that thread).

    `wait_for_stable` serves the produce scale: it returns the next stable reading that is
    neither over- nor underloaded, never an unstable or overloaded one.
    """

    def __init__(
        self,
        name: str,
        board: BoardConfig,
        settings: ScaleSettings,
        calibrations: CalibrationStore | None,
        on_event: Callable[[ScaleEvent], None],
    ) -> None:
        self.name = name
        self.settings = settings
        self._board_config = board
        self._calibrations = calibrations
        self._on_event = on_event
        self._latest: WeightReading | None = None
        self._changed = threading.Condition()
        self.simulator: BoardSimulator | None = None
        self.reader: BoardReader | None = None
        self.processor: ScaleProcessor | None = None

    def start(self) -> Scale:
        serial_board, self.simulator = resolve(self._board_config)
        calibration = None
        if self._calibrations is not None:
            calibration = self._calibrations.get(serial_board.board, self.settings.channel)
        self.processor = ScaleProcessor(self.name, self.settings, calibration)
        self.reader = BoardReader(
            self.name, serial_board, self._sample, self._on_event, expected_sps=self.settings.sps
        )
        self.reader.start()
        return self

    def stop(self) -> None:
        if self.reader is not None:
            self.reader.stop()
        if self.simulator is not None:
            self.simulator.stop()

    @property
    def board(self) -> SerialBoard:
        assert self.reader is not None, "start() the scale first"
        return self.reader.config

    def _sample(self, sample: Sample, at: float) -> None:
        assert self.processor is not None
        assert self.reader is not None
        if sample.channel != self.settings.channel:
            return
        if self.processor.grams(sample) is None:
            self.reader.set_problem(
                "calibration",
                f"channel {sample.channel} of board {sample.board} sends raw counts and is not "
                "calibrated: run `kiosk devices calibrate`",
                at,
            )
            return
        reading = self.processor.feed(sample, at)
        if reading is None:
            return
        with self._changed:
            self._latest = reading
            self._changed.notify_all()
        self._on_event(reading)

    @property
    def latest(self) -> WeightReading | None:
        return self._latest

    def wait_for_stable(
        self, timeout: float, min_g: float = 2.0, since: float | None = None
    ) -> WeightReading:
        """The next usable reading of at least `min_g`, taken at or after `since`.

        Raises TimeoutError when none comes within `timeout` seconds.
        """

        def ready() -> bool:
            r = self._latest
            return (
                r is not None and r.usable and r.grams >= min_g and (since is None or r.at >= since)
            )

        with self._changed:
            if not self._changed.wait_for(ready, timeout):
                raise TimeoutError(f"{self.name}: no stable reading within {timeout:.1f} s")
            assert self._latest is not None
            return self._latest
