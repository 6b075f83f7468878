"""Decoding passes: one decoder on one preprocessed version of the image, named and registered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import cv2
import numpy as np

from vision.barcodes.base import IDENTITY, Affine, GrayImage
from vision.barcodes.deblur import restore_bars
from vision.barcodes.regions import bars_region, rectified_region


@dataclass(frozen=True)
class Preprocess:
    """How to prepare the image for a pass. Passes whose recipes share steps share that work."""

    scale: float = 1.0  # resize factor; capped so the result stays under max_pixels
    sharpen: float = 0.0  # unsharp-mask amount (0 = off)
    sigma: float = 2.0  # unsharp-mask blur radius in output pixels
    clahe: bool = False  # local contrast equalisation (glare, dim labels)
    rotate: float = 0.0  # degrees; both decoders lose linear codes near 45 degrees
    region: bool = False  # decode only the detected region, turned level (scale, rotate unused)
    bars: bool = False  # the same, but the region found by its bars' edges (regions.bars_region)
    along: int = 1  # bars only: rows averaged along the bars (output pixels)
    deblur: float = 0.0  # bars only: Gaussian blur undone across the bars (camera pixels)


@dataclass(frozen=True)
class Pass:
    name: str
    decoder: str  # "zxing_cpp" or "pyzbar"
    prep: Preprocess = Preprocess()
    binarizer: str = "local_average"  # zxing-cpp only
    # the most evidence one read of this pass counts for (1: a strong read settles a code)
    vouch: float = 1.0

    def capped(self, support: float, strong_support: float) -> float:
        """A read's support, capped at what this pass vouches for."""
        return support if self.vouch >= 1.0 else min(support, self.vouch * strong_support)


# Sharpening runs only on upscaled images: at the camera's own resolution, with modules one or
# two pixels wide, an unsharp mask invents edges and zxing-cpp then reads another valid number
# (seen on rendered UPC-A). Names say decoder, scale, then treatment.
PASSES: dict[str, Pass] = {
    p.name: p
    for p in (
        Pass("zxing", "zxing_cpp"),
        Pass("zxing_clahe", "zxing_cpp", Preprocess(clahe=True)),
        Pass("zxing_clahe_hist", "zxing_cpp", Preprocess(clahe=True), "global_histogram"),
        Pass("zxing_clahe_fixed", "zxing_cpp", Preprocess(clahe=True), "fixed_threshold"),
        Pass("zxing_up1.5", "zxing_cpp", Preprocess(scale=1.5)),
        Pass("zxing_up1.5_clahe", "zxing_cpp", Preprocess(scale=1.5, clahe=True)),
        Pass(
            "zxing_up1.5_clahe_sharp",
            "zxing_cpp",
            Preprocess(scale=1.5, clahe=True, sharpen=1.0, sigma=1.5),
        ),
        Pass(
            "zxing_up1.5_clahe_sharp4",
            "zxing_cpp",
            Preprocess(scale=1.5, clahe=True, sharpen=4.0, sigma=1.5),
        ),
        Pass("zxing_up2", "zxing_cpp", Preprocess(scale=2.0)),
        Pass("zxing_up2_hist", "zxing_cpp", Preprocess(scale=2.0), "global_histogram"),
        Pass("zxing_up2_sharp", "zxing_cpp", Preprocess(scale=2.0, sharpen=1.5, sigma=3.0)),
        Pass(
            "zxing_up2_clahe_sharp",
            "zxing_cpp",
            Preprocess(scale=2.0, clahe=True, sharpen=2.0, sigma=2.0),
        ),
        Pass("zxing_half", "zxing_cpp", Preprocess(scale=0.5)),
        Pass("zxing_rot45", "zxing_cpp", Preprocess(rotate=45.0)),
        Pass("pyzbar", "pyzbar"),
        Pass("pyzbar_half", "pyzbar", Preprocess(scale=0.5)),
        Pass("pyzbar_clahe", "pyzbar", Preprocess(clahe=True)),
        Pass("pyzbar_up1.5_clahe", "pyzbar", Preprocess(scale=1.5, clahe=True)),
        Pass("pyzbar_up2", "pyzbar", Preprocess(scale=2.0)),
        Pass("pyzbar_rot45", "pyzbar", Preprocess(rotate=45.0)),
        Pass("zxing_region", "zxing_cpp", Preprocess(region=True)),
        Pass("zxing_region_clahe", "zxing_cpp", Preprocess(region=True, clahe=True)),
        Pass("pyzbar_region_clahe", "pyzbar", Preprocess(region=True, clahe=True)),
        # the bars' passes find the code by its edges (OpenCV's detector misses half the blurred
        # ones); "avg" averages along the bars, "deblur" undoes a Gaussian blur of that many
        # camera pixels across them. Every row of a restored crop agrees, right or wrong, so a
        # deblurred read counts half: two restorations (or any other pass) must agree. Single
        # deblurred reads misread about 1 hard code in 200; deblur 1.6 misread a Code 128.
        Pass("zxing_bars", "zxing_cpp", Preprocess(bars=True)),
        Pass("zxing_bars_avg", "zxing_cpp", Preprocess(bars=True, along=17)),
        *(
            Pass(
                f"zxing_bars_avg_deblur{blur:g}",
                "zxing_cpp",
                Preprocess(bars=True, along=9, deblur=blur),
                vouch=0.5,
            )
            for blur in (0.8, 1.0, 1.15, 1.3)
        ),
    )
}


