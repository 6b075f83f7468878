"""Checking and converting the images handed to the decoders (bad input gets a clear error)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from vision.barcodes.base import GrayImage, ImageError

MIN_SIDE = 8
MAX_SIDE = 16_384


def as_gray(image: object) -> GrayImage:
    """A contiguous 2-D uint8 view of `image` (gray, BGR or BGRA), or ImageError saying why not."""
    if not isinstance(image, np.ndarray):
        raise ImageError(f"expected a numpy image, got {type(image).__name__}")
    if image.size == 0:
        raise ImageError("the image is empty")
    if image.dtype != np.uint8:
        raise ImageError(f"expected 8-bit pixels, got {image.dtype}")
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[:, :, 0]
    if image.ndim == 3:
        channels = image.shape[2]
        if channels not in (3, 4):
            raise ImageError(f"expected 1, 3 or 4 channels, got {channels}")
        code = cv2.COLOR_BGR2GRAY if channels == 3 else cv2.COLOR_BGRA2GRAY
        image = cv2.cvtColor(image, code)
    if image.ndim != 2:
        raise ImageError(f"expected a 2-D or 3-D image, got {image.ndim} dimensions")
    height, width = image.shape
    if min(height, width) < MIN_SIDE or max(height, width) > MAX_SIDE:
        raise ImageError(
            f"image is {width}x{height}; sides must be {MIN_SIDE} to {MAX_SIDE} pixels"
        )
    return np.ascontiguousarray(image)


def read_image(path: Path) -> GrayImage:
    """Load an image file as grayscale; a missing, unreadable or corrupt file is an ImageError."""
    try:
        data = np.fromfile(path, dtype=np.uint8)
    except OSError as e:
        raise ImageError(f"cannot read {path}: {e.strerror or e}") from None
    if data.size == 0:
        raise ImageError(f"{path} is empty")
    image = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)
    if image is None:
        raise ImageError(f"{path} is not an image OpenCV can decode (corrupt or unsupported)")
    return as_gray(image)
