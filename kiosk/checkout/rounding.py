"""Every rounding rule of the checkout, in one place.

Amounts are integers in the currency's minor unit (cents, fen). Where a rule produces a
fraction of a minor unit it is rounded half up (away from zero for positive amounts), once, at
the level the rule names:

* a weighed item: price per kg x grams / 1000, rounded per line;
* a percentage discount: rounded per line (per promotion and product);
* coupons: percentage coupons before fixed-amount coupons, each on what is left;
* a discount or coupon spread over several lines: largest-remainder allocation, so the parts
  add up exactly to the whole;
* tax: computed per tax category on the category's net total, rounded once per category;
* loyalty points earned: rounded down (a shopper never gets a point they did not pay for).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal


def round_half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def price_for_weight(price_per_kg: int, grams: int) -> int:
    return round_half_up(Decimal(price_per_kg) * grams / 1000)


def percent_of(amount: int, percent: Decimal) -> int:
    return round_half_up(Decimal(amount) * percent / 100)


def tax_included_in(gross: int, rate_percent: Decimal) -> int:
    """The tax contained in a tax-inclusive amount."""
    return round_half_up(Decimal(gross) * rate_percent / (100 + rate_percent))


def tax_on(net: int, rate_percent: Decimal) -> int:
    """The tax added on top of a tax-exclusive amount."""
    return round_half_up(Decimal(net) * rate_percent / 100)


def points_for(amount_minor: int, points_per_major: Decimal, minor_per_major: int) -> int:
    value = Decimal(amount_minor) * points_per_major / minor_per_major
    return int(value.quantize(Decimal(1), rounding=ROUND_DOWN))


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` in proportion to `weights` so that the parts sum exactly to `total`.

    Largest remainder; ties go to the earlier weight, so callers pass weights in a canonical
    order to keep the result independent of scan order.
    """
    if total == 0 or not weights:
        return [0] * len(weights)
    whole = sum(weights)
    if whole <= 0:
        raise ValueError("cannot allocate over weights that sum to zero")
    shares = [total * w // whole for w in weights]
    remainders = [total * w % whole for w in weights]
    short = total - sum(shares)
    for i in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:short]:
        shares[i] += 1
    return shares
