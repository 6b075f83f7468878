"""Promotions, coupons, loyalty and tax; properties over random carts."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.checkout.cart import CartLine, add_line, line_for
from kiosk.checkout.catalog import Product, SoldBy
from kiosk.checkout.pricing import PricingError, price_cart
from kiosk.checkout.rounding import allocate
from kiosk.checkout.rules import (
    BundlePart,
    BundlePrice,
    Coupon,
    CouponKind,
    LoyaltyRules,
    MemberPrice,
    MultiBuy,
    PercentOff,
    PricingRules,
    Target,
    TaxMode,
    TaxRules,
)
from tests.kiosk.builders import CNY, product

COLA = product("5449000039231", 350, category="drinks")
TEA = product("4901780188352", 550, category="drinks")
CHOC = product("7622200008018", 1390, category="snacks")
CRISPS = product("8413600298517", 1190, category="snacks")
BOOK = product("9780140013993", 5800, category="books", tax_category="reduced")
BANANA = product(
    "2004011000002",
    698,
    sold_by=SoldBy.WEIGHT,
    unit_weight_g=None,
    category="produce",
    tax_category="reduced",
)
POOL = [COLA, TEA, CHOC, CRISPS, BOOK]

TAX = TaxRules(rates={"standard": Decimal(13), "reduced": Decimal(9)})
RULES = PricingRules(
    tax=TAX,
    promotions=(
        MultiBuy(
            id="cola3",
            name_en="3 for 2",
            name_zh="买二送一",
            target=Target(gtins=(COLA.gtin,)),
            buy=3,
            pay=2,
        ),
        BundlePrice(
            id="deal",
            name_en="Tea and chocolate 18.00",
            name_zh="茶配巧克力",
            parts=(
                BundlePart(target=Target(gtins=(TEA.gtin,))),
                BundlePart(target=Target(gtins=(CHOC.gtin,))),
            ),
            price=1800,
        ),
        MemberPrice(
            id="mcrisps", name_en="Member crisps", name_zh="会员薯片", gtin=CRISPS.gtin, price=990
        ),
        PercentOff(
            id="snacks10",
            name_en="Snacks 10%",
            name_zh="零食九折",
            target=Target(categories=("snacks",)),
            percent=Decimal(10),
        ),
    ),
    coupons=(
        Coupon(
            code="TEN",
            name_en="10 off 50",
            name_zh="满50减10",
            kind=CouponKind.AMOUNT_OFF,
            value=Decimal(1000),
            min_spend=5000,
        ),
        Coupon(
            code="BOOKS15",
            name_en="Books 15%",
            name_zh="图书85折",
            kind=CouponKind.PERCENT_OFF,
            value=Decimal(15),
            target=Target(categories=("books",)),
        ),
        Coupon(
            code="OLD",
            name_en="Expired",
            name_zh="过期",
            kind=CouponKind.AMOUNT_OFF,
            value=Decimal(100),
            valid_until=datetime(2020, 1, 1, tzinfo=UTC),
        ),
    ),
    loyalty=LoyaltyRules(points_per_major_unit=Decimal(1), point_value_minor=1, min_redeem=100),
)
NOW = datetime(2026, 11, 22, tzinfo=UTC)


def cart(*items: Product | tuple[Product, int]) -> tuple[CartLine, ...]:
    lines: tuple[CartLine, ...] = ()
    for n, item in enumerate(items, 1):
        new = line_for(item[0], n, grams=item[1]) if isinstance(item, tuple) else line_for(item, n)
        lines, _ = add_line(lines, new)
    return lines


def test_three_for_two_frees_the_cheapest_in_each_group() -> None:
    priced = price_cart(cart(COLA, COLA, COLA, COLA), RULES, CNY, now=NOW)
    assert priced.subtotal == 1400
    assert priced.discount_total == 350
    assert priced.total == 1050


def test_bundle_price() -> None:
    priced = price_cart(cart(TEA, CHOC), RULES, CNY, now=NOW)
    assert priced.total == 1800
    assert {a.source_id: a.amount for a in priced.adjustments} == {"deal": 140}


def test_units_take_one_promotion_only() -> None:
    # The chocolate in the bundle does not also get 10% off snacks.
    priced = price_cart(cart(TEA, CHOC, CHOC), RULES, CNY, now=NOW)
    assert priced.total == 1800 + 1390 - 139


def test_member_price_then_percent_on_member_price() -> None:
    guest = price_cart(cart(CRISPS), RULES, CNY, now=NOW)
    member = price_cart(cart(CRISPS), RULES, CNY, member=True, now=NOW)
    assert guest.total == 1190 - 119
    assert member.total == 990 - 99


def test_weighed_line_price_and_percent() -> None:
    grapes = product(
        "2004023000007", 2600, sold_by=SoldBy.WEIGHT, unit_weight_g=None, tax_category="reduced"
    )
    rules = PricingRules(
        tax=TAX,
        promotions=(
            PercentOff(
                id="g",
                name_en="g",
                name_zh="g",
                target=Target(gtins=(grapes.gtin,)),
                percent=Decimal(15),
            ),
        ),
    )
    priced = price_cart(cart((grapes, 560), (BANANA, 1234)), rules, CNY, now=NOW)
    assert [pl.gross for pl in priced.lines] == [861, 1456]  # 8.613 -> 8.61; 14.56
    assert priced.discount_total == 218  # 15% of 14.56 = 2.184 -> 2.18
    assert priced.total == 861 + 1456 - 218


def test_coupon_minimum_spend_and_percent_before_amount() -> None:
    small = price_cart(cart(BOOK), RULES, CNY, coupons=("TEN",), now=NOW)
    assert small.rejected_coupons == ()  # 58.00 reaches the 50.00 minimum
    assert small.total == 5800 - 1000
    both = price_cart(cart(BOOK, COLA), RULES, CNY, coupons=("TEN", "BOOKS15"), now=NOW)
    assert both.total == 5800 + 350 - 870 - 1000  # 15% of 58.00 first, then 10.00 off the rest
    # The minimum spend counts what is left after promotions and percentage coupons.
    short = price_cart(cart(BOOK), RULES, CNY, coupons=("TEN", "BOOKS15"), now=NOW)
    assert dict(short.rejected_coupons) == {"TEN": "minimum spend not reached"}
    assert short.total == 5800 - 870
    tiny = price_cart(cart(COLA), RULES, CNY, coupons=("TEN", "OLD", "NOPE"), now=NOW)
    reasons = dict(tiny.rejected_coupons)
    assert reasons == {
        "TEN": "minimum spend not reached",
        "OLD": "coupon is not valid today",
        "NOPE": "unknown coupon",
    }
    assert tiny.total == 350


def test_inclusive_tax_per_category_rounded_once() -> None:
    priced = price_cart(cart(COLA, BOOK), RULES, CNY, now=NOW)
    taxes = {t.category: t.tax for t in priced.taxes}
    assert taxes == {"standard": 40, "reduced": 479}  # 3.50*13/113 = 0.4027; 58*9/109 = 4.789
    assert priced.total == 6150


def test_exclusive_tax_is_added() -> None:
    rules = RULES.model_copy(update={"tax": TaxRules(mode=TaxMode.EXCLUSIVE, rates=TAX.rates)})
    priced = price_cart(cart(COLA, BOOK), rules, CNY, now=NOW)
    assert priced.tax_total == 46 + 522  # 0.455 -> 0.46; 5.22
    assert priced.total == 6150 + 568


def test_unknown_tax_category_is_an_error() -> None:
    odd = product("4000539017100", 100, tax_category="luxury")
    with pytest.raises(PricingError, match="luxury"):
        price_cart(cart(odd), RULES, CNY, now=NOW)


def test_points_redeemed_and_earned() -> None:
    priced = price_cart(cart(BOOK), RULES, CNY, member=True, points_to_redeem=800, now=NOW)
    assert priced.points_value == 800
    assert priced.amount_due == 5000
    assert priced.points_earned == 50  # 1 point per yuan paid, not on the points themselves
    capped = price_cart(cart(COLA), RULES, CNY, member=True, points_to_redeem=10_000, now=NOW)
    assert capped.points_redeemed == 350
    assert capped.amount_due == 0
    guest = price_cart(cart(BOOK), RULES, CNY, member=False, points_to_redeem=800, now=NOW)
    assert (guest.points_value, guest.points_earned) == (0, 0)


def test_allocate_sums_exactly() -> None:
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert sum(allocate(1001, [7, 13, 29, 51])) == 1001
    assert allocate(0, [1, 2]) == [0, 0]


# -- properties --------------------------------------------------------------------------

items = st.lists(
    st.sampled_from(POOL) | st.tuples(st.just(BANANA), st.integers(1, 5000)),
    min_size=1,
    max_size=14,
)
coupon_sets = st.lists(st.sampled_from(["TEN", "BOOKS15", "OLD"]), max_size=3, unique=True)


@settings(max_examples=300, deadline=None)
@given(
    items,
    coupon_sets,
    st.booleans(),
    st.sampled_from(list(TaxMode)),
    st.randoms(use_true_random=False),
)
def test_totals_add_up_never_negative_and_ignore_scan_order(
    basket: list[Product | tuple[Product, int]],
    coupons: list[str],
    member: bool,
    mode: TaxMode,
    rnd: object,
) -> None:
    rules = RULES.model_copy(update={"tax": TaxRules(mode=mode, rates=TAX.rates)})
    priced = price_cart(cart(*basket), rules, CNY, member=member, coupons=coupons, now=NOW)
    exclusive = priced.tax_total if mode == TaxMode.EXCLUSIVE else 0
    assert priced.total == priced.subtotal - priced.discount_total + exclusive
    assert priced.total >= 0
    assert all(pl.net >= 0 and pl.tax >= 0 for pl in priced.lines)
    assert sum(a.amount for a in priced.adjustments) == priced.discount_total
    assert sum(pl.tax for pl in priced.lines) == priced.tax_total
    shuffled = list(basket)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    again = price_cart(
        cart(*shuffled), rules, CNY, member=member, coupons=list(reversed(coupons)), now=NOW
    )
    assert (again.subtotal, again.discount_total, again.tax_total, again.total) == (
        priced.subtotal,
        priced.discount_total,
        priced.tax_total,
        priced.total,
    )
    assert again.taxes == priced.taxes
    assert again.adjustments == priced.adjustments
