"""What a scanned code means: a product, a variable-measure label, a coupon or a member card."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kiosk.checkout.gs1 import (
    RETAIL_SYMBOLOGIES,
    Symbology,
    check_digit,
    gtin_candidates,
    has_valid_check_digit,
    is_coupon_prefix,
)

_PATTERN = re.compile(r"^PP(?:[IVXC])+$")
_DIGITAL_LINK = re.compile(r"^https?://[^/]+/(?:.*/)?01/(\d{14})(?:[/?#].*)?$")
_ELEMENT_STRING = re.compile(r"^(?:\]C1|\]d2|\]Q3|\x1d)?(?:\(01\)|01)(\d{14})")


class VariableMeasureLayout(BaseModel):
    """How a store prints its in-store EAN-13 labels (prefixes 20-29)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    prefix: str = Field(description="two-digit prefix, 20 to 29", pattern=r"^2\d$")
    pattern: str = Field(
        default="PPIIIIIVVVVVC",
        description=(
            "13 letters: P prefix, I item code, V embedded value, X a digit to ignore "
            "(such as a price check digit), C the check digit"
        ),
        min_length=13,
        max_length=13,
    )
    value: Literal["price", "weight_g"] = Field(
        description="the embedded value is a price in minor units or a weight in grams"
    )

    @field_validator("pattern")
    @classmethod
    def _pattern_shape(cls, v: str) -> str:
        if not _PATTERN.match(v) or not v.endswith("C") or v.count("C") != 1:
            raise ValueError("must start with PP, end with a single C and use only P I V X C")
        for letter in "IV":
            run = re.findall(f"{letter}+", v)
            if len(run) != 1:
                raise ValueError(f"needs exactly one contiguous run of {letter}")
        return v


class CodeRules(BaseModel):
    """Store rules for reading codes that are not plain product GTINs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    variable_measure: tuple[VariableMeasureLayout, ...] = Field(
        default=(), description="in-store label layouts, one per prefix"
    )
    coupon_qr_prefix: str = Field(default="COUPON:", min_length=1, max_length=32)
    member_qr_prefix: str = Field(default="MEMBER:", min_length=1, max_length=32)

    @model_validator(mode="after")
    def _unique_prefixes(self) -> CodeRules:
        prefixes = [layout.prefix for layout in self.variable_measure]
        if len(prefixes) != len(set(prefixes)):
            raise ValueError("variable_measure prefixes must be unique")
        return self


@dataclass(frozen=True)
class ProductCode:
    gtins: tuple[str, ...]
    raw: str


@dataclass(frozen=True)
class VariableMeasureCode:
    gtin: str  # the catalog key: the label with its value digits zeroed
    value_kind: Literal["price", "weight_g"]
    value: int
    raw: str


@dataclass(frozen=True)
class CouponCode:
    code: str


@dataclass(frozen=True)
class MemberCode:
    member_id: str


@dataclass(frozen=True)
class InvalidCode:
    raw: str
    reason: str


ScannedCode = ProductCode | VariableMeasureCode | CouponCode | MemberCode | InvalidCode


def variable_measure_key(code13: str, layout: VariableMeasureLayout) -> str:
    """Catalog GTIN-14 for a label: value and ignored digits zeroed, check digit recomputed."""
    body = "".join(
        "0" if letter in "VX" else digit
        for digit, letter in zip(code13[:12], layout.pattern[:12], strict=True)
    )
    return (body + str(check_digit(body))).zfill(14)


def _parse_variable_measure(code13: str, layout: VariableMeasureLayout) -> VariableMeasureCode:
    value = int(
        "".join(d for d, letter in zip(code13, layout.pattern, strict=True) if letter == "V")
    )
    return VariableMeasureCode(
        gtin=variable_measure_key(code13, layout),
        value_kind=layout.value,
        value=value,
        raw=code13,
    )


def classify(raw: str, symbology: Symbology | None, rules: CodeRules) -> ScannedCode:
    """Decide what a scanned text is. Never raises: bad input becomes InvalidCode with a reason."""
    text = raw.strip()
    if not text:
        return InvalidCode(raw, "empty code")
    if text.startswith(rules.coupon_qr_prefix):
        code = text[len(rules.coupon_qr_prefix) :].strip()
        return CouponCode(code) if code else InvalidCode(raw, "coupon code is empty")
    if text.startswith(rules.member_qr_prefix):
        member = text[len(rules.member_qr_prefix) :].strip()
        return MemberCode(member) if member else InvalidCode(raw, "member code is empty")
    embedded = _DIGITAL_LINK.match(text) or _ELEMENT_STRING.match(text)
    if embedded:
        text, symbology = embedded.group(1), None
    if not text.isdigit():
        return InvalidCode(raw, "not a product, coupon or member code")
    if (
        symbology is not None
        and symbology not in RETAIL_SYMBOLOGIES
        and len(text) not in (8, 12, 13, 14)
    ):
        return InvalidCode(raw, f"{len(text)}-digit {symbology.value} code is not a GTIN")
    if len(text) == 13 and has_valid_check_digit(text):
        layout = next((lay for lay in rules.variable_measure if text.startswith(lay.prefix)), None)
        if layout is not None:
            return _parse_variable_measure(text, layout)
        if is_coupon_prefix(text):
            return CouponCode(text)
    gtins = gtin_candidates(text, symbology)
    if not gtins:
        return InvalidCode(raw, _why_invalid(text, symbology))
    return ProductCode(gtins, raw)


def _why_invalid(text: str, symbology: Symbology | None) -> str:
    if symbology == Symbology.UPCE or len(text) not in (8, 12, 13, 14):
        if len(text) not in (8, 12, 13, 14):
            return f"{len(text)} digits is not a GTIN length (8, 12, 13 or 14)"
        return "not a valid UPC-E"
    return f"check digit {text[-1]} is wrong (expected {check_digit(text[:-1])})"
