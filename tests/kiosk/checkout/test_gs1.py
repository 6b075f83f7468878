"""GTIN check digits, UPC-E expansion and GTIN-14 normalisation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.checkout.gs1 import (
    GtinError,
    Symbology,
    check_digit,
    compress_upca,
    display_form,
    expand_upce,
    gtin_candidates,
    has_valid_check_digit,
    is_coupon_prefix,
    to_gtin14,
)


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("5449000039231", True),  # EAN-13 from the shared photos
        ("5449000039232", False),
        ("12345670", True),  # EAN-8
        ("12345671", False),
        ("890444000335", True),  # UPC-A
        ("890444000336", False),
        ("00012345600012", True),  # GTIN-14
    ],
)
def test_check_digit(code: str, valid: bool) -> None:
    assert has_valid_check_digit(code) is valid


def test_check_digit_refuses_non_digits() -> None:
    with pytest.raises(GtinError, match="not digits"):
        check_digit("12a4")


@pytest.mark.parametrize(
    ("upce", "upca"),
    [
        ("05096893", "050968000093"),  # the README's example (last digit 5-9)
        ("01264904", "012000006494"),  # last digit 0 (shared upce-2 photos)
        ("04124498", "041244000098"),  # last digit 9
        ("04963406", "049000006346"),  # last digit 0
    ],
)
def test_upce_expansion(upce: str, upca: str) -> None:
    assert expand_upce(upce) == upca
    assert compress_upca(upca) == upce


@pytest.mark.parametrize(
    ("middle", "upca_body"),
    [
        ("123452", "01220000345"),  # 0-2: manufacturer d1 d2 d6 00, item 00 d3 d4 d5
        ("123453", "01230000045"),  # 3: manufacturer d1 d2 d3 00, item 000 d4 d5
        ("123454", "01234000005"),  # 4: manufacturer d1 d2 d3 d4 0, item 0000 d5
        ("123457", "01234500007"),  # 5-9: manufacturer d1..d5, item 0000 d6
    ],
)
def test_upce_rules_by_last_digit(middle: str, upca_body: str) -> None:
    assert expand_upce("0" + middle + str(check_digit(upca_body))) == upca_body + str(
        check_digit(upca_body)
    )


def test_upce_bad_check_digit_names_the_expected_digit() -> None:
    with pytest.raises(GtinError, match="expected 3"):
        expand_upce("05096894")


def test_upce_number_system() -> None:
    with pytest.raises(GtinError, match="number system 7"):
        expand_upce("75096893")


def test_gtin14_normalisation_makes_upc_and_ean_the_same_product() -> None:
    assert to_gtin14("890444000335") == to_gtin14("0890444000335") == "00890444000335"
    assert to_gtin14("05096893", Symbology.UPCE) == to_gtin14("0050968000093")


def test_gtin14_errors_say_what_is_wrong() -> None:
    with pytest.raises(GtinError, match="11 digits"):
        to_gtin14("12345678901")
    with pytest.raises(GtinError, match="check digit 2, expected 1"):
        to_gtin14("5449000039232")


def test_eight_digits_are_ambiguous_without_symbology() -> None:
    # 05096893 is a valid EAN-8 *and* a valid UPC-E: both readings are offered.
    assert gtin_candidates("05096893") == ("00000005096893", "00050968000093")
    assert gtin_candidates("05096893", Symbology.UPCE) == ("00050968000093",)
    assert gtin_candidates("5449000039232") == ()


def test_display_form() -> None:
    assert display_form("00000012345670") == "12345670"
    assert display_form("00890444000335") == "890444000335"
    assert display_form("05449000039231") == "5449000039231"


def test_coupon_prefixes() -> None:
    assert is_coupon_prefix("9912345001004")
    assert is_coupon_prefix("9811234567895")
    assert not is_coupon_prefix("5449000039231")


@given(st.text(alphabet="0123456789", min_size=7, max_size=13))
def test_appending_the_check_digit_always_validates(body: str) -> None:
    assert has_valid_check_digit(body + str(check_digit(body)))


@given(st.text(alphabet="0123456789", min_size=12, max_size=12), st.integers(1, 9))
def test_any_single_digit_change_is_caught(body: str, delta: int) -> None:
    code = body + str(check_digit(body))
    position = len(code) - 1
    changed = code[:position] + str((int(code[position]) + delta) % 10)
    assert not has_valid_check_digit(changed)


@given(st.sampled_from("01"), st.text(alphabet="0123456789", min_size=6, max_size=6))
def test_upce_round_trip(ns: str, middle: str) -> None:
    body_upca = expand_upce_body(ns, middle)
    upce = ns + middle + str(check_digit(body_upca))
    upca = expand_upce(upce)
    assert upca[:11] == body_upca
    # Several UPC-E forms can stand for one UPC-A (all zeros): the expansion is what must agree.
    again = compress_upca(upca)
    assert again is not None
    assert expand_upce(again) == upca
    assert to_gtin14(upce, Symbology.UPCE) == to_gtin14(upca)


def expand_upce_body(ns: str, d: str) -> str:
    """Independent restatement of the GS1 expansion table, to test against."""
    table = {
        "0": f"{d[0]}{d[1]}00000{d[2]}{d[3]}{d[4]}",
        "1": f"{d[0]}{d[1]}10000{d[2]}{d[3]}{d[4]}",
        "2": f"{d[0]}{d[1]}20000{d[2]}{d[3]}{d[4]}",
        "3": f"{d[0]}{d[1]}{d[2]}00000{d[3]}{d[4]}",
        "4": f"{d[0]}{d[1]}{d[2]}{d[3]}00000{d[4]}",
    }
    return ns + table.get(d[5], f"{d[0]}{d[1]}{d[2]}{d[3]}{d[4]}0000{d[5]}")
