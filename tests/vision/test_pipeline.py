"""The scanning pipeline: several codes per frame, validation, evidence, bad input."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from kiosk.adapters.scanning import ScanningConfig, build_accept
from kiosk.checkout.gs1 import Symbology
from vision.barcodes.base import Accept, Barcode, ImageError
from vision.barcodes.config import PipelineConfig
from vision.barcodes.evidence import Evidence, FrameWindow
from vision.barcodes.images import as_gray, read_image
from vision.barcodes.pipeline import ScanPipeline
from vision.sources.rendering import render_code


def _centre(box: tuple[tuple[float, float], ...]) -> tuple[float, float]:
    return (sum(p[0] for p in box) / len(box), sum(p[1] for p in box) / len(box))


def test_several_codes_in_one_frame_are_all_reported_with_their_boxes(
    draw: type, accept: Accept
) -> None:
    page = np.full((700, 1100), 190, dtype=np.uint8)
    spots = {}
    for i, (text, symbology) in enumerate(draw.all_rendered):
        label = render_code(text, symbology, 2)
        x, y = 40 + (i % 3) * 350, 60 + (i // 3) * 330
        draw.place(page, label, x, y)
        spots[text] = (x, y, x + label.shape[1], y + label.shape[0])
    result = ScanPipeline(PipelineConfig(), accept).scan(page)
    found = {d.barcode.text: d.barcode.box for d in result.detections}
    assert set(found) == set(spots)
    for text, (x0, y0, x1, y1) in spots.items():
        for px, py in found[text]:  # every corner on its own label, none on a neighbour's
            assert x0 - 3 <= px <= x1 + 3, text
            assert y0 - 3 <= py <= y1 + 3, text


def test_boxes_from_a_turned_pass_map_back_to_the_image(draw: type, accept: Accept) -> None:
    page = np.full((900, 900), 200, dtype=np.uint8)
    label = draw.rotated(render_code("01234565", "upce", 2), 47)
    draw.place(page, label, 500, 120)
    config = PipelineConfig(passes=("zxing", "zxing_rot45"), budget_ms=5000)
    (detection,) = ScanPipeline(config, accept).scan(page).detections
    assert "zxing_rot45" in detection.passes
    centre = (500 + label.shape[1] / 2, 120 + label.shape[0] / 2)
    assert _centre(detection.barcode.box) == pytest.approx(centre, abs=15)


def test_codes_outside_the_allow_list_are_dropped(draw: type) -> None:
    only_ean13 = build_accept(ScanningConfig(symbologies=(Symbology.EAN13,)))
    pipeline = ScanPipeline(PipelineConfig(budget_ms=5000), only_ean13)
    assert pipeline.scan(draw.scene("96385074", "ean8")).detections == ()
    assert pipeline.scan(draw.scene("COUPON:X", "qr")).detections == ()
    result = pipeline.scan(draw.scene("96385074", "ean8"))
    assert result.rejected >= 1  # read, then refused by the injected check
    (hit,) = pipeline.scan(draw.scene("5901234123457", "ean13")).detections
    assert hit.key == "05901234123457"


def test_the_injected_check_decides_what_is_reported(draw: type) -> None:
    seen: list[tuple[str, str]] = []

    def refuse_all(text: str, symbology: str) -> str | None:
        seen.append((text, symbology))
        return None

    result = ScanPipeline(PipelineConfig(), refuse_all).scan(draw.scene("5901234123457", "ean13"))
    assert result.detections == ()
    assert ("5901234123457", "ean13") in seen


def test_invalid_check_digits_never_come_out(draw: type, accept: Accept) -> None:
    pipeline = ScanPipeline(PipelineConfig(budget_ms=5000), accept)
    for text, symbology in (
        ("5901234123458", "ean13"),
        ("96385075", "ean8"),
        ("036000291453", "upca"),
        ("01234566", "upce"),
    ):
        assert pipeline.scan(draw.scene(text, symbology)).detections == (), text
    # the check itself, for decoders that pass a bad check digit through
    assert accept("5901234123458", "ean13") is None
    assert accept("01234566", "upce") is None


def test_a_weak_read_needs_a_second_opinion() -> None:
    sliver = ((0.0, 0.0), (100.0, 0.0), (100.0, 4.0), (0.0, 4.0))
    weak = Barcode("5901234123457", "ean13", sliver, "zxing_cpp", support=0.08)
    evidence = Evidence(strong_support=0.2, margin=0.5)
    evidence.add("zxing", "K", weak)
    assert evidence.accepted() == []
    assert [d.key for d in evidence.undecided()] == ["K"]
    evidence.add("zxing_clahe", "K", weak)
    evidence.add("pyzbar", "K", weak)
    assert [d.key for d in evidence.accepted()] == ["K"]  # 3 x 0.4 >= 1


def test_a_different_reading_of_the_same_spot_blocks_a_weak_one() -> None:
    box = ((0.0, 0.0), (100.0, 0.0), (100.0, 60.0), (0.0, 60.0))
    sliver = ((0.0, 20.0), (100.0, 20.0), (100.0, 23.0), (0.0, 23.0))
    evidence = Evidence(strong_support=0.2, margin=0.5)
    evidence.add("zxing", "GOOD", Barcode("1", "ean13", box, "zxing_cpp", support=0.6))
    evidence.add("zxing", "BAD", Barcode("2", "ean13", sliver, "zxing_cpp", support=0.03))
    assert [d.key for d in evidence.accepted()] == ["GOOD"]
    evidence.add("zxing_up2", "GOOD2", Barcode("3", "ean13", box, "zxing_cpp", support=0.25))
    assert evidence.accepted() == []  # two confident, different readings: believe neither


def test_nested_qr_codes_are_not_rivals() -> None:
    outer = ((0.0, 0.0), (100.0, 0.0), (100.0, 100.0), (0.0, 100.0))
    inner = ((40.0, 40.0), (60.0, 40.0), (60.0, 60.0), (40.0, 60.0))
    evidence = Evidence(strong_support=0.2, margin=0.5)
    evidence.add("zxing", "A", Barcode("A", "qr", outer, "zxing_cpp"))
    evidence.add("zxing", "B", Barcode("B", "qr", inner, "zxing_cpp"))
    assert sorted(d.key for d in evidence.accepted()) == ["A", "B"]


def test_weak_reads_add_up_over_frames_in_a_window() -> None:
    box = ((0.0, 0.0), (100.0, 0.0), (100.0, 5.0), (0.0, 5.0))
    weak = Evidence(0.2, 0.5)
    weak.add("zxing", "K", Barcode("1", "ean13", box, "zxing_cpp", support=0.09))
    window = FrameWindow(frames=3, margin=0.5)
    assert window.add(1, weak.undecided()) == []
    assert window.add(5, weak.undecided()) == []  # frame 1 has left the window
    assert window.add(6, weak.undecided()) == []  # 2 x 0.45
    assert [d.key for d in window.add(7, weak.undecided())] == ["K"]  # 3 x 0.45


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    arrays(
        np.uint8,
        st.tuples(st.integers(8, 120), st.integers(8, 160)),
        elements=st.integers(0, 255),
    )
)
def test_random_images_never_crash_and_read_nothing(image: np.ndarray) -> None:
    result = _noise_pipeline.scan(image)
    assert result.errors == 0
    assert result.detections == ()


_noise_pipeline = ScanPipeline(PipelineConfig(budget_ms=5000), build_accept(ScanningConfig()))


@pytest.mark.parametrize(
    ("image", "message"),
    [
        ("not an image", "numpy image"),
        (np.zeros((0, 10), np.uint8), "empty"),
        (np.zeros((20, 20), np.float32), "8-bit"),
        (np.zeros((20, 20, 2), np.uint8), "1, 3 or 4 channels"),
        (np.zeros((4, 400), np.uint8), "sides must be"),
        (np.zeros((2, 2, 2, 2), np.uint8), "dimensions"),
    ],
)
def test_unusable_input_gets_a_clear_error(image: object, message: str, accept: Accept) -> None:
    with pytest.raises(ImageError, match=message):
        ScanPipeline(PipelineConfig(), accept).scan(image)


def test_colour_frames_are_read_like_grey_ones(draw: type, accept: Accept) -> None:
    grey = draw.scene("5901234123457", "ean13")
    bgra = cv2.cvtColor(grey, cv2.COLOR_GRAY2BGRA)
    assert as_gray(bgra).shape == grey.shape
    (d,) = ScanPipeline(PipelineConfig(), accept).scan(bgra).detections
    assert d.barcode.text == "5901234123457"


def test_truncated_and_corrupt_files_give_image_errors(
    tmp_path: Path, draw: type, accept: Accept
) -> None:
    ok, png = cv2.imencode(".png", draw.scene("5901234123457", "ean13"))
    assert ok
    data = png.tobytes()
    pipeline = ScanPipeline(PipelineConfig(), accept)
    errors = []
    for cut in (0, 20, len(data) // 3, len(data) - 30):
        path = tmp_path / f"cut{cut}.png"
        path.write_bytes(data[:cut])
        try:
            image = read_image(path)
        except ImageError as e:
            errors.append((path, str(e)))
            continue
        pipeline.scan(image)  # a decodable prefix is a (partial) image: it must not crash
    assert errors, "cutting a PNG short must make at least one unreadable file"
    assert all(str(path) in message for path, message in errors)
    rng = np.random.default_rng(3)
    junk = tmp_path / "junk.jpg"
    junk.write_bytes(rng.integers(0, 256, 5000, dtype=np.uint8).tobytes())
    with pytest.raises(ImageError, match="not an image"):
        read_image(junk)
    with pytest.raises(ImageError, match="cannot read"):
        read_image(tmp_path / "missing.png")


def test_config_names_unknown_passes_and_symbologies() -> None:
    with pytest.raises(ValueError, match="unknown passes"):
        PipelineConfig(passes=("zxing", "magic"))
    with pytest.raises(ValueError, match="unknown symbologies"):
        PipelineConfig(symbologies=("ean13", "ean99"))
