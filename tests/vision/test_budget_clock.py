"""The per-image budget: CPU time for stills, elapsed time for the live camera."""

from __future__ import annotations

import time

import numpy as np
import pytest
from pydantic import ValidationError

from kiosk.adapters.scanning import ScanningConfig
from vision.barcodes.base import Accept, Barcode, GrayImage
from vision.barcodes.config import PipelineConfig, live_config
from vision.barcodes.decoders import DECODERS
from vision.barcodes.pipeline import ScanPipeline

PASSES = ("zxing", "zxing_clahe", "zxing_up1.5")


class Sleepy:
    """Waits without using the CPU, like a decoder on a machine busy with other work."""

    name = "zxing_cpp"

    def __init__(self, symbologies: tuple[str, ...], **options: object) -> None:
        pass

    def decode(self, gray: GrayImage) -> list[Barcode]:
        time.sleep(0.03)
        return []


class Busy(Sleepy):
    """Spends CPU time of its own thread."""

    def decode(self, gray: GrayImage) -> list[Barcode]:
        until = time.thread_time() + 0.02
        while time.thread_time() < until:
            pass
        return []


def _ran(monkeypatch: pytest.MonkeyPatch, accept: Accept, decoder: type, clock: str) -> tuple:
    monkeypatch.setitem(DECODERS, "zxing_cpp", decoder)
    config = PipelineConfig(passes=PASSES, budget_ms=5, budget_clock=clock, verify=False)
    return ScanPipeline(config, accept).scan(np.full((64, 64), 200, np.uint8)).passes


def test_a_cpu_budget_is_not_spent_by_waiting(
    monkeypatch: pytest.MonkeyPatch, accept: Accept
) -> None:
    assert _ran(monkeypatch, accept, Sleepy, "cpu") == PASSES


def test_a_wall_budget_is_spent_by_waiting(monkeypatch: pytest.MonkeyPatch, accept: Accept) -> None:
    assert _ran(monkeypatch, accept, Sleepy, "wall") == PASSES[:1]


def test_a_cpu_budget_is_spent_by_decoding(monkeypatch: pytest.MonkeyPatch, accept: Accept) -> None:
    assert _ran(monkeypatch, accept, Busy, "cpu") == PASSES[:1]


def test_stills_use_cpu_time_and_the_live_camera_elapsed_time() -> None:
    assert PipelineConfig().budget_clock == "cpu"
    assert live_config().budget_clock == "wall"
    assert ScanningConfig().pipeline.budget_clock == "wall"
    overridden = ScanningConfig.model_validate({"pipeline": {"budget_clock": "cpu"}})
    assert overridden.pipeline.budget_clock == "cpu"


def test_an_unknown_clock_is_refused_by_name() -> None:
    with pytest.raises(ValidationError, match="budget_clock"):
        PipelineConfig(budget_clock="sundial")  # type: ignore[arg-type]
