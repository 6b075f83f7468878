"""Decoding passes: one decoder on one preprocessed version of the image, named and registered."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from vision.barcodes.base import GrayImage


@dataclass(frozen=True)
class Preprocess:
    """How to prepare the image for a pass. Passes with equal recipes share the work."""

    scale: float = 1.0  # resize factor; capped so the result stays under max_pixels
    sharpen: float = 0.0  # unsharp-mask amount (0 = off)
    sigma: float = 2.0  # unsharp-mask blur radius in output pixels
    clahe: bool = False  # local contrast equalisation (glare, dim labels)


@dataclass(frozen=True)
class Pass:
    name: str
    decoder: str  # "zxing_cpp" or "pyzbar"
    prep: Preprocess = Preprocess()
    binarizer: str = "local_average"  # zxing-cpp only


PASSES: dict[str, Pass] = {
    p.name: p
    for p in (
        Pass("zxing", "zxing_cpp"),
        Pass("pyzbar", "pyzbar"),
        Pass("zxing_up2_sharp", "zxing_cpp", Preprocess(scale=2.0, sharpen=1.5, sigma=3.0)),
        Pass("zxing_clahe", "zxing_cpp", Preprocess(clahe=True)),
        Pass("zxing_up2_clahe", "zxing_cpp", Preprocess(scale=2.0, clahe=True)),
        Pass("zxing_up1.5", "zxing_cpp", Preprocess(scale=1.5)),
        Pass("zxing_up2", "zxing_cpp", Preprocess(scale=2.0)),
        Pass("zxing_fixed", "zxing_cpp", binarizer="fixed_threshold"),
        Pass("zxing_sharp", "zxing_cpp", Preprocess(sharpen=1.0, sigma=2.0)),
        Pass("zxing_half", "zxing_cpp", Preprocess(scale=0.5)),
        Pass("pyzbar_sharp", "pyzbar", Preprocess(sharpen=1.0, sigma=2.0)),
        Pass("pyzbar_clahe", "pyzbar", Preprocess(clahe=True)),
        Pass("pyzbar_up2", "pyzbar", Preprocess(scale=2.0)),
        Pass("pyzbar_half", "pyzbar", Preprocess(scale=0.5)),
    )
}


def prepare(gray: GrayImage, prep: Preprocess, max_pixels: int) -> tuple[GrayImage, float]:
    """The preprocessed image and the scale factor actually applied to it."""
    image = gray
    factor = prep.scale
    if factor > 1.0:
        factor = min(factor, (max_pixels / gray.size) ** 0.5)
    if factor < 1.0 or factor > 1.0 + 1e-3:
        interpolation = cv2.INTER_CUBIC if factor > 1.0 else cv2.INTER_AREA
        size = (max(8, round(gray.shape[1] * factor)), max(8, round(gray.shape[0] * factor)))
        image = np.asarray(cv2.resize(gray, size, interpolation=interpolation), np.uint8)
        factor = size[0] / gray.shape[1]
    else:
        factor = 1.0
    if prep.clahe:
        # a CLAHE object keeps state; one per call keeps concurrent scanners apart
        clahe = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8))
        image = np.asarray(clahe.apply(image), np.uint8)
    if prep.sharpen > 0:
        blurred = cv2.GaussianBlur(image, (0, 0), prep.sigma)
        image = np.asarray(
            cv2.addWeighted(image, 1.0 + prep.sharpen, blurred, -prep.sharpen, 0), np.uint8
        )
    return np.ascontiguousarray(image), factor