def prepare(
    gray: GrayImage,
    prep: Preprocess,
    max_pixels: int,
    done: dict[Preprocess, tuple[GrayImage, Affine]] | None = None,
) -> tuple[GrayImage, Affine]:
    """The preprocessed image and the affine map from its pixels back to `gray`'s.

    `done` holds this image's earlier results, each step's under the recipe of the steps so
    far: passes that share a resize, a region or CLAHE do that work once."""
    done = {} if done is None else done
    key = Preprocess(scale=prep.scale, rotate=prep.rotate, region=prep.region, bars=prep.bars)
    found = _step(done, key, lambda: _place(gray, prep, max_pixels))
    if prep.bars and not prep.region and (prep.along > 1 or prep.deblur > 0):
        key = replace(key, along=prep.along, deblur=prep.deblur)
        found = _step(done, key, lambda: _restore(*found, prep))
    if prep.clahe:
        key = replace(key, clahe=True)
        found = _step(done, key, lambda: (_clahe(found[0]), found[1]))
    if prep.sharpen > 0:
        key = replace(key, sharpen=prep.sharpen, sigma=prep.sigma)
        found = _step(done, key, lambda: (_sharpen(found[0], prep), found[1]))
    image, back = found
    return np.ascontiguousarray(image), back


def _step(
    done: dict[Preprocess, tuple[GrayImage, Affine]],
    key: Preprocess,
    make: Callable[[], tuple[GrayImage, Affine]],
) -> tuple[GrayImage, Affine]:
    if key not in done:
        done[key] = make()
    return done[key]


def _place(gray: GrayImage, prep: Preprocess, max_pixels: int) -> tuple[GrayImage, Affine]:
    """The region, the bars' region, or the whole image resized and turned."""
    if prep.region:
        return rectified_region(gray)
    if prep.bars:
        return bars_region(gray)
    image, factor = _resize(gray, prep.scale, max_pixels)
    back = (1 / factor, 0.0, 0.0, 0.0, 1 / factor, 0.0) if factor != 1.0 else IDENTITY
    if prep.rotate:
        image, back = _rotate(image, prep.rotate, back)
    return image, back


def _restore(image: GrayImage, back: Affine, prep: Preprocess) -> tuple[GrayImage, Affine]:
    if back == IDENTITY:
        return image, back  # no bars found: the whole image, left as it is
    enlarged = abs(back[0] * back[4] - back[1] * back[3]) ** -0.5
    return restore_bars(image, prep.along, prep.deblur * enlarged), back


def _clahe(image: GrayImage) -> GrayImage:
    # a CLAHE object keeps state; one per call keeps concurrent scanners apart
    clahe = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8))
    return np.asarray(clahe.apply(image), np.uint8)


def _sharpen(image: GrayImage, prep: Preprocess) -> GrayImage:
    blurred = cv2.GaussianBlur(image, (0, 0), prep.sigma)
    return np.asarray(
        cv2.addWeighted(image, 1.0 + prep.sharpen, blurred, -prep.sharpen, 0), np.uint8
    )


def _resize(gray: GrayImage, scale: float, max_pixels: int) -> tuple[GrayImage, float]:
    factor = min(scale, (max_pixels / gray.size) ** 0.5) if scale > 1.0 else scale
    if abs(factor - 1.0) < 1e-3:
        return gray, 1.0
    interpolation = cv2.INTER_CUBIC if factor > 1.0 else cv2.INTER_AREA
    size = (max(8, round(gray.shape[1] * factor)), max(8, round(gray.shape[0] * factor)))
    image = np.asarray(cv2.resize(gray, size, interpolation=interpolation), np.uint8)
    return image, size[0] / gray.shape[1]


def _rotate(image: GrayImage, degrees: float, back: Affine) -> tuple[GrayImage, Affine]:
    """Turn about the centre onto a canvas that holds all of it; compose the way back."""
    h, w = image.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos) + 1, int(h * cos + w * sin) + 1
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    turned = cv2.warpAffine(image, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=255)
    inverse = cv2.invertAffineTransform(m)
    a, b, c, d, e, f = back
    ia, ib, ic = inverse[0]
    id_, ie, if_ = inverse[1]
    composed: Affine = (
        float(a * ia + b * id_),
        float(a * ib + b * ie),
        float(a * ic + b * if_ + c),
        float(d * ia + e * id_),
        float(d * ib + e * ie),
        float(d * ic + e * if_ + f),
    )
    return np.asarray(turned, np.uint8), composed
