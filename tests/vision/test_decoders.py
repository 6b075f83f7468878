"""Both decoders and the pipeline read rendered codes of every symbology, turned and sized."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.checkout.gs1 import Symbology
from vision.barcodes import base
from vision.barcodes.config import PipelineConfig
from vision.barcodes.decoders import DECODERS, build_decoder
from vision.barcodes.pipeline import ScanPipeline
from vision.sources.rendering import linear_modules, render_code

SYMBOLOGIES = ("ean13", "ean8", "upca", "upce", "code128", "qr")
ROTATIONS = (0, 17, 90, 180, 233)
SIZES = (2, 4)


def test_symbology_names_match_the_checkout_core() -> None:
    assert set(base.SYMBOLOGIES) == {s.value for s in Symbology}
    assert {"ean13", "ean8", "upca", "upce"} == base.RETAIL


@pytest.mark.parametrize("decoder", sorted(DECODERS))
@pytest.mark.parametrize(
    ("text", "symbology"),
    [
        ("5901234123457", "ean13"),
        ("96385074", "ean8"),
        ("036000291452", "upca"),
        ("01234565", "upce"),
        ("ABC-12345/xyz", "code128"),
        ("COUPON:SPRING-10", "qr"),
    ],
)
@pytest.mark.parametrize("module_px", SIZES)
def test_each_decoder_reads_every_symbology_upright(
    decoder: str, text: str, symbology: str, module_px: int, draw: type
) -> None:
    reader = build_decoder(decoder, SYMBOLOGIES)
    found = reader.decode(draw.scene(text, symbology, module_px))
    assert [(b.text, b.symbology, b.decoder) for b in found] == [(text, symbology, decoder)]


@pytest.mark.parametrize("degrees", ROTATIONS)
@pytest.mark.parametrize("module_px", SIZES)
def test_pipeline_reads_every_symbology_at_rotations_and_sizes(
    degrees: int, module_px: int, draw: type, accept: base.Accept
) -> None:
    pipeline = ScanPipeline(PipelineConfig(budget_ms=5000), accept)
    for text, symbology in draw.all_rendered:
        result = pipeline.scan(draw.scene(text, symbology, module_px, degrees))
        got = [(d.barcode.text, d.barcode.symbology) for d in result.detections]
        assert got == [(text, symbology)], f"{symbology} at {degrees} deg, {module_px} px/module"


def test_keys_are_normalised_gtins(draw: type, accept: base.Accept) -> None:
    pipeline = ScanPipeline(PipelineConfig(), accept)
    keys = {}
    for text, symbology in (("036000291452", "upca"), ("01234565", "upce"), ("96385074", "ean8")):
        (detection,) = pipeline.scan(draw.scene(text, symbology)).detections
        keys[symbology] = detection.key
    assert keys == {
        "upca": "00036000291452",
        "upce": "00012345000065",  # UPC-E 01234565 expands to UPC-A 012345000065
        "ean8": "00000096385074",
    }


def test_upc_a_printed_as_ean13_is_reported_as_upc_a(draw: type) -> None:
    # the bars of EAN-13 0036000291452 and UPC-A 036000291452 are the same
    for decoder in DECODERS:
        found = build_decoder(decoder, SYMBOLOGIES).decode(draw.scene("0036000291452", "ean13"))
        assert [(b.text, b.symbology) for b in found] == [("036000291452", "upca")]


def test_upc_e_and_its_upc_a_expansion_are_one_product(draw: type, accept: base.Accept) -> None:
    pipeline = ScanPipeline(PipelineConfig(), accept)
    short = pipeline.scan(draw.scene("01234565", "upce")).detections[0]
    long = pipeline.scan(draw.scene("012345000065", "upca")).detections[0]
    assert short.key == long.key == "00012345000065"
    assert (short.barcode.symbology, long.barcode.symbology) == ("upce", "upca")


def test_boxes_surround_the_code(draw: type, accept: base.Accept) -> None:
    page = np.full((400, 700), 210, dtype=np.uint8)
    label = render_code("5901234123457", "ean13", 2)
    draw.place(page, label, 300, 100)
    (detection,) = ScanPipeline(PipelineConfig(), accept).scan(page).detections
    xs = [p[0] for p in detection.barcode.box]
    ys = [p[1] for p in detection.barcode.box]
    h, w = label.shape
    assert min(xs) >= 300
    assert max(xs) <= 300 + w
    assert min(ys) >= 100
    assert max(ys) <= 100 + h


def test_renderer_refuses_wrong_lengths_and_draws_given_check_digit() -> None:
    with pytest.raises(ValueError, match="13 digits"):
        linear_modules("123", "ean13")
    good, bad = linear_modules("5901234123457", "ean13"), linear_modules("5901234123458", "ean13")
    assert good != bad
    assert len(good) == len(bad) == 95
    assert len(linear_modules("01234565", "upce")) == 51


def test_unknown_decoder_and_symbologies_are_named() -> None:
    with pytest.raises(ValueError, match="unknown decoder 'zbar'"):
        build_decoder("zbar", SYMBOLOGIES)
    with pytest.raises(ValueError, match="none of"):
        build_decoder("pyzbar", ("datamatrix",))
    assert render_code("x", "qr").dtype == np.uint8
