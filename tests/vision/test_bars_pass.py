"""The bars passes: the code found by its bars' edges, averaged along them, deblurred across."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from benchmarks.tools.pass_selection import measure
from vision.barcodes.base import IDENTITY, Accept
from vision.barcodes.config import PipelineConfig
from vision.barcodes.deblur import restore_bars
from vision.barcodes.passes import PASSES
from vision.barcodes.pipeline import ScanPipeline
from vision.barcodes.regions import bars_region
from vision.sources.rendering import render_code

BARS = tuple(name for name in PASSES if PASSES[name].prep.bars)
CENTRE = (320.0, 240.0)


def _blurred(text: str, symbology: str, module_px: float, sigma: float, degrees: float = 30.0):
    """A code drawn with `module_px` modules, turned, then blurred and noisy as a camera would."""
    label = render_code(text, symbology, 4).astype(np.float32)
    h, w = label.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, module_px / 4)
    m[0, 2] += CENTRE[0] - w / 2
    m[1, 2] += CENTRE[1] - h / 2
    inside = cv2.warpAffine(np.ones_like(label), m, (640, 480), flags=cv2.INTER_AREA)
    drawn = cv2.warpAffine(label, m, (640, 480), flags=cv2.INTER_AREA)
    page = 150 * (1 - inside) + drawn * inside
    page = cv2.GaussianBlur(page, (0, 0), sigma)
    page += np.random.default_rng(3).normal(0, 6.0, page.shape)
    return np.clip(page, 0, 255).astype(np.uint8)


@pytest.mark.parametrize(
    ("text", "symbology"),
    [("5901234123457", "ean13"), ("036000291452", "upca"), ("96385074", "ean8")],
)
def test_a_blurred_thin_code_only_the_deblurring_pass_reads(
    accept: Accept, text: str, symbology: str
) -> None:
    # 1.8 px modules under a 1.3 px blur: the one-module bars are smeared to grey
    page = _blurred(text, symbology, 1.8, 1.3)
    others = tuple(name for name in PASSES if name not in BARS)
    everything_else = PipelineConfig(passes=others, budget_ms=5000)
    assert not ScanPipeline(everything_else, accept).scan(page).detections
    plain_bars = PipelineConfig(passes=("zxing", "zxing_bars"))
    assert not ScanPipeline(plain_bars, accept).scan(page).detections  # levelling alone: no
    # every row of a restored crop agrees, right or wrong: one deblurred read counts half
    alone = ScanPipeline(PipelineConfig(passes=("zxing", "zxing_bars_avg_deblur1")), accept)
    result = alone.scan(page)
    assert not result.detections
    assert [d.barcode.text for d in result.undecided] == [text]
    assert result.undecided[0].evidence == pytest.approx(0.5)
    two = ("zxing", "zxing_bars_avg_deblur1", "zxing_bars_avg_deblur1.15")
    (detection,) = ScanPipeline(PipelineConfig(passes=two), accept).scan(page).detections
    assert detection.barcode.text == text
    assert set(detection.passes) == set(two[1:])
    box = detection.barcode.box
    found = (sum(p[0] for p in box) / len(box), sum(p[1] for p in box) / len(box))
    assert found == pytest.approx(CENTRE, abs=20)  # mapped back to the page, not the crop


@pytest.mark.parametrize("seed", range(6))
def test_stripes_and_texture_are_not_read_as_a_code(accept: Accept, seed: int) -> None:
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:480, 0:640]
    angle = np.radians(rng.uniform(0, 180))
    u = xx * np.cos(angle) + yy * np.sin(angle)
    period = rng.uniform(3, 15)  # shelves, fences, corrugated card; the width drifts
    stripes = np.sin(2 * np.pi * u / period * (1 + 0.3 * np.sin(u / 50))) > 0
    page = 90 + 120 * stripes + rng.normal(0, 8, stripes.shape)
    page = cv2.GaussianBlur(np.clip(page, 0, 255).astype(np.uint8), (0, 0), rng.uniform(0.5, 1.8))
    result = ScanPipeline(PipelineConfig(passes=("zxing", *BARS), budget_ms=5000), accept).scan(
        page
    )
    assert result.passes == ("zxing", *BARS)  # every bars pass ran
    assert not result.detections
    assert not result.undecided
    assert not result.errors


def test_the_bars_region_stands_the_bars_upright_and_maps_back() -> None:
    page = _blurred("5901234123457", "ean13", 2.5, 0.5, degrees=-65.0)
    crop, (a, b, c, d, e, f) = bars_region(page)
    h, w = crop.shape
    middle = crop[h // 3 : 2 * h // 3, w // 4 : 3 * w // 4].astype(np.float64)
    # upright bars: every row of the middle crosses the same bars, every column stays on one
    across = float(np.abs(np.diff(middle, axis=1)).mean())
    along = float(np.abs(np.diff(middle, axis=0)).mean())
    assert across > 4 * along
    centre = (a * w / 2 + b * h / 2 + c, d * w / 2 + e * h / 2 + f)
    assert centre == pytest.approx(CENTRE, abs=20)


def test_a_page_without_edges_gives_no_region() -> None:
    blank = np.full((480, 640), 180, np.uint8)
    crop, back = bars_region(blank)
    assert back == IDENTITY
    assert crop.shape == (8, 8)
    assert int(crop.min()) == 255


def test_restoring_divides_the_noise_and_brings_back_thin_bars() -> None:
    # one-module bars and spaces 3 px wide, blurred by sigma 1.8 px, noisy
    profile = np.tile(np.repeat(np.array([40.0, 220.0]), 3), 40)
    sharp = np.tile(profile, (60, 1))
    blurred = cv2.GaussianBlur(sharp, (0, 0), sigmaX=1.8, sigmaY=0.01)
    noisy = np.clip(blurred + np.random.default_rng(1).normal(0, 8, sharp.shape), 0, 255)
    crop = noisy.astype(np.uint8)
    averaged = restore_bars(crop, 15, 0.0).astype(np.float64)
    assert averaged[:, 30:-30].std(axis=0).mean() < 0.5 * crop[:, 30:-30].std(axis=0).mean()
    restored = restore_bars(crop, 15, 1.8).astype(np.float64)

    def contrast(image: np.ndarray) -> float:
        row = image[30, 30:-30]
        return float(np.percentile(row, 90) - np.percentile(row, 10))

    assert contrast(restored) > 2 * contrast(averaged)
    assert contrast(restored) > 100  # most of the printed 180 comes back


def test_pass_selection_credits_a_deblurred_read_as_half_a_photo(accept: Accept) -> None:
    page = _blurred("5901234123457", "ean13", 1.8, 1.3)
    table = measure(
        [page], ["5901234123457"], accept, str.__eq__, ("zxing", "zxing_bars_avg_deblur1")
    )
    assert table["zxing"][0].credit == 0.0
    assert table["zxing_bars_avg_deblur1"][0].credit == pytest.approx(0.5)
