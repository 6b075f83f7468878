"""AIM symbology identifiers (ISO/IEC 15424), the `]Cm` prefix scanners can send before a code."""

from __future__ import annotations

from devices.scanners.base import (
    CODE128,
    DATABAR,
    DATAMATRIX,
    EAN8,
    EAN13,
    QR,
    UNKNOWN,
    UPCA,
    UPCE,
)

# code character -> symbology; EAN/UPC ("E") is refined by modifier and length below
_BY_CODE = {"C": CODE128, "Q": QR, "d": DATAMATRIX, "e": DATABAR}


def split_aim(line: str) -> tuple[str, str, str]:
    """(identifier, symbology, text) of a line; identifier is "" when there is none."""
    if len(line) < 3 or line[0] != "]" or not line[1].isalpha() or not line[2].isalnum():
        return "", UNKNOWN, line
    ident, text = line[:3], line[3:]
    return ident, symbology_of(ident, text), text


def symbology_of(ident: str, text: str) -> str:
    code, modifier = ident[1], ident[2]
    if code == "E":
        if modifier == "4":
            return EAN8
        if modifier in "03":  # 3: with an add-on, which follows the 13 digits
            digits = text[:13] if modifier == "3" else text
            if len(digits) == 8:
                return UPCE
            if len(digits) == 12 or (len(digits) == 13 and digits.startswith("0")):
                return UPCA
            return EAN13
        return UNKNOWN  # E1/E2: an add-on on its own
    return _BY_CODE.get(code, UNKNOWN)


_IDENT_FOR = {EAN13: "]E0", UPCA: "]E0", UPCE: "]E0", EAN8: "]E4", CODE128: "]C0", QR: "]Q1"}
_IDENT_FOR |= {DATAMATRIX: "]d1", DATABAR: "]e0"}


def identifier_for(symbology: str) -> str:
    """The identifier a scanner sends for `symbology` ("" when it has none)."""
    return _IDENT_FOR.get(symbology, "")
