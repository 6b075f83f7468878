"""Configuration of the scanning pipeline and of debouncing."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from vision.barcodes.base import SYMBOLOGIES, UNKNOWN
from vision.barcodes.passes import PASSES

# What benchmarks/tools/pass_selection.py picks (photos gained per CPU ms, no pass that reads
# anything on a photo without a code) on the shared ZXing photos and the generated catalog
# folder together; chosen on halves, the same method is measured on the other halves in
# benchmarks/barcodes.py (see docs/scanning.md).
DEFAULT_PASSES = (
    "zxing",
    "zxing_bars",
    "zxing_half",
    "zxing_bars_avg_deblur1.15",
    "zxing_bars_avg_deblur1",
    "zxing_clahe",
    "pyzbar_half",
    "zxing_up1.5_clahe_sharp4",
    "zxing_up2",
    "zxing_bars_avg_deblur1.3",
    "zxing_bars_avg_deblur0.8",
    "zxing_up1.5_clahe_sharp",
)
# A live camera sees each code in many frames: the fast pass on every frame, and one fallback
# per frame in turn (see `fallbacks_per_image`), with evidence adding up over frames.
LIVE_PASSES = ("zxing", "zxing_clahe_hist", "zxing_clahe")


class PipelineConfig(BaseModel):
    """How hard the pipeline tries on one image. Passes run in order until a code is settled
    or the time budget is spent; the first pass always runs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    symbologies: tuple[str, ...] = Field(
        default=("ean13", "ean8", "upca", "upce", "code128", "qr"),
        description="symbologies the decoders look for (fewer is faster)",
        min_length=1,
    )
    passes: tuple[str, ...] = Field(
        default=DEFAULT_PASSES,
        description=f"decoding passes in order, from: {', '.join(PASSES)}",
        min_length=1,
    )
    budget_ms: float = Field(
        default=40.0,
        ge=0,
        le=5000,
        description="no new pass starts once this much time has gone on one image",
    )
    budget_clock: Literal["cpu", "wall"] = Field(
        default="cpu",
        description=(
            "what budget_ms measures: 'cpu' (this thread's CPU time, so a busy machine does "
            "not cut still images short) or 'wall' (elapsed time, for a live camera that must "
            "keep up with its frames)"
        ),
    )
    fallbacks_per_image: int = Field(
        default=0,
        ge=0,
        le=50,
        description=(
            "0: try every fallback pass that fits the budget; N: at most N per image, starting "
            "where the previous image stopped (a live camera spreads them over frames)"
        ),
    )
    settled_fallback_every: int = Field(
        default=4,
        ge=1,
        le=100,
        description=(
            "live frames whose first pass read everything run their fallback only every Nth "
            "frame (a second code that needs one is still found within N frames)"
        ),
    )
    max_pixels: int = Field(
        default=2_000_000,
        ge=10_000,
        le=50_000_000,
        description="upscaling passes stop growing the image beyond this many pixels",
    )
    strong_support: float = Field(
        default=0.2,
        gt=0,
        le=1,
        description=(
            "support at which one read of an EAN/UPC is believed on its own; weaker reads "
            "must add up over several passes or frames"
        ),
    )
    margin: float = Field(
        default=0.5,
        ge=0,
        le=5,
        description="how much more evidence a code needs than a different reading of the spot",
    )
    verify: bool = Field(
        default=True,
        description=(
            "read the region of an EAN/UPC code that one decoder found with the other decoder "
            "(cheap: the region only); a different number there blocks the code"
        ),
    )
    cross_margin: float = Field(
        default=1.0,
        ge=0,
        le=5,
        description="extra evidence needed over a different reading by the other decoder",
    )
    cross_veto: float = Field(
        default=0.25,
        ge=0,
        le=5,
        description="evidence below which the other decoder's different reading is ignored",
    )

    @field_validator("symbologies")
    @classmethod
    def _known_symbologies(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [s for s in v if s not in SYMBOLOGIES or s == UNKNOWN]
        if unknown:
            raise ValueError(f"unknown symbologies {unknown}; use {', '.join(SYMBOLOGIES[:-1])}")
        return v

    @field_validator("passes")
    @classmethod
    def _known_passes(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [p for p in v if p not in PASSES]
        if unknown:
            raise ValueError(f"unknown passes {unknown}; choose from {', '.join(PASSES)}")
        return v


class DebounceConfig(BaseModel):
    """When a code seen again counts as a new item."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    absent_s: float = Field(
        default=0.6,
        ge=0,
        le=30,
        description="a code must be out of view this long before it counts again",
    )
    absent_frames: int = Field(
        default=6,
        ge=1,
        le=1000,
        description="and missing from at least this many consecutive frames",
    )


def live_config(**overrides: object) -> PipelineConfig:
    """The pipeline for a live camera: the fast pass plus one fallback per frame in turn."""
    settings: dict[str, object] = {
        "passes": LIVE_PASSES,
        "fallbacks_per_image": 1,
        "budget_ms": 25.0,
        "budget_clock": "wall",
    }
    return PipelineConfig.model_validate(settings | overrides)
