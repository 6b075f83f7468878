"""Where a barcode probably is: OpenCV's barcode detector, its region cut out and turned level."""

from __future__ import annotations

import cv2
import numpy as np

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
    back = cv2.invertAffineTransform(m)
    affine: Affine = (
        float(back[0, 0]),
        float(back[0, 1]),
        float(back[0, 2]),
        float(back[1, 0]),
        float(back[1, 1]),
        float(back[1, 2]),
    )
    return np.ascontiguousarray(crop, np.uint8), affine
