"""The ZBar decoder (through pyzbar)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import cv2
import numpy as np

from vision.barcodes import base
from vision.barcodes.base import Barcode, DecoderUnavailable, GrayImage

logger = logging.getLogger(__name__)

FULL_SUPPORT_LINES = 250

try:
    from pyzbar import pyzbar

    _IMPORT_ERROR = ""
except ImportError as e:  # pragma: no cover - depends on the environment
    _IMPORT_ERROR = str(e)


def _symbols() -> dict[str, tuple[Any, ...]]:
    z = pyzbar.ZBarSymbol
    return {
        base.EAN13: (z.EAN13,),
        base.EAN8: (z.EAN8,),
        base.UPCA: (z.UPCA,),
        base.UPCE: (z.UPCE,),
        base.CODE128: (z.CODE128,),
        base.QR: (z.QRCODE,),
        base.DATABAR: (z.DATABAR, z.DATABAR_EXP),
    }


class PyzbarDecoder:
    """ZBar restricted to the project's symbologies.

    ZBar guesses the character set of QR and Code 128 payloads and often guesses wrong for
    Shift-JIS and extended Latin, so its non-ASCII texts of those symbologies get support 0:
    they locate a code but do not vouch for its text.
    """

    name = "pyzbar"

    def __init__(
        self,
        symbologies: Iterable[str] = (base.EAN13, base.EAN8, base.UPCA, base.UPCE, base.CODE128),
    ) -> None:
        if _IMPORT_ERROR:
            raise DecoderUnavailable(
                f"pyzbar cannot load the ZBar library ({_IMPORT_ERROR}); install it with "
                "`apt-get install libzbar0` and `uv pip install pyzbar`"
            )
        table = _symbols()
        wanted = [s for s in symbologies if s in table]
        if not wanted:
            raise ValueError(f"none of {list(symbologies)} can be read by ZBar")
        self._symbols = [sym for s in wanted for sym in table[s]]
        self._names = {sym.name: s for s, syms in table.items() for sym in syms}

    def decode(self, gray: GrayImage) -> list[Barcode]:
        height, width = gray.shape
        found = []
        for result in pyzbar.decode((gray.tobytes(), width, height), symbols=self._symbols):
            symbology = self._names.get(result.type, base.UNKNOWN)
            text = result.data.decode("utf-8", errors="replace")
            if symbology in (base.EAN13, base.UPCA) and len(text) == 13 and text[0] == "0":
                symbology, text = base.UPCA, text[1:]
            box = _box(result)
            support = _support(symbology, text, result.quality)
            found.append(Barcode(text, symbology, box, self.name, support))
        return found


def _box(result: Any) -> tuple[base.Point, ...]:
    points = np.array([(p.x, p.y) for p in result.polygon], dtype=np.float32)
    if len(points) >= 3:
        corners = cv2.boxPoints(cv2.minAreaRect(points))
    else:
        r = result.rect
        corners = np.array(
            [(r.left, r.top), (r.left + r.width, r.top), (r.left + r.width, r.top + r.height)]
            + [(r.left, r.top + r.height)],
            dtype=np.float32,
        )
    return tuple((float(x), float(y)) for x, y in corners)


def _support(symbology: str, text: str, quality: int) -> float:
    if symbology not in base.LINEAR:
        return 1.0 if text.isascii() else 0.0
    if symbology == base.CODE128 and not text.isascii():
        return 0.0
    # ZBar's `quality` counts the scan lines that decoded the same text. Its location points
    # do not reliably span the code (a misread can come back as a zero-width box), so the
    # count is taken as it is: FULL_SUPPORT_LINES lines give support 1.
    return min(1.0, quality / FULL_SUPPORT_LINES)
