"""The zxing-cpp decoder."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from vision.barcodes import base
from vision.barcodes.base import Barcode, DecoderUnavailable, GrayImage, elongation

logger = logging.getLogger(__name__)

try:
    import zxingcpp

    _IMPORT_ERROR = ""
except ImportError as e:  # pragma: no cover - depends on the environment
    _IMPORT_ERROR = str(e)


def _formats() -> dict[str, tuple[Any, ...]]:
    f = zxingcpp.BarcodeFormat
    return {
        base.EAN13: (f.EAN13,),
        base.EAN8: (f.EAN8,),
        base.UPCA: (f.UPCA,),
        base.UPCE: (f.UPCE,),
        base.CODE128: (f.Code128,),
        base.QR: (f.QRCode, f.MicroQRCode),
        base.DATAMATRIX: (f.DataMatrix,),
        base.DATABAR: (f.DataBar, f.DataBarExpanded, f.DataBarLimited),
    }


class ZxingDecoder:
    """zxing-cpp restricted to the project's symbologies, returning raw (unescaped) text.

    EAN-13 reads that start with 0 are reported as UPC-A (the bars are the same) and UPC-E as
    its eight printed digits, so every decoder names retail codes the same way.
    """

    name = "zxing_cpp"

    def __init__(
        self,
        symbologies: Iterable[str] = (base.EAN13, base.EAN8, base.UPCA, base.UPCE, base.CODE128),
        *,
        try_rotate: bool = True,
        try_downscale: bool = True,
        try_invert: bool = False,
        binarizer: str = "local_average",
    ) -> None:
        if _IMPORT_ERROR:
            raise DecoderUnavailable(
                f"zxing-cpp cannot be imported ({_IMPORT_ERROR}); install it with "
                "`uv pip install zxing-cpp`"
            )
        table = _formats()
        wanted = [s for s in symbologies if s in table]
        if not wanted:
            raise ValueError(f"none of {list(symbologies)} can be read by zxing-cpp")
        self._formats = zxingcpp.BarcodeFormats([fmt for s in wanted for fmt in table[s]])
        self._names = {fmt: s for s, fmts in table.items() for fmt in fmts}
        binarizers = {
            "local_average": zxingcpp.Binarizer.LocalAverage,
            "global_histogram": zxingcpp.Binarizer.GlobalHistogram,
            "fixed_threshold": zxingcpp.Binarizer.FixedThreshold,
        }
        self._binarizer = binarizers[binarizer]
        self._try = (try_rotate, try_downscale, try_invert)

    def decode(self, gray: GrayImage) -> list[Barcode]:
        found = []
        rotate, downscale, invert = self._try
        results = zxingcpp.read_barcodes(
            gray,
            formats=self._formats,
            try_rotate=rotate,
            try_downscale=downscale,
            try_invert=invert,
            binarizer=self._binarizer,
            text_mode=zxingcpp.TextMode.Plain,
        )
        for result in results:
            symbology = self._names.get(result.format, base.UNKNOWN)
            text = result.text
            if symbology == base.UPCE:
                extra: Any = result.extra
                text = str(extra.get("UPCE", text)) if isinstance(extra, dict) else text
            elif symbology in (base.EAN13, base.UPCA) and len(text) == 13 and text[0] == "0":
                symbology, text = base.UPCA, text[1:]
            p = result.position
            box = tuple(
                (float(q.x), float(q.y))
                for q in (p.top_left, p.top_right, p.bottom_right, p.bottom_left)
            )
            found.append(Barcode(text, symbology, box, self.name, _support(symbology, box)))
        return found


def _support(symbology: str, box: tuple[base.Point, ...]) -> float:
    """zxing-cpp's box spans the scan lines that agreed; Code 128's mod-103 check and QR's
    error correction make a single read trustworthy, the EAN/UPC mod-10 digit does not."""
    if symbology in base.RETAIL:
        return min(1.0, elongation(box))
    return 1.0
