"""Cross-decoder verification: an EAN/UPC only one decoder read is checked by the other."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import vision.barcodes.decoders as decoders_module
import vision.barcodes.pipeline as pipeline_module
from vision.barcodes.base import Accept, Barcode, GrayImage
from vision.barcodes.config import PipelineConfig
from vision.barcodes.decoders import build_decoder
from vision.barcodes.pipeline import ScanPipeline

SHOWN = "5901234123457"
RIVAL = "4006381333931"  # another valid EAN-13, as a misread of the same bars would be


class _OtherDecoder:
    """The verifying decoder at the edge: records the crops it is given and reads, on its n-th
    call, the texts in `answers[n]` over the whole crop (nothing once the answers run out)."""

    name = "pyzbar"

    def __init__(self, *answers: tuple[str, ...]) -> None:
        self.answers = answers
        self.crops: list[tuple[int, int]] = []

    def decode(self, gray: GrayImage) -> list[Barcode]:
        self.crops.append(gray.shape)
        call = len(self.crops) - 1
        texts = self.answers[call] if call < len(self.answers) else ()
        h, w = gray.shape
        box = ((0.0, 0.0), (float(w), 0.0), (float(w), float(h)), (0.0, float(h)))
        return [Barcode(t, "ean13", box, self.name, 1.0) for t in texts]


def _pipeline(monkeypatch: pytest.MonkeyPatch, accept: Accept, other: _OtherDecoder) -> Any:
    def factory(name: str, symbologies: Any, **options: Any) -> Any:
        return other if name == "pyzbar" else build_decoder(name, symbologies, **options)

    monkeypatch.setattr(decoders_module, "build_decoder", factory)
    return ScanPipeline(PipelineConfig(passes=("zxing",), budget_ms=5000), accept)


def _busy_page(draw: type, degrees: float) -> np.ndarray:
    """The code on a large page of noise, where reading all its surroundings is costly."""
    rng = np.random.default_rng(3)
    page = rng.integers(60, 200, size=(700, 900), dtype=np.uint8)
    label = draw.rotated(draw.scene(SHOWN, "ean13", 2), degrees)
    draw.place(page, label, 250, 220)
    return page


def test_a_different_number_read_by_the_other_decoder_blocks_the_code(
    monkeypatch: pytest.MonkeyPatch, draw: type, accept: Accept
) -> None:
    other = _OtherDecoder((RIVAL,), (RIVAL,))  # in the band and in the surroundings
    result = _pipeline(monkeypatch, accept, other).scan(_busy_page(draw, 0))
    assert len(other.crops) == 2
    assert [d.key for d in result.detections] == []  # neither number is believed
    assert {d.barcode.text for d in result.undecided} == {SHOWN, RIVAL}


def test_the_whole_surroundings_are_read_when_the_band_reads_nothing(
    monkeypatch: pytest.MonkeyPatch, draw: type, accept: Accept
) -> None:
    other = _OtherDecoder((), (RIVAL,))  # nothing in the band; the rival around the code
    result = _pipeline(monkeypatch, accept, other).scan(_busy_page(draw, 0))
    assert len(other.crops) == 2
    band, surroundings = other.crops
    assert band[0] * band[1] < surroundings[0] * surroundings[1] / 2
    assert band[1] > band[0]  # along the bars' scan lines: wider than tall
    assert [d.key for d in result.detections] == []


def test_a_misread_from_the_bands_few_lines_gives_way_to_the_surroundings(
    monkeypatch: pytest.MonkeyPatch, draw: type, accept: Accept
) -> None:
    """Seen on a shared photo: ZBar misread the band, and read the code right around it."""
    other = _OtherDecoder((RIVAL,), (SHOWN,))
    result = _pipeline(monkeypatch, accept, other).scan(_busy_page(draw, 0))
    assert len(other.crops) == 2
    assert [d.barcode.text for d in result.detections] == [SHOWN]
    assert RIVAL not in {d.barcode.text for d in result.undecided}


def test_a_band_that_reads_the_same_number_confirms_it_without_the_surroundings(
    monkeypatch: pytest.MonkeyPatch, draw: type, accept: Accept
) -> None:
    real_zbar = build_decoder("pyzbar", PipelineConfig().symbologies)

    class _Recording(_OtherDecoder):
        def decode(self, gray: GrayImage) -> list[Barcode]:
            self.crops.append(gray.shape)
            return real_zbar.decode(gray)

    other = _Recording()
    page = _busy_page(draw, 12)
    result = _pipeline(monkeypatch, accept, other).scan(page)
    (detection,) = result.detections
    assert detection.barcode.text == SHOWN
    assert "verify_pyzbar" in detection.passes
    ((h, w),) = other.crops  # the band was enough ...
    surroundings, _ = pipeline_module._region(page, detection.barcode)
    assert h * w < surroundings.size / 2  # ... and costs well under half of the surroundings
