"""The decoder contract: what a barcode read is and what every decoder implements."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

# The project's symbology names (equal to kiosk.checkout.gs1.Symbology values; vision may not
# import kiosk, and a test keeps the two in step).
EAN13 = "ean13"
EAN8 = "ean8"
UPCA = "upca"
UPCE = "upce"
CODE128 = "code128"
QR = "qr"
DATAMATRIX = "datamatrix"
DATABAR = "databar"
UNKNOWN = "unknown"
SYMBOLOGIES = (EAN13, EAN8, UPCA, UPCE, CODE128, QR, DATAMATRIX, DATABAR, UNKNOWN)
RETAIL = frozenset({EAN13, EAN8, UPCA, UPCE})
LINEAR = frozenset({EAN13, EAN8, UPCA, UPCE, CODE128, DATABAR})

Point = tuple[float, float]
Affine = tuple[float, float, float, float, float, float]  # x' = ax + by + c, y' = dx + ey + f
IDENTITY: Affine = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0)
GrayImage = NDArray[np.uint8]

Accept = Callable[[str, str], "str | None"]
"""Injected validation: `accept(text, symbology)` gives the normalised key, or None to reject."""


@dataclass(frozen=True)
class Barcode:
    """One code as one decoder read it.

    `box` is the polygon around the code in the coordinates of the image given to the caller.
    `support` (0..1) is how much of the symbol agreed with the read: for linear codes the share
    of the bar height that decoded to this text, 1.0 for codes with error correction.
    """

    text: str
    symbology: str
    box: tuple[Point, ...]
    decoder: str
    support: float = 1.0

    def mapped(self, affine: Affine) -> Barcode:
        """The same read with its box mapped back from a resized, turned or cropped image."""
        a, b, c, d, e, f = affine
        box = tuple((a * x + b * y + c, d * x + e * y + f) for x, y in self.box)
        return Barcode(self.text, self.symbology, box, self.decoder, self.support)


class DecoderUnavailable(RuntimeError):
    """A decoder's library is missing; the message says how to install it."""


class ImageError(ValueError):
    """An image a decoder cannot work on; the message names the problem."""


class Decoder(Protocol):
    """A barcode library behind one call. Implementations never raise on odd pixels."""

    name: str

    def decode(self, gray: GrayImage) -> list[Barcode]:
        """Every code found in a 2-D uint8 grayscale image."""
        ...


def elongation(box: tuple[Point, ...]) -> float:
    """Short side over long side of a quadrilateral (0 for a line, 1 for a square)."""
    if len(box) < 4:
        return 0.0
    pts = np.asarray(box[:4], dtype=np.float64)
    side_a = float(np.hypot(*(pts[1] - pts[0])) + np.hypot(*(pts[2] - pts[3]))) / 2
    side_b = float(np.hypot(*(pts[3] - pts[0])) + np.hypot(*(pts[2] - pts[1]))) / 2
    longest = max(side_a, side_b)
    return min(side_a, side_b) / longest if longest > 0 else 0.0
