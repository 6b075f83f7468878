"""A load-cell noise model: handling, settling, coupling, drift, noise and spikes, in grams.

Both the live simulators and the benchmark draw their streams from here, so the detector is
measured on the same physics the demo shows. Each item placed or taken is a `Handling`: the
hand moves the load over `handling_s` (with tremor and a press), then the plate rings down
to the new load. The ADC averages over its conversion period, as the HX711's filter does.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

SETTLE_EPSILON_G = 1.0  # the load counts as settled once the ringing is below this


class NoiseSettings(BaseModel):
    """How imperfect the simulated load cells are. Defaults are a typical HX711 shelf plate."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    noise_g: float = Field(default=0.8, ge=0, le=50, description="white noise, grams rms")
    spike_rate: float = Field(
        default=0.002, ge=0, le=0.1, description="chance per sample of a one-sample spike"
    )
    spike_g: tuple[float, float] = Field(
        default=(30.0, 3000.0), description="spike size range, grams (either sign)"
    )
    drift_g_per_min: float = Field(
        default=2.0, ge=0, le=100, description="random-walk drift, grams per sqrt(minute)"
    )
    crosstalk: float = Field(
        default=0.01, ge=0, le=0.2, description="share of a neighbour's load seen by a plate"
    )
    dynamic_coupling: float = Field(
        default=0.1, ge=0, le=1, description="share of a neighbour's shaking seen by a plate"
    )
    handling_s: tuple[float, float] = Field(
        default=(0.25, 0.9), description="how long a hand takes to put down or pick up"
    )
    tremor_g: tuple[float, float] = Field(
        default=(4.0, 25.0), description="hand tremor amplitude while touching the plate"
    )
    ring: tuple[float, float] = Field(
        default=(0.03, 0.25), description="ringing amplitude after the hand leaves, share of load"
    )
    ring_hz: tuple[float, float] = Field(default=(3.0, 9.0), description="ringing frequency")
    settle_tau_s: tuple[float, float] = Field(
        default=(0.04, 0.12), description="ringing decay time constant"
    )


