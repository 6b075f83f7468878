"""Real barcodes drawn as images: python-barcode for linear codes, qrcode for QR.

Digits are drawn exactly as given, check digit included, so a test can print a wrong one.
python-barcode has no UPC-E, so UPC-E is encoded here from its EAN character tables.
"""

from __future__ import annotations

import barcode
import numpy as np
import qrcode
from barcode.charsets import ean as ean_tables
from numpy.typing import NDArray

Image = NDArray[np.uint8]

# UPC-E parity of the six digits for number system 0, by check digit (O odd/A, E even/B)
_UPCE_PARITY = (
    "EEEOOO",
    "EEOEOO",
    "EEOOEO",
    "EEOOOE",
    "EOEEOO",
    "EOOEEO",
    "EOOOEE",
    "EOEOEO",
    "EOEOOE",
    "EOOEOE",
)
_DIGITS = {"ean13": 13, "ean8": 8, "upca": 12, "upce": 8}


def linear_modules(text: str, symbology: str) -> str:
    """The code as modules, '1' for a bar and '0' for a space (no quiet zones)."""
    expected = _DIGITS.get(symbology)
    if expected is not None and (len(text) != expected or not text.isdigit()):
        raise ValueError(f"{symbology} needs {expected} digits, got {text!r}")
    if symbology == "ean13":
        return _join(barcode.get_barcode_class("ean13")(text, no_checksum=True).build())
    if symbology == "upca":  # a UPC-A is printed exactly as the EAN-13 0 + its 12 digits
        return _join(barcode.get_barcode_class("ean13")("0" + text, no_checksum=True).build())
    if symbology == "ean8":
        return _join(barcode.get_barcode_class("ean8")(text, no_checksum=True).build())
    if symbology == "upce":
        return _upce(text)
    if symbology == "code128":
        return _join(barcode.get_barcode_class("code128")(text).build())
    raise ValueError(f"cannot draw {symbology!r} as a linear code")


def _join(parts: list[str]) -> str:
    return "".join(parts).replace("G", "1")


def _upce(code: str) -> str:
    ns, digits, check = int(code[0]), code[1:7], int(code[7])
    if ns not in (0, 1):
        raise ValueError(f"UPC-E {code!r} has number system {ns}; only 0 and 1 exist")
    parity = _UPCE_PARITY[check]
    if ns == 1:
        parity = parity.translate(str.maketrans("EO", "OE"))
    body = "".join(
        ean_tables.CODES["A" if p == "O" else "B"][int(d)]
        for p, d in zip(parity, digits, strict=True)
    )
    return "101" + body + "010101"


def qr_modules(text: str) -> NDArray[np.bool_]:
    """The QR symbol as a boolean matrix (True = dark), without the quiet zone."""
    qr = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(text)
    qr.make(fit=True)
    return np.array(qr.get_matrix(), dtype=bool)


def render_code(text: str, symbology: str, module_px: int = 3, quiet: int | None = None) -> Image:
    """A grey label with the code on white: `module_px` pixels per module, `quiet` modules of
    margin (the standard's: 10 for linear codes, 4 for QR). Linear codes get the height of a
    full-size EAN (about 0.7 of their width)."""
    if module_px < 1:
        raise ValueError("module_px must be at least 1")
    if symbology == "qr":
        matrix = qr_modules(text)
        quiet = 4 if quiet is None else quiet
        dark = np.pad(matrix, quiet, constant_values=False)
        label = np.where(dark, 0, 255).astype(np.uint8)
        return np.kron(label, np.ones((module_px, module_px), dtype=np.uint8))
    modules = linear_modules(text, symbology)
    quiet = 10 if quiet is None else quiet
    row = np.array([0 if m == "1" else 255 for m in modules], dtype=np.uint8)
    row = np.pad(row, quiet, constant_values=255)
    height = max(10, int(len(modules) * 0.7)) + 2 * quiet
    label = np.full((height, len(row)), 255, dtype=np.uint8)
    label[quiet:-quiet, :] = row
    return np.repeat(label, module_px, axis=1).repeat(module_px, axis=0)
