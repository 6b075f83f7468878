"""Per-plate calibration: tare (zero), span (scale factor from a known weight), stored as JSON."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import statistics
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from devices.weighing.frames import Unit

logger = logging.getLogger(__name__)

FILE_NAME = "calibration.json"
MIN_SAMPLES = 8
SPIKE_MADS = 6.0  # samples this many median deviations away are spikes, not load
STEADY_SIGMAS = 6.0  # first and second half may differ by this many standard errors


class CalibrationError(ValueError):
    """Calibration could not be done or read; the message says what to do."""


class PlateCalibration(BaseModel):
    """grams = (value - zero) / per_gram, for one channel of one board."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    board: str = Field(min_length=1, max_length=8, description="board id from its frames")
    channel: int = Field(ge=0, le=15, description="plate on the board")
    unit: Unit = Field(description="what the board sends: raw counts or grams")
    zero: float = Field(description="the value with the plate empty (tare)")
    per_gram: float = Field(default=1.0, description="value units per gram (span)")
    known_g: float | None = Field(default=None, gt=0, le=1_000_000, description="span weight")
    updated: str = Field(default="", description="ISO time of the last change")

    @property
    def key(self) -> str:
        return key_of(self.board, self.channel)

    @property
    def spanned(self) -> bool:
        """Whether the scale factor was measured (boards sending grams need no span)."""
        return self.unit == Unit.GRAMS or self.known_g is not None

    def grams(self, value: float) -> float:
        return (value - self.zero) / self.per_gram


class CalibrationFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(default=1, ge=1, le=1, description="file format version")
    plates: dict[str, PlateCalibration] = Field(default_factory=dict, description="by board:ch")


def key_of(board: str, channel: int) -> str:
    return f"{board}:{channel}"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def steady_mean(values: Sequence[float]) -> float:
    """Mean of a steady plate's samples with spikes dropped; CalibrationError if not steady."""
    if len(values) < MIN_SAMPLES:
        raise CalibrationError(f"only {len(values)} samples; need {MIN_SAMPLES} (is it sending?)")
    median = statistics.median(values)
    mad = statistics.median(abs(v - median) for v in values) or 1e-9
    kept = [v for v in values if abs(v - median) <= SPIKE_MADS * 1.4826 * mad]
    half = len(kept) // 2
    first, second = kept[:half], kept[half:]
    sd = statistics.pstdev(kept) or 1e-9
    difference = abs(statistics.fmean(first) - statistics.fmean(second))
    if difference > STEADY_SIGMAS * sd * (2 / max(half, 1)) ** 0.5 + 1e-6 * abs(median):
        raise CalibrationError("the plate is not steady (still moving or drifting); try again")
    return statistics.fmean(kept)


def tare(
    board: str,
    channel: int,
    unit: Unit,
    values: Sequence[float],
    previous: PlateCalibration | None = None,
) -> PlateCalibration:
    """The empty plate: its mean becomes the zero; a previous span is kept."""
    zero = steady_mean(values)
    if previous is not None and previous.unit == unit:
        return previous.model_copy(update={"zero": zero, "updated": _now()})
    return PlateCalibration(board=board, channel=channel, unit=unit, zero=zero, updated=_now())


def span(
    calibration: PlateCalibration, values: Sequence[float], known_g: float
) -> PlateCalibration:
    """`known_g` lies on the tared plate: value units per gram from the change."""
    if known_g <= 0:
        raise CalibrationError("the known weight must be above zero")
    loaded = steady_mean(values)
    per_gram = (loaded - calibration.zero) / known_g
    if calibration.unit == Unit.GRAMS and not 0.5 < per_gram < 2:
        raise CalibrationError(
            f"the board reports grams but read {loaded - calibration.zero:.1f} for {known_g} g"
        )
    if abs(per_gram) < 1e-6:
        raise CalibrationError("the reading did not change: is the weight on the right plate?")
    return calibration.model_copy(
        update={"per_gram": per_gram, "known_g": known_g, "updated": _now()}
    )


class CalibrationStore:
    """`calibration.json` in the kiosk's data directory; written atomically."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / FILE_NAME

    def load(self) -> CalibrationFile:
        if not self.path.exists():
            return CalibrationFile()
        try:
            return CalibrationFile.model_validate(json.loads(self.path.read_text("utf-8")))
        except (OSError, json.JSONDecodeError, ValidationError) as e:
            raise CalibrationError(
                f"{self.path} is unreadable ({e}); fix it or delete it and calibrate again"
            ) from None

    def get(self, board: str, channel: int) -> PlateCalibration | None:
        return self.load().plates.get(key_of(board, channel))

    def save(self, calibration: PlateCalibration) -> None:
        current = self.load()
        plates = {**current.plates, calibration.key: calibration}
        text = CalibrationFile(plates=plates).model_dump_json(indent=2)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".calibration-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text + "\n")
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        logger.info("saved calibration of %s to %s", calibration.key, self.path)
