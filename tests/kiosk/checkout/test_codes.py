"""Classifying scanned text: products, in-store labels, coupons, members, invalid codes."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from kiosk.checkout.codes import (
    CodeRules,
    CouponCode,
    InvalidCode,
    MemberCode,
    ProductCode,
    VariableMeasureCode,
    VariableMeasureLayout,
    classify,
    variable_measure_key,
)
from kiosk.checkout.gs1 import Symbology, check_digit

RULES = CodeRules(
    variable_measure=(
        VariableMeasureLayout(prefix="20", value="weight_g"),
        VariableMeasureLayout(prefix="21", value="price"),
    )
)


def ean13(body12: str) -> str:
    return body12 + str(check_digit(body12))


def test_plain_product() -> None:
    code = classify("5449000039231", Symbology.EAN13, RULES)
    assert code == ProductCode(("05449000039231",), "5449000039231")


def test_variable_measure_weight_label() -> None:
    label = ean13("200413100850")
    code = classify(label, Symbology.EAN13, RULES)
    assert isinstance(code, VariableMeasureCode)
    assert code.value_kind == "weight_g"
    assert code.value == 850
    assert code.gtin == ean13("200413100000").zfill(14)


def test_variable_measure_price_label() -> None:
    code = classify(ean13("211000101234"), Symbology.EAN13, RULES)
    assert isinstance(code, VariableMeasureCode)
    assert (code.value_kind, code.value) == ("price", 1234)


def test_prefix_without_layout_is_a_normal_gtin() -> None:
    code = classify(ean13("290000012345"), Symbology.EAN13, RULES)
    assert isinstance(code, ProductCode)


def test_layout_with_ignored_digit() -> None:
    layout = VariableMeasureLayout(prefix="22", pattern="PPIIIIXVVVVVC", value="price")
    label = ean13("221234912345")
    assert variable_measure_key(label, layout) == ean13("221234000000").zfill(14)
    code = classify(label, Symbology.EAN13, CodeRules(variable_measure=(layout,)))
    assert isinstance(code, VariableMeasureCode)
    assert code.value == 12345


@pytest.mark.parametrize(
    "pattern",
    ["PPIIIIIVVVVV", "XPIIIIIVVVVVC", "PPIIIIIVVVVCC", "PPIIVIIIVVVVC", "PPIIIIIQQQQQC"],
)
def test_bad_layouts_are_refused(pattern: str) -> None:
    with pytest.raises(ValidationError):
        VariableMeasureLayout(prefix="20", pattern=pattern, value="price")


def test_duplicate_prefixes_refused() -> None:
    layout = VariableMeasureLayout(prefix="20", value="price")
    with pytest.raises(ValidationError, match="unique"):
        CodeRules(variable_measure=(layout, layout))


def test_coupons_and_members() -> None:
    assert classify("COUPON:WELCOME10", Symbology.QR, RULES) == CouponCode("WELCOME10")
    assert classify("9912345001004", Symbology.EAN13, RULES) == CouponCode("9912345001004")
    assert classify("MEMBER:M0001", Symbology.QR, RULES) == MemberCode("M0001")
    assert isinstance(classify("COUPON:", Symbology.QR, RULES), InvalidCode)


def test_gs1_digital_link_and_element_string() -> None:
    link = classify("https://id.gs1.org/01/05449000039231/10/ABC", Symbology.QR, RULES)
    element = classify("(01)05449000039231(17)271231", Symbology.DATAMATRIX, RULES)
    assert link == ProductCode(("05449000039231",), "https://id.gs1.org/01/05449000039231/10/ABC")
    assert isinstance(element, ProductCode)
    assert element.gtins == ("05449000039231",)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("5449000039232", "check digit 2 is wrong (expected 1)"),
        ("12345", "5 digits is not a GTIN length"),
        ("hello world", "not a product, coupon or member code"),
        ("   ", "empty code"),
    ],
)
def test_invalid_codes_say_why(raw: str, reason: str) -> None:
    code = classify(raw, None, RULES)
    assert isinstance(code, InvalidCode)
    assert reason in code.reason


def test_code128_text_that_is_not_a_gtin() -> None:
    code = classify("123456789", Symbology.CODE128, RULES)
    assert isinstance(code, InvalidCode)
