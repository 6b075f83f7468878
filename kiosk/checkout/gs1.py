"""GS1 identification keys: check digits, UPC-E expansion and GTIN-14 normalisation."""

from __future__ import annotations

from enum import StrEnum


class Symbology(StrEnum):
    """Symbologies as named across the project (vision and scanners use the same strings)."""

    EAN13 = "ean13"
    EAN8 = "ean8"
    UPCA = "upca"
    UPCE = "upce"
    CODE128 = "code128"
    QR = "qr"
    DATAMATRIX = "datamatrix"
    DATABAR = "databar"
    UNKNOWN = "unknown"


RETAIL_SYMBOLOGIES = frozenset({Symbology.EAN13, Symbology.EAN8, Symbology.UPCA, Symbology.UPCE})


class GtinError(ValueError):
    """A code that is not a valid GTIN; the message names what is wrong."""


def check_digit(body: str) -> int:
    """GS1 mod-10 check digit for the digits before it (weights 3,1,3,... from the right)."""
    if not body.isdigit():
        raise GtinError(f"{body!r} has characters that are not digits")
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def has_valid_check_digit(code: str) -> bool:
    return code.isdigit() and len(code) >= 2 and check_digit(code[:-1]) == int(code[-1])


def expand_upce(code: str) -> str:
    """Expand an 8-digit UPC-E (number system, six digits, check) to its 12-digit UPC-A."""
    if len(code) != 8 or not code.isdigit():
        raise GtinError(f"UPC-E {code!r} must be 8 digits")
    ns, d, check = code[0], code[1:7], code[7]
    if ns not in "01":
        raise GtinError(f"UPC-E {code!r} has number system {ns}; only 0 and 1 exist")
    last = d[5]
    if last in "012":
        body = f"{ns}{d[0]}{d[1]}{last}0000{d[2]}{d[3]}{d[4]}"
    elif last == "3":
        body = f"{ns}{d[0]}{d[1]}{d[2]}00000{d[3]}{d[4]}"
    elif last == "4":
        body = f"{ns}{d[0]}{d[1]}{d[2]}{d[3]}00000{d[4]}"
    else:
        body = f"{ns}{d[0]}{d[1]}{d[2]}{d[3]}{d[4]}0000{last}"
    if check_digit(body) != int(check):
        raise GtinError(f"UPC-E {code!r} has check digit {check}, expected {check_digit(body)}")
    return body + check


def compress_upca(upca: str) -> str | None:
    """The UPC-E form of a UPC-A, or None when it has none (inverse of expand_upce)."""
    if len(upca) != 12 or upca[0] not in "01":
        return None
    ns, m, p, check = upca[0], upca[1:6], upca[6:11], upca[11]
    candidates = []
    if m[2] in "012" and m[3:] == "00" and p[:2] == "00":
        candidates.append(f"{m[0]}{m[1]}{p[2]}{p[3]}{p[4]}{m[2]}")
    if m[3:] == "00" and p[:3] == "000":
        candidates.append(f"{m[0]}{m[1]}{m[2]}{p[3]}{p[4]}3")
    if m[4] == "0" and p[:4] == "0000":
        candidates.append(f"{m[0]}{m[1]}{m[2]}{m[3]}{p[4]}4")
    if p[:4] == "0000" and p[4] in "56789":
        candidates.append(f"{m}{p[4]}")
    for middle in candidates:
        upce = f"{ns}{middle}{check}"
        try:
            if expand_upce(upce) == upca:
                return upce
        except GtinError:
            continue
    return None


def to_gtin14(code: str, symbology: Symbology | None = None) -> str:
    """Normalise a retail code to GTIN-14, validating its check digit.

    8-digit codes are ambiguous (EAN-8 or UPC-E); without a symbology they are read as EAN-8.
    Use `gtin_candidates` where the catalog should decide.
    """
    code = code.strip()
    if not code.isdigit():
        raise GtinError(f"{code!r} is not all digits")
    if symbology == Symbology.UPCE:
        return expand_upce(code).zfill(14)
    if len(code) not in (8, 12, 13, 14):
        raise GtinError(f"{code!r} has {len(code)} digits; a GTIN has 8, 12, 13 or 14")
    if not has_valid_check_digit(code):
        raise GtinError(f"{code!r} has check digit {code[-1]}, expected {check_digit(code[:-1])}")
    return code.zfill(14)


def gtin_candidates(code: str, symbology: Symbology | None = None) -> tuple[str, ...]:
    """Every GTIN-14 a code can stand for, most likely first; empty when none is valid."""
    code = code.strip()
    found: list[str] = []
    kinds: list[Symbology | None]
    if symbology in (Symbology.UPCE, Symbology.EAN8) or (symbology is None and len(code) == 8):
        kinds = [symbology] if symbology else [Symbology.EAN8, Symbology.UPCE]
    else:
        kinds = [symbology]
    for kind in kinds:
        try:
            gtin = to_gtin14(code, kind)
        except GtinError:
            continue
        if gtin not in found:
            found.append(gtin)
    return tuple(found)


def display_form(gtin14: str) -> str:
    """The conventional printed form: EAN-8, UPC-A or EAN-13 rather than zero-padded GTIN-14."""
    for zeros, length in (("000000", 8), ("00", 12), ("0", 13)):
        if gtin14.startswith(zeros):
            return gtin14[-length:]
    return gtin14


def is_restricted_circulation(gtin14: str) -> bool:
    """EAN-13 prefixes 20-29 are for in-store use (variable-measure labels, store codes)."""
    return gtin14[0] == "0" and gtin14[1] == "2"


def is_coupon_prefix(code: str) -> bool:
    """GS1 coupon ranges: EAN-13 prefixes 99 and 981-984, UPC-A number system 5."""
    if len(code) == 13:
        return code.startswith("99") or code[:3] in {"981", "982", "983", "984"}
    return len(code) == 12 and code.startswith("5")
