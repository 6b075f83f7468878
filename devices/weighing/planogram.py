"""The planogram: which product lies on which plate of which shelf (config/planogram.toml)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from devices.weighing.frames import Unit
from devices.weighing.physics import NoiseSettings
from devices.weighing.simulator import SimulatorSettings


class PlanogramError(ValueError):
    """The planogram file is missing or wrong; the message names the file and the key."""


class PlatePlan(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    channel: int = Field(ge=0, le=15, description="the plate's channel on the shelf's board")
    gtin: str = Field(pattern=r"^\d{8}$|^\d{12,14}$", description="the product on this plate")
    name: str = Field(default="", max_length=80, description="for people reading the file")
    unit_weight_g: float = Field(gt=0, le=50_000, description="weight of one unit")
    unit_tolerance_g: float | None = Field(
        default=None, gt=0, le=5_000, description="unit-to-unit spread (about 2 sigma)"
    )
    low_stock: int = Field(default=2, ge=0, le=10_000, description="warn at or below this")
    stock: int | None = Field(
        default=None, ge=0, le=10_000, description="units at start; default: weight / unit"
    )

    @property
    def tolerance_g(self) -> float:
        return self.unit_tolerance_g or max(2.0, 0.02 * self.unit_weight_g)


class ShelfPlan(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=16, description="shelf name used in events")
    board: str = Field(pattern=r"^[A-Za-z0-9_-]{1,8}$", description="board id in its frames")
    crosstalk: float = Field(
        default=0.0,
        ge=0,
        le=0.2,
        description="share of a neighbouring plate's load each plate sees",
    )
    plates: tuple[PlatePlan, ...] = Field(min_length=1, max_length=16, description="left to right")

    @model_validator(mode="after")
    def _distinct(self) -> ShelfPlan:
        channels = [p.channel for p in self.plates]
        if len(set(channels)) != len(channels):
            raise ValueError(f"shelf {self.id} uses a channel twice")
        if channels != sorted(channels):
            raise ValueError(f"shelf {self.id}: list plates left to right by channel")
        return self

    def start_load_g(self, default_stock: int = 10) -> tuple[float, ...]:
        """What each channel carries when a simulated shelf starts: its planned stock (or
        `default_stock` units), channels up to the highest one used, empty ones at 0."""
        start = [0.0] * (max(p.channel for p in self.plates) + 1)
        for p in self.plates:
            start[p.channel] = p.unit_weight_g * (p.stock if p.stock is not None else default_stock)
        return tuple(start)

    def simulator_settings(
        self, *, seed: int, unit: Unit, noise: NoiseSettings | None = None, sps: int = 80
    ) -> SimulatorSettings:
        """A simulated board for this shelf: a channel per plate up to the highest, stocked as
        planned, 30 kg per plate, with the shelf's crosstalk on top of `noise`."""
        start = self.start_load_g()
        noise = (noise or NoiseSettings()).model_copy(update={"crosstalk": self.crosstalk})
        return SimulatorSettings.model_validate(
            {
                "board": self.board,
                "channels": len(start),
                "sps": sps,
                "unit": unit,
                "capacity_g": 30000,
                "start_load_g": start,
                "seed": seed,
                "noise": noise,
            }
        )

    def plate(self, channel: int) -> PlatePlan | None:
        return next((p for p in self.plates if p.channel == channel), None)

    def neighbours(self, channel: int) -> tuple[int, ...]:
        """Channels physically next to this one (adjacent in the list)."""
        index = [p.channel for p in self.plates].index(channel)
        return tuple(
            self.plates[i].channel for i in (index - 1, index + 1) if 0 <= i < len(self.plates)
        )


class Planogram(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    shelves: tuple[ShelfPlan, ...] = Field(default=(), description="every smart shelf")

    @model_validator(mode="after")
    def _unique(self) -> Planogram:
        ids = [s.id for s in self.shelves]
        if len(set(ids)) != len(ids):
            raise ValueError("shelf ids must be unique")
        return self

    def shelf(self, shelf_id: str) -> ShelfPlan:
        for shelf in self.shelves:
            if shelf.id == shelf_id:
                return shelf
        raise PlanogramError(
            f"no shelf {shelf_id!r}; known: {', '.join(s.id for s in self.shelves)}"
        )


def load_planogram(path: Path) -> Planogram:
    try:
        data = tomllib.loads(Path(path).read_text("utf-8"))
    except OSError as e:
        raise PlanogramError(f"cannot read planogram {path}: {e}") from None
    except tomllib.TOMLDecodeError as e:
        raise PlanogramError(f"{path} is not valid TOML: {e}") from None
    try:
        return Planogram.model_validate(data)
    except ValidationError as e:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'file'}: {err['msg']}" for err in e.errors()
        )
        raise PlanogramError(f"{path}: {problems}") from None
