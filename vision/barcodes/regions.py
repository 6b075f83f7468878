"""Where a barcode probably is, cut out and turned level: by OpenCV's detector or by its bars."""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from vision.barcodes.base import IDENTITY, Affine, GrayImage

_MARGIN = 0.3  # share of the region added around it: the detector's box is tight on the bars
_WIDTH = 480  # crops narrower than this are enlarged (up to 3x), so thin bars get pixels
_NOTHING = np.full((8, 8), 255, np.uint8)  # what a region pass decodes when nothing was found


def rectified_region(gray: GrayImage) -> tuple[GrayImage, Affine]:
    """The largest detected region, level and enlarged, with the map back to `gray`.

    Both decoders lose linear codes turned near 45 degrees and thin bars; the detector finds
    the bars' texture at any angle. With no region, a blank image that reads as nothing.
    """
    # a detector per call: OpenCV objects are not safe to share between scanner threads
    ok, points = cv2.barcode.BarcodeDetector().detect(gray)
    if not ok or points is None or len(points) == 0:
        return _NOTHING, IDENTITY
    quads = np.asarray(points, np.float32).reshape(-1, 4, 2)
    quad = max(quads, key=lambda q: cv2.contourArea(q))
    (cx, cy), (w, h), angle = cv2.minAreaRect(quad)
    if w < h:  # turn the long side level; zxing-cpp also tries the crop a quarter turned
        w, h, angle = h, w, angle + 90
    w, h = w * (1 + _MARGIN) + 16, h * (1 + _MARGIN) + 16
    scale = max(1.0, min(3.0, _WIDTH / w))
    m = cv2.getRotationMatrix2D((cx, cy), angle, scale)
    m[0, 2] += w * scale / 2 - cx
    m[1, 2] += h * scale / 2 - cy
    size = (max(8, round(w * scale)), max(8, round(h * scale)))
    crop = cv2.warpAffine(gray, m, size, flags=cv2.INTER_CUBIC, borderValue=255)
    return np.ascontiguousarray(crop, np.uint8), _inverse(np.asarray(m, np.float64))


def _inverse(m: NDArray[np.float64]) -> Affine:
    """The map from the crop's pixels back to the image's."""
    back = cv2.invertAffineTransform(m)
    return (
        float(back[0, 0]),
        float(back[0, 1]),
        float(back[0, 2]),
        float(back[1, 0]),
        float(back[1, 1]),
        float(back[1, 2]),
    )


_STEP = 4  # the gradients' tensor is pooled over 4x4 pixels, then averaged over _WINDOW cells
_WINDOW = 9
_CLEAR = 6.0  # degrees: a residual tilt beyond this after levelling is not trusted


def bars_region(gray: GrayImage) -> tuple[GrayImage, Affine]:
    """The largest patch of parallel edges, turned so its bars stand upright, enlarged, with
    the map back to `gray`.

    OpenCV's detector misses about half of the blurred, thin-module codes; the bars' gradients
    still all point one way there. The orientation comes from the structure tensor, is checked
    once more on the level crop (perspective and the label's own edges skew the first guess),
    and the crop keeps a wide quiet zone left and right. With no such patch, a blank image.
    """
    found = _parallel_edges(gray)
    if found is None:
        return _NOTHING, IDENTITY
    theta, points = found
    crop, m = _level(gray, theta, points)
    tilt = _tilt(crop)
    if 0.3 < abs(tilt) < _CLEAR:
        crop, m = _level(gray, theta + tilt, points)
    return np.ascontiguousarray(crop, np.uint8), _inverse(m)


def _tensor(image: NDArray[np.float32]) -> tuple[NDArray[np.float32], ...]:
    gx = cv2.Sobel(image, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(image, cv2.CV_32F, 0, 1, ksize=3)
    return gx * gx, gx * gy, gy * gy


def _parallel_edges(gray: GrayImage) -> tuple[float, NDArray[np.float32]] | None:
    """(gradient angle in degrees, cell centres) of the largest coherent patch, if any."""
    h, w = gray.shape
    size = (w // _STEP, h // _STEP)
    if min(size) < _WINDOW:
        return None
    pooled = [
        cv2.blur(cv2.resize(j, size, interpolation=cv2.INTER_AREA), (_WINDOW, _WINDOW))
        for j in _tensor(gray.astype(np.float32))
    ]
    jxx, jxy, jyy = pooled
    # lambda1 - lambda2: isotropic noise and texture cancel, one-way edges remain
    oriented = np.sqrt((jxx - jyy) ** 2 + 4 * jxy**2)
    peak = float(oriented.max())
    if peak <= 0:
        return None
    mask = (oriented > 0.25 * peak) & (oriented > 0.5 * (jxx + jyy))
    mask = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask)
    if count < 2:
        return None
    largest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    if stats[largest, cv2.CC_STAT_AREA] < 12:
        return None
    inside = labels == largest
    a, b, c = (float(j[inside].sum()) for j in pooled)
    theta = 0.5 * float(np.degrees(np.arctan2(2 * b, a - c)))
    ys, xs = np.nonzero(inside)
    return theta, (np.stack([xs, ys], 1).astype(np.float32) + 0.5) * _STEP


def _level(
    gray: GrayImage, theta: float, points: NDArray[np.float32]
) -> tuple[GrayImage, NDArray[np.float64]]:
    """The patch cut out with bars upright (gradient along x), and the affine that did it."""
    t = np.radians(theta)
    across, along = np.array([np.cos(t), np.sin(t)]), np.array([-np.sin(t), np.cos(t)])
    u, v = points @ across, points @ along
    du, dv = float(u.max() - u.min()), float(v.max() - v.min())
    # EAN/UPC need a quiet zone of 7-11 modules on each side; the patch stops at the last bar
    u0, u1 = u.min() - 0.25 * du - 12, u.max() + 0.25 * du + 12
    v0, v1 = v.min() - 0.1 * dv - 4, v.max() + 0.1 * dv + 4
    scale = max(1.0, min(3.0, _WIDTH / (u1 - u0)))
    m = np.array([[*across, -u0], [*along, -v0]]) * scale
    size = (max(8, round((u1 - u0) * scale)), max(8, round((v1 - v0) * scale)))
    crop = cv2.warpAffine(gray, m, size, flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
    return np.asarray(crop, np.uint8), m


def _tilt(crop: GrayImage) -> float:
    """Degrees the bars still lean in a level crop, from its middle (bars, not label edges)."""
    h, w = crop.shape
    middle = crop[h // 4 : 3 * h // 4, w // 5 : 4 * w // 5].astype(np.float32)
    a, b, c = (float(j.sum()) for j in _tensor(middle))
    return 0.5 * float(np.degrees(np.arctan2(2 * b, a - c)))