@dataclass(frozen=True)
class Handling:
    """One change of load on one plate, with the parameters of its transient."""

    plate: int
    start: float
    delta_g: float
    handling_s: float
    press: float
    tremor_g: float
    tremor_hz: tuple[float, float]
    tremor_phase: tuple[float, float]
    ring: float
    ring_hz: float
    tau_s: float

    @property
    def released(self) -> float:
        return self.start + self.handling_s

    @property
    def settled_at(self) -> float:
        """When the ringing falls below SETTLE_EPSILON_G: the moment the weight settles."""
        amplitude = abs(self.ring * self.delta_g)
        if amplitude <= SETTLE_EPSILON_G:
            return self.released
        return self.released + self.tau_s * math.log(amplitude / SETTLE_EPSILON_G)

    def contribution(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(load, shaking) this handling adds at times `t`; shaking is the part that couples."""
        u = np.clip((t - self.start) / self.handling_s, 0.0, 1.0)
        touching = (t >= self.start) & (t < self.released)
        ramp = self.delta_g * u * u * (3 - 2 * u)
        envelope = np.sin(np.pi * u)
        tremor = (
            self.tremor_g
            * envelope
            * sum(
                np.sin(2 * np.pi * hz * (t - self.start) + ph)
                for hz, ph in zip(self.tremor_hz, self.tremor_phase, strict=True)
            )
        )
        press = self.press * abs(self.delta_g) * envelope**2
        shaking = np.where(touching, tremor + press, 0.0)
        after = t >= self.released
        dt = np.where(after, t - self.released, 0.0)
        ringing = (
            self.ring
            * self.delta_g
            * np.exp(-dt / self.tau_s)
            * np.cos(2 * np.pi * self.ring_hz * dt)
        )
        shaking = shaking + np.where(after, ringing, 0.0)
        return ramp + shaking, shaking


def _uniform(rng: np.random.Generator, bounds: tuple[float, float]) -> float:
    return float(rng.uniform(bounds[0], bounds[1]))


class LoadCellBank:
    """Plates side by side on one board (a shelf, or a single scale), sampled at `sps`.

    Thread-safe: a simulator thread samples while a control thread schedules handlings.
    """

    def __init__(
        self,
        plates: int,
        sps: float,
        noise: NoiseSettings,
        rng: np.random.Generator,
        start_load_g: Sequence[float] | None = None,
        start_time: float = 0.0,
    ) -> None:
        self.plates = plates
        self.sps = sps
        self.noise = noise
        self.rng = rng
        self._base = np.array(start_load_g if start_load_g is not None else [0.0] * plates, float)
        self._drift = np.zeros(plates)
        self._handlings: list[Handling] = []
        self._next_index = 0
        self._t0 = start_time
        self._sub = max(2, int(160 / sps))  # ADC integration points per sample
        self._lock = threading.Lock()

    def time_of(self, index: int) -> float:
        return self._t0 + index / self.sps

    @property
    def next_time(self) -> float:
        return self.time_of(self._next_index)

    def skip_to(self, t: float) -> None:
        """Start sampling at time `t` (a live simulator starting late)."""
        with self._lock:
            self._next_index = max(self._next_index, math.ceil((t - self._t0) * self.sps))

    def handle(
        self, plate: int, at: float, delta_g: float, handling_s: float | None = None
    ) -> Handling:
        """Put (positive) or take (negative) `delta_g` on `plate`, starting at time `at`."""
        if not 0 <= plate < self.plates:
            raise ValueError(f"plate {plate} does not exist (0..{self.plates - 1})")
        n, r = self.noise, self.rng
        handling = Handling(
            plate=plate,
            start=at,
            delta_g=delta_g,
            handling_s=handling_s if handling_s is not None else _uniform(r, n.handling_s),
            press=float(r.uniform(0.0, 0.3)),
            tremor_g=_uniform(r, n.tremor_g),
            tremor_hz=(float(r.uniform(6, 12)), float(r.uniform(1.5, 4))),
            tremor_phase=(float(r.uniform(0, 2 * np.pi)), float(r.uniform(0, 2 * np.pi))),
            ring=_uniform(r, n.ring),
            ring_hz=_uniform(r, n.ring_hz),
            tau_s=_uniform(r, n.settle_tau_s),
        )
        with self._lock:
            self._handlings.append(handling)
        return handling

    def load_g(self, plate: int) -> float:
        """The true settled load the plate will come to, all scheduled handlings included."""
        with self._lock:
            pending = sum(h.delta_g for h in self._handlings if h.plate == plate)
            return float(self._base[plate] + pending)

    def _physical(self, t: np.ndarray) -> np.ndarray:
        """Load per plate at times `t` (shape [len(t), plates]), before coupling and noise."""
        load = np.tile(self._base, (len(t), 1))
        shaking = np.zeros_like(load)
        for h in self._handlings:
            if h.start > t[-1]:
                continue
            added, shake = h.contribution(t)
            load[:, h.plate] += added
            shaking[:, h.plate] += shake
        n = self.noise
        neighbours = np.zeros_like(load)
        neighbour_shake = np.zeros_like(load)
        neighbours[:, 1:] += load[:, :-1]
        neighbours[:, :-1] += load[:, 1:]
        neighbour_shake[:, 1:] += shaking[:, :-1]
        neighbour_shake[:, :-1] += shaking[:, 1:]
        return load + n.crosstalk * neighbours + n.dynamic_coupling * neighbour_shake

    def _retire(self, before: float) -> None:
        """Fold handlings whose transient is over into the base load."""
        keep = []
        for h in self._handlings:
            if h.released + 12 * h.tau_s < before:
                self._base[h.plate] += h.delta_g
            else:
                keep.append(h)
        self._handlings = keep

    def sample(self, count: int) -> tuple[np.ndarray, np.ndarray]:
        """The next `count` samples: (times [count], grams [count, plates])."""
        with self._lock:
            idx = np.arange(self._next_index, self._next_index + count)
            times = self._t0 + idx / self.sps
            period = 1.0 / self.sps
            offsets = (np.arange(self._sub) + 0.5) / self._sub * period - period
            grid = (times[:, None] + offsets[None, :]).ravel()
            physical = self._physical(grid).reshape(count, self._sub, self.plates).mean(axis=1)
            self._next_index += count
            self._retire(float(times[0]))
        return times, physical + self._electrical(count)

    def _electrical(self, count: int) -> np.ndarray:
        n, r = self.noise, self.rng
        steps = r.normal(
            0.0, n.drift_g_per_min * math.sqrt(1 / (60 * self.sps)), (count, self.plates)
        )
        drift = self._drift + np.cumsum(steps, axis=0)
        self._drift = drift[-1].copy()
        noise = r.normal(0.0, n.noise_g, (count, self.plates))
        spikes = r.random((count, self.plates)) < n.spike_rate
        sizes = r.uniform(n.spike_g[0], n.spike_g[1], (count, self.plates))
        signs = np.where(r.random((count, self.plates)) < 0.5, -1.0, 1.0)
        return drift + noise + np.where(spikes, sizes * signs, 0.0)
