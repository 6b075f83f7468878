"""From cart lines to money: member prices, promotions, coupons, tax and loyalty points.

The result depends only on the multiset of items, never on the order they were scanned:
every step walks lines and units in a canonical order (see CartLine.canonical_key).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from kiosk.checkout.cart import CartLine
from kiosk.checkout.catalog import Currency
from kiosk.checkout.rounding import (
    allocate,
    percent_of,
    points_for,
    tax_included_in,
    tax_on,
)
from kiosk.checkout.rules import (
    BundlePrice,
    CouponKind,
    MemberPrice,
    MultiBuy,
    PercentOff,
    PricingRules,
    Target,
    TaxMode,
)


class PricingError(ValueError):
    """The cart cannot be priced under these rules (for example an unknown tax category)."""


@dataclass(frozen=True)
class Adjustment:
    """A discount source (promotion, member price or coupon) and what it took off."""

    source_id: str
    kind: str  # "promotion" | "member_price" | "coupon"
    name_en: str
    name_zh: str
    amount: int

    def name(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") else self.name_en


@dataclass(frozen=True)
class PricedLine:
    line: CartLine
    gross: int
    discounts: tuple[tuple[str, int], ...]  # (source id, amount)
    net: int
    tax: int
    tax_rate: Decimal


@dataclass(frozen=True)
class TaxLine:
    category: str
    rate: Decimal
    base: int  # net amount the tax applies to (tax-inclusive base in inclusive mode)
    tax: int


@dataclass(frozen=True)
class PricedCart:
    lines: tuple[PricedLine, ...]
    adjustments: tuple[Adjustment, ...]
    taxes: tuple[TaxLine, ...]
    tax_mode: TaxMode
    subtotal: int
    discount_total: int
    tax_total: int
    total: int
    points_redeemed: int = 0
    points_value: int = 0
    points_earned: int = 0
    rejected_coupons: tuple[tuple[str, str], ...] = ()

    @property
    def amount_due(self) -> int:
        return self.total - self.points_value

    @property
    def item_count(self) -> int:
        return sum(pl.line.quantity if pl.line.per_unit else 1 for pl in self.lines)


@dataclass(eq=False)  # units are compared by identity: two identical cans are two cans
class _Unit:
    line_index: int
    gtin: str
    category: str
    price: int
    countable: bool  # a counted unit (not a weighed or labelled line)
    consumed: bool = False


@dataclass
class _Work:
    lines: list[CartLine]
    member: bool
    language_names: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    discounts: list[dict[str, int]] = field(default_factory=list)

    def add(self, line_index: int, source_id: str, amount: int) -> None:
        if amount:
            bucket = self.discounts[line_index]
            bucket[source_id] = bucket.get(source_id, 0) + amount


def price_cart(
    lines: Iterable[CartLine],
    rules: PricingRules,
    currency: Currency,
    *,
    member: bool = False,
    coupons: Sequence[str] = (),
    points_to_redeem: int = 0,
    now: datetime | None = None,
) -> PricedCart:
    ordered = sorted(consolidate(lines), key=CartLine.canonical_key)
    work = _Work(lines=ordered, member=member, discounts=[{} for _ in ordered])
    units = _expand_units(work, rules)
    for promo in rules.promotions:
        if promo.member_only and not member:
            continue
        if isinstance(promo, MultiBuy):
            _apply_multibuy(work, units, promo)
        elif isinstance(promo, BundlePrice):
            _apply_bundle(work, units, promo)
        elif isinstance(promo, PercentOff):
            _apply_percent(work, units, promo)
    nets = [ln.gross - sum(work.discounts[i].values()) for i, ln in enumerate(ordered)]
    rejected = _apply_coupons(work, nets, rules, coupons, now)
    return _finish(work, nets, rules, currency, member, points_to_redeem, rejected)


def consolidate(lines: Iterable[CartLine]) -> list[CartLine]:
    """Active lines with every counted unit of one product at one price in a single line.

    Pricing works on this form so that rounding never depends on how scans were grouped.
    """
    merged: dict[tuple[str, int], CartLine] = {}
    out: list[CartLine] = []
    for line in lines:
        if line.voided:
            continue
        if not line.per_unit:
            out.append(line)
            continue
        key = (line.gtin, line.unit_price)
        if key in merged:
            merged[key] = replace(merged[key], quantity=merged[key].quantity + line.quantity)
        else:
            merged[key] = line
    return out + list(merged.values())


def _expand_units(work: _Work, rules: PricingRules) -> list[_Unit]:
    member_prices = {
        p.gtin: p for p in rules.promotions if isinstance(p, MemberPrice) and work.member
    }
    for p in rules.promotions:
        work.language_names[p.id] = ("promotion", p.name_en, p.name_zh)
    units: list[_Unit] = []
    for i, line in enumerate(work.lines):
        if not line.per_unit:
            units.append(_Unit(i, line.gtin, line.category, line.gross, countable=False))
            continue
        price = line.unit_price
        mp = member_prices.get(line.gtin)
        if mp is not None and mp.price < price:
            work.add(i, mp.id, (price - mp.price) * line.quantity)
            work.language_names[mp.id] = ("member_price", mp.name_en, mp.name_zh)
            price = mp.price
        units.extend(_Unit(i, line.gtin, line.category, price, True) for _ in range(line.quantity))
    return units


def _eligible(units: list[_Unit], target: Target, *, countable_only: bool) -> list[_Unit]:
    return [
        u
        for u in units
        if not u.consumed
        and (u.countable or not countable_only)
        and target.matches(u.gtin, u.category)
    ]


def _apply_multibuy(work: _Work, units: list[_Unit], promo: MultiBuy) -> None:
    pool = sorted(
        _eligible(units, promo.target, countable_only=True), key=lambda u: (-u.price, u.gtin)
    )
    for start in range(0, len(pool) - promo.buy + 1, promo.buy):
        group = pool[start : start + promo.buy]
        for unit in group:
            unit.consumed = True
        for free in group[promo.pay :]:
            work.add(free.line_index, promo.id, free.price)


def _apply_bundle(work: _Work, units: list[_Unit], promo: BundlePrice) -> None:
    while True:
        chosen: list[_Unit] = []
        for part in promo.parts:
            taken = {id(u) for u in chosen}
            pool = sorted(
                (
                    u
                    for u in _eligible(units, part.target, countable_only=True)
                    if id(u) not in taken
                ),
                key=lambda u: (-u.price, u.gtin),
            )
            if len(pool) < part.quantity:
                return
            chosen.extend(pool[: part.quantity])
        saving = sum(u.price for u in chosen) - promo.price
        if saving <= 0:
            return
        for unit, share in zip(chosen, allocate(saving, [u.price for u in chosen]), strict=True):
            unit.consumed = True
            work.add(unit.line_index, promo.id, share)


def _apply_percent(work: _Work, units: list[_Unit], promo: PercentOff) -> None:
    # Rounded once per product, then spread over that product's lines.
    per_product: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for unit in _eligible(units, promo.target, countable_only=False):
        unit.consumed = True
        per_product[unit.gtin][unit.line_index] += unit.price
    for gtin in sorted(per_product):
        amounts = sorted(per_product[gtin].items())
        off = percent_of(sum(a for _, a in amounts), promo.percent)
        for (line_index, _), share in zip(
            amounts, allocate(off, [a for _, a in amounts]), strict=True
        ):
            work.add(line_index, promo.id, share)


def _apply_coupons(
    work: _Work,
    nets: list[int],
    rules: PricingRules,
    codes: Sequence[str],
    now: datetime | None,
) -> tuple[tuple[str, str], ...]:
    rejected: list[tuple[str, str]] = []
    wanted = set(codes)
    for code in sorted(wanted - {c.code for c in rules.coupons}):
        rejected.append((code, "unknown coupon"))
    # Percentages first, then fixed amounts (so a percentage is never taken of an amount
    # already deducted); within each kind, in rule order, never scan order.
    ordered = sorted(rules.coupons, key=lambda c: c.kind != CouponKind.PERCENT_OFF)
    for coupon in ordered:
        if coupon.code not in wanted:
            continue
        if now is not None and not coupon.valid_at(now):
            rejected.append((coupon.code, "coupon is not valid today"))
            continue
        eligible = [
            i
            for i, ln in enumerate(work.lines)
            if nets[i] > 0
            and (coupon.target is None or coupon.target.matches(ln.gtin, ln.category))
        ]
        base = sum(nets[i] for i in eligible)
        if base == 0:
            rejected.append((coupon.code, "no eligible items in the cart"))
            continue
        if base < coupon.min_spend:
            rejected.append((coupon.code, "minimum spend not reached"))
            continue
        if coupon.kind == CouponKind.AMOUNT_OFF:
            off = min(int(coupon.value), base)
        else:
            off = min(percent_of(base, coupon.value), base)
        work.language_names[coupon.code] = ("coupon", coupon.name_en, coupon.name_zh)
        for i, share in zip(eligible, allocate(off, [nets[i] for i in eligible]), strict=True):
            work.add(i, coupon.code, share)
            nets[i] -= share
    return tuple(rejected)


def _finish(
    work: _Work,
    nets: list[int],
    rules: PricingRules,
    currency: Currency,
    member: bool,
    points_to_redeem: int,
    rejected: tuple[tuple[str, str], ...],
) -> PricedCart:
    by_category: dict[str, list[int]] = defaultdict(list)
    for i, line in enumerate(work.lines):
        if line.tax_category not in rules.tax.rates:
            raise PricingError(f"no tax rate for category {line.tax_category!r} ({line.name_en})")
        by_category[line.tax_category].append(i)
    line_tax = [0] * len(work.lines)
    taxes: list[TaxLine] = []
    for category in sorted(by_category):
        rate = rules.tax.rates[category]
        idx = by_category[category]
        base = sum(nets[i] for i in idx)
        if rules.tax.mode == TaxMode.INCLUSIVE:
            tax = tax_included_in(base, rate)
        else:
            tax = tax_on(base, rate)
        taxes.append(TaxLine(category, rate, base, tax))
        if base > 0:
            for i, share in zip(idx, allocate(tax, [nets[i] for i in idx]), strict=True):
                line_tax[i] = share
    priced = tuple(
        PricedLine(
            line=line,
            gross=line.gross,
            discounts=tuple(sorted(work.discounts[i].items())),
            net=nets[i],
            tax=line_tax[i],
            tax_rate=rules.tax.rates[line.tax_category],
        )
        for i, line in enumerate(work.lines)
    )
    subtotal = sum(pl.gross for pl in priced)
    discount_total = subtotal - sum(nets)
    tax_total = sum(t.tax for t in taxes)
    total = sum(nets) + (tax_total if rules.tax.mode == TaxMode.EXCLUSIVE else 0)
    totals: dict[str, int] = defaultdict(int)
    for pl in priced:
        for source_id, amount in pl.discounts:
            totals[source_id] += amount
    adjustments = tuple(
        Adjustment(source_id, *work.language_names[source_id], amount=amount)
        for source_id, amount in sorted(totals.items())
    )
    loyalty = rules.loyalty
    redeem = 0
    if member and points_to_redeem and loyalty.point_value_minor:
        redeem = min(points_to_redeem, total // loyalty.point_value_minor)
    value = redeem * loyalty.point_value_minor
    earned = (
        points_for(total - value, loyalty.points_per_major_unit, currency.minor_per_major)
        if member
        else 0
    )
    return PricedCart(
        lines=priced,
        adjustments=adjustments,
        taxes=tuple(taxes),
        tax_mode=rules.tax.mode,
        subtotal=subtotal,
        discount_total=discount_total,
        tax_total=tax_total,
        total=total,
        points_redeemed=redeem,
        points_value=value,
        points_earned=earned,
        rejected_coupons=rejected,
    )
