"""The region passes: OpenCV's barcode detector finds the code, the crop is turned level."""

from __future__ import annotations

import numpy as np
import pytest

from vision.barcodes.base import Accept
from vision.barcodes.config import PipelineConfig
from vision.barcodes.pipeline import ScanPipeline
from vision.barcodes.regions import rectified_region
from vision.sources.rendering import render_code


def _page(draw: type, text: str, symbology: str, degrees: float) -> tuple[np.ndarray, tuple]:
    page = np.full((700, 900), 200, dtype=np.uint8)
    label = draw.rotated(render_code(text, symbology, 2), degrees)
    draw.place(page, label, 300, 100)
    return page, (300 + label.shape[1] / 2, 100 + label.shape[0] / 2)


@pytest.mark.parametrize(
    ("text", "symbology"), [("5901234123457", "ean13"), ("036000291452", "upca")]
)
def test_a_code_at_45_degrees_is_read_from_its_level_region(
    draw: type, accept: Accept, text: str, symbology: str
) -> None:
    page, centre = _page(draw, text, symbology, 45)
    plain = ScanPipeline(PipelineConfig(passes=("zxing",)), accept).scan(page)
    assert not plain.detections  # the first pass alone cannot read it
    config = PipelineConfig(passes=("zxing", "zxing_region"), budget_ms=5000)
    (detection,) = ScanPipeline(config, accept).scan(page).detections
    assert detection.barcode.text == text
    assert "zxing_region" in detection.passes
    box = detection.barcode.box
    found = (sum(p[0] for p in box) / len(box), sum(p[1] for p in box) / len(box))
    assert found == pytest.approx(centre, abs=15)  # mapped back to the page, not the crop


def test_the_crop_is_level_and_maps_back_onto_the_code(draw: type) -> None:
    page, centre = _page(draw, "5901234123457", "ean13", 30)
    crop, (a, b, c, d, e, f) = rectified_region(page)
    h, w = crop.shape
    assert w > h  # the long side of the bars' region lies level
    middle = (a * w / 2 + b * h / 2 + c, d * w / 2 + e * h / 2 + f)
    assert middle == pytest.approx(centre, abs=15)


def test_no_region_reads_nothing_without_an_error(accept: Accept) -> None:
    blank = np.full((480, 640), 180, dtype=np.uint8)
    config = PipelineConfig(passes=("zxing", "zxing_region_clahe", "pyzbar_region_clahe"))
    result = ScanPipeline(config, accept).scan(blank)
    assert result.passes == ("zxing", "zxing_region_clahe", "pyzbar_region_clahe")
    assert not result.detections
    assert not result.errors
