"""Smart-shelf detection: settled plate changes become picks and put-backs with a quantity.

Per plate: a median removes single-sample spikes, the neighbours' share of load (crosstalk)
is subtracted, and a steady window gives a settled level. A settled level at least half a
unit away from the plate's baseline is an event of round(change / unit) units (or an
unexplained change when no whole number of units fits); differences within a few grams are
drift, which the baseline follows. Neighbouring plates are decoupled
before either decides, so two hands at once on adjacent plates give two events.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

from devices.weighing.events import LowStock, ShelfEvent, ShelfEventKind
from devices.weighing.planogram import PlatePlan, ShelfPlan
from devices.weighing.stability import StabilityFilter, StabilitySettings


class ShelfSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    stability: StabilitySettings = Field(
        default_factory=StabilitySettings, description="when a plate counts as settled"
    )
    event_fraction: float = Field(
        default=0.5, gt=0.2, le=0.9, description="a change of this share of a unit is an event"
    )
    min_event_g: float = Field(default=8.0, ge=1, le=1000, description="never smaller events")
    drift_band_g: float = Field(
        default=6.0, gt=0, le=100, description="settled changes below this are drift, followed"
    )
    quiet_fraction: float = Field(
        default=0.25,
        ge=0,
        le=0.5,
        description="changes below this share of a unit (or the drift band) are not reported",
    )
    drift_follow: float = Field(
        default=0.05, gt=0, le=1, description="how fast the baseline follows small settled drift"
    )
    measurement_sd_g: float = Field(
        default=1.5, gt=0, le=100, description="error of a settled level, for the confidence"
    )
    coupling_bound: float = Field(
        default=0.15, ge=0, le=1, description="most of a neighbour's movement that shows here"
    )
    neighbour_wait_s: float = Field(
        default=3.0, ge=0, le=60, description="wait this long at most for moving neighbours"
    )
    explain_sds: float = Field(
        default=4.0,
        gt=1,
        le=20,
        description="a change further than this from whole units is unexplained",
    )


Output = ShelfEvent | LowStock
SQRT_2PI = math.sqrt(2 * math.pi)
OTHER_PRIOR = 0.01  # weight of "something else changed the plate", spread over one unit


@dataclass
class _Plate:
    plan: PlatePlan
    stability: StabilityFilter
    raw: list[float] = field(default_factory=list)  # last few samples, for the median
    filtered: float | None = None  # latest median, what neighbours subtract from
    baseline: float | None = None
    stable: bool = False
    moving_since: float = 0.0
    stock: int = 0
    low: bool = False


def _sd(k: int, unit_sd_g: float, meas_sd_g: float) -> float:
    return math.sqrt(meas_sd_g**2 + max(k, 1) * unit_sd_g**2)


def quantity_and_confidence(
    delta_g: float, unit_g: float, unit_sd_g: float, meas_sd_g: float
) -> tuple[int, float, float]:
    """Units in a change; the chance that count is right rather than one more, one less, or
    something else on the plate (0..1); and how many standard deviations the change lies
    from that count."""
    q = max(1, round(abs(delta_g) / unit_g))

    def likelihood(k: int) -> float:
        sd = _sd(k, unit_sd_g, meas_sd_g)
        return math.exp(-0.5 * ((abs(delta_g) - k * unit_g) / sd) ** 2) / (sd * SQRT_2PI)

    scores = {k: likelihood(k) for k in (q - 1, q, q + 1) if k >= 0}
    total = sum(scores.values()) + OTHER_PRIOR / unit_g
    off = abs(abs(delta_g) - q * unit_g) / _sd(q, unit_sd_g, meas_sd_g)
    return q, scores[q] / total, off


class ShelfDetector:
    """Feed each plate's grams as they arrive; get picks, put-backs and low-stock warnings."""

    def __init__(
        self,
        plan: ShelfPlan,
        sps: float,
        settings: ShelfSettings | None = None,
        crosstalk: float | None = None,
    ) -> None:
        self.plan = plan
        self.settings = settings or ShelfSettings()
        self.crosstalk = plan.crosstalk if crosstalk is None else crosstalk
        # The median runs here, before neighbours are subtracted; not again in the window.
        window = self.settings.stability.model_copy(update={"median": 1})
        self._plates = {p.channel: _Plate(p, StabilityFilter(window, sps)) for p in plan.plates}
        self._median = self.settings.stability.median

    def stock(self, channel: int) -> int:
        return self._plates[channel].stock

    def baseline(self, channel: int) -> float | None:
        return self._plates[channel].baseline

    def feed(self, channel: int, grams: float, at: float) -> list[Output]:
        plate = self._plates.get(channel)
        if plate is None:
            return []
        plate.raw.append(grams)
        if len(plate.raw) > self._median:
            plate.raw.pop(0)
        plate.filtered = sorted(plate.raw)[len(plate.raw) // 2]
        seen = sum(
            n.filtered
            for c in self.plan.neighbours(channel)
            if (n := self._plates[c]).filtered is not None
        )
        level, stable = plate.stability.feed(plate.filtered - self.crosstalk * seen)
        if stable != plate.stable:
            plate.stable, plate.moving_since = stable, at
        if not stable or self._neighbour_moving(channel, at):
            return []
        if plate.baseline is None:
            return self._first(plate, level, at)
        return self._settled(plate, level, at)

    def _neighbour_moving(self, channel: int, at: float) -> bool:
        """A hand on the next plate shakes this one too: decide once it has let go."""
        s = self.settings
        plan = self._plates[channel].plan
        matters = 0.5 * max(s.event_fraction * plan.unit_weight_g, s.min_event_g)
        for c in self.plan.neighbours(channel):
            n = self._plates[c]
            if n.stable or at - n.moving_since >= s.neighbour_wait_s:
                continue
            if s.coupling_bound * n.stability.spread >= matters:
                return True
        return False

    def _first(self, plate: _Plate, level: float, at: float) -> list[Output]:
        plate.baseline = level
        plan = plate.plan
        plate.stock = (
            plan.stock if plan.stock is not None else max(0, round(level / plan.unit_weight_g))
        )
        return self._stock_check(plate, at)

    def _settled(self, plate: _Plate, level: float, at: float) -> list[Output]:
        assert plate.baseline is not None
        plan, s = plate.plan, self.settings
        delta = level - plate.baseline
        # Below a quarter unit: drift, or what is left of a neighbour's load after the
        # crosstalk correction; followed, not reported.
        if abs(delta) < max(s.drift_band_g, s.quiet_fraction * plan.unit_weight_g):
            plate.baseline += s.drift_follow * delta
            return []
        plate.baseline = level
        threshold = max(s.event_fraction * plan.unit_weight_g, s.min_event_g)
        quantity, confidence, off = quantity_and_confidence(
            delta, plan.unit_weight_g, plan.tolerance_g / 2, s.measurement_sd_g
        )
        if abs(delta) < threshold or off > s.explain_sds:
            kind, quantity, confidence = ShelfEventKind.UNEXPLAINED, 0, 0.0
        elif delta < 0:
            kind, plate.stock = ShelfEventKind.PICK, max(0, plate.stock - quantity)
        else:
            kind, plate.stock = ShelfEventKind.PUT, plate.stock + quantity
        event = ShelfEvent(
            shelf=self.plan.id,
            plate=plan.channel,
            gtin=plan.gtin,
            kind=kind,
            quantity=quantity,
            confidence=round(confidence, 3),
            delta_g=round(delta, 1),
            stock=plate.stock,
            at=at,
        )
        return [event, *self._stock_check(plate, at)]

    def _stock_check(self, plate: _Plate, at: float) -> list[Output]:
        plan = plate.plan
        low = plate.stock <= plan.low_stock
        if low == plate.low:
            return []
        plate.low = low
        if not low:
            return []
        return [LowStock(self.plan.id, plan.channel, plan.gtin, plate.stock, plan.low_stock, at)]
