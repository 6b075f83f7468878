"""Restoring blurred bars in a level crop: averaged along the bars, deconvolved across them."""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np
from numpy.typing import NDArray

from vision.barcodes.base import GrayImage

_NOISE = 0.01  # Wiener noise-to-signal ratio: higher keeps noise down, lower restores more


def restore_bars(crop: GrayImage, along: int, sigma: float) -> GrayImage:
    """`crop` (bars upright) averaged over `along` rows and, with `sigma` > 0, deconvolved
    across the bars by a Wiener filter for a Gaussian blur of `sigma` pixels.

    Averaging along the bars leaves them alone and divides the noise, which is what lets the
    deconvolution bring back one-module bars that the blur had smeared to grey.
    """
    across = _wiener(round(sigma, 2)) if sigma > 0 else np.ones(1, np.float32)
    down = np.full(max(1, along), 1.0 / max(1, along), np.float32)
    out = cv2.sepFilter2D(
        crop.astype(np.float32), -1, across, down, borderType=cv2.BORDER_REPLICATE
    )
    return np.ascontiguousarray(np.clip(out, 0, 255), np.uint8)


@lru_cache(maxsize=32)
def _wiener(sigma: float) -> NDArray[np.float32]:
    """The Wiener deconvolution filter for a Gaussian blur, as a short kernel."""
    n = 1 << max(6, int(np.ceil(np.log2(32 * sigma))))
    freq = np.fft.rfftfreq(n)
    blur = np.exp(-2 * (np.pi * freq * sigma) ** 2)
    kernel = np.fft.fftshift(np.fft.irfft(blur / (blur**2 + _NOISE), n))
    radius = int(np.ceil(6 * sigma)) + 2  # the ringing beyond this is below 1%
    kernel = kernel[n // 2 - radius : n // 2 + radius + 1]
    return np.asarray(kernel / kernel.sum(), np.float32)
