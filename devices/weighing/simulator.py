"""A simulated load-cell board on a pseudo-terminal, speaking the framed protocol.

It runs the same arithmetic as the firmware in devices/firmware/ (counts from grams, flags,
a board-side stability hint) on the noise model in physics.py, so the real serial reader,
decoder and detectors run against it. Items are placed and taken through a small Python API
(also driven by the text commands in control.py); `unplug` and `replug` close and reopen the
pseudo-terminal behind the same path.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from devices.pty import PseudoTerminal
from devices.weighing.frames import (
    COUNTS_MAX,
    COUNTS_MIN,
    BoardInfo,
    Flags,
    Sample,
    Unit,
    encode_info,
    encode_sample,
)
from devices.weighing.physics import Handling, LoadCellBank, NoiseSettings

logger = logging.getLogger(__name__)

FIRMWARE = "sim-1.0"
INFO_EVERY_S = 5.0
STABLE_WINDOW = 8  # samples the board-side stability hint looks at, as in the firmware
STABLE_BAND_G = 3.0


class SimulatorSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    board: str = Field(default="SIM1", pattern=r"^[A-Za-z0-9_-]{1,8}$", description="board id")
    channels: int = Field(default=1, ge=1, le=16, description="plates on this board")
    sps: Literal[10, 80] = Field(default=80, description="samples per second (HX711 RATE pin)")
    unit: Unit = Field(default=Unit.COUNTS, description="send raw counts or grams")
    capacity_g: float = Field(default=15000, gt=0, le=1_000_000, description="per plate")
    counts_per_g: float = Field(
        default=420.0, gt=0, le=100_000, description="simulated cell gain (counts mode)"
    )
    zero_counts: int = Field(
        default=21_000, ge=-1_000_000, le=1_000_000, description="counts with an empty plate"
    )
    start_load_g: tuple[float, ...] = Field(
        default=(), description="load on each plate at start (empty: all zero)"
    )
    seed: int = Field(default=0, ge=0, description="random seed: the same seed, the same stream")
    noise: NoiseSettings = Field(default_factory=NoiseSettings, description="noise model")


class BoardSimulator:
    """Start it, hand `path` to the reader, then place and remove items while it streams."""

    def __init__(
        self,
        settings: SimulatorSettings,
        link: Path | None = None,
        products: Mapping[str, float] | None = None,
        plate_products: Mapping[int, float] | None = None,
    ) -> None:
        self.settings = settings
        self.products = dict(products or {})  # product key (GTIN) -> unit weight, grams
        self.plate_products = dict(plate_products or {})  # plate -> its product's unit weight
        self._link = link
        self._pty: PseudoTerminal | None = None
        rng = np.random.default_rng(settings.seed)
        # Each channel's cell has its own gain and zero, as real ones do.
        self._gain = settings.counts_per_g * rng.uniform(0.9, 1.1, settings.channels)
        self._zero = settings.zero_counts + rng.integers(-5000, 5000, settings.channels)
        start = list(settings.start_load_g) or [0.0] * settings.channels
        if len(start) != settings.channels:
            raise ValueError(f"start_load_g has {len(start)} values for {settings.channels} plates")
        self.bank = LoadCellBank(settings.channels, settings.sps, settings.noise, rng, start)
        self._recent = [deque[float](maxlen=STABLE_WINDOW) for _ in range(settings.channels)]
        self._seq = 0
        self._fault = False
        self._plugged = True
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._epoch = time.monotonic()
        self._info_at = -INFO_EVERY_S
        self._lock = threading.Lock()
        self.frames_sent = 0

    # -- lifecycle ----------------------------------------------------------------------

    @property
    def path(self) -> str:
        if self._pty is None:
            raise RuntimeError("the simulator is not started")
        return self._pty.path

    def start(self) -> BoardSimulator:
        if self._thread is not None:
            raise RuntimeError("simulator already started")
        self._pty = PseudoTerminal(self._link)
        self.bank.skip_to(self.now)
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="board-sim", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None
        if self._pty is not None:
            self._pty.close()
            self._pty = None

    def __enter__(self) -> BoardSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def now(self) -> float:
        """Simulation time: seconds since start, on the same clock as the samples."""
        return time.monotonic() - self._epoch

    # -- what a shopper or a test does ----------------------------------------------------

    def grams_of(self, what: float | str, plate: int = 0, quantity: int = 1) -> float:
        """Weight of `quantity` x `what`: grams, a product key, or "" for the plate's product."""
        if isinstance(what, int | float):
            return float(what) * quantity
        if what == "":
            if plate not in self.plate_products:
                raise ValueError(f"plate {plate} has no product in the planogram")
            return self.plate_products[plate] * quantity
        if what not in self.products:
            raise ValueError(f"unknown product {what!r}")
        return self.products[what] * quantity

    def place(
        self,
        what: float | str = "",
        plate: int = 0,
        quantity: int = 1,
        handling_s: float | None = None,
    ) -> Handling:
        grams = self.grams_of(what, plate, quantity)
        return self.bank.handle(plate, self.now, grams, handling_s)

    def remove(
        self,
        what: float | str = "",
        plate: int = 0,
        quantity: int = 1,
        handling_s: float | None = None,
    ) -> Handling:
        grams = self.grams_of(what, plate, quantity)
        if grams > self.bank.load_g(plate) + 1:
            raise ValueError(
                f"plate {plate} holds {self.bank.load_g(plate):.0f} g, not {grams:.0f} g"
            )
        return self.bank.handle(plate, self.now, -grams, handling_s)

    def true_calibration(self, channel: int) -> tuple[float, float]:
        """(zero counts, counts per gram) of a simulated cell: what a perfect calibration finds."""
        return float(self._zero[channel]), float(self._gain[channel])

    def wait_settled(self, handling: Handling, margin_s: float = 0.3) -> None:
        """Block until `handling` has settled (plus a margin), in simulation time."""
        while self.now < handling.settled_at + margin_s:
            time.sleep(0.02)

    def unplug(self) -> None:
        """Pull the cable: the reader's port fails and the path disappears."""
        with self._lock:
            if self._pty is not None and self._plugged:
                self._pty.unplug()
                self._plugged = False

    def replug(self) -> None:
        with self._lock:
            if self._pty is not None and not self._plugged:
                self._pty.replug()
                self._plugged = True
                self._info_at = -INFO_EVERY_S

    def set_fault(self, on: bool) -> None:
        """The ADC stops answering: frames carry the FAULT flag and no value."""
        self._fault = on

    def write_raw(self, data: bytes) -> None:
        """Inject bytes into the line (line noise, a half frame) between regular frames."""
        with self._lock:
            if self._pty is not None and self._plugged:
                self._pty.write_nowait(data)

    # -- the board ----------------------------------------------------------------------

    def _run(self) -> None:
        period = 1.0 / self.settings.sps
        while not self._stop.is_set():
            due = int((self.now - self.bank.next_time) * self.settings.sps) + 1
            if due > 0:
                times, grams = self.bank.sample(min(due, self.settings.sps))
                self._emit(times, grams)
            self._stop.wait(max(0.0, self.bank.next_time - self.now) + period / 10)

    def _emit(self, times: np.ndarray, grams: np.ndarray) -> None:
        chunks: list[bytes] = []
        if times[-1] - self._info_at >= INFO_EVERY_S:
            self._info_at = float(times[-1])
            s = self.settings
            chunks.append(encode_info(BoardInfo(s.board, FIRMWARE, s.channels, s.sps)))
        for row in grams:
            for channel, value in enumerate(row):
                chunks.append(encode_sample(self._sample(channel, float(value))))
        with self._lock:
            if self._pty is None or not self._plugged:
                return
            for chunk in chunks:
                if self._pty.write_nowait(chunk) == len(chunk):
                    self.frames_sent += 1

    def _sample(self, channel: int, grams: float) -> Sample:
        s = self.settings
        self._seq = (self._seq + 1) & 0xFFFF
        if self._fault:
            return Sample(s.board, channel, self._seq, s.unit, 0, Flags.FAULT)
        recent = self._recent[channel]
        recent.append(grams)
        flags = Flags.NONE
        if len(recent) == recent.maxlen and max(recent) - min(recent) <= STABLE_BAND_G:
            flags |= Flags.STABLE
        if grams > s.capacity_g:
            flags = Flags.OVERLOAD
        elif grams < -0.05 * s.capacity_g:
            flags = Flags.UNDERLOAD
        if s.unit == Unit.GRAMS:
            value = round(min(max(grams, -s.capacity_g * 2), s.capacity_g * 2), 1)
            return Sample(s.board, channel, self._seq, s.unit, value, flags)
        counts = round(self._zero[channel] + self._gain[channel] * grams)
        if not COUNTS_MIN < counts < COUNTS_MAX:
            flags = Flags.OVERLOAD if counts > 0 else Flags.UNDERLOAD
            counts = min(max(counts, COUNTS_MIN), COUNTS_MAX)
        return Sample(s.board, channel, self._seq, s.unit, float(counts), flags)
