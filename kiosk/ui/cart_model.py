"""What the cart and totals panels show, as text, from the session state and the priced cart."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.checkout.bagging import BaggingState
from kiosk.checkout.cart import CartLine
from kiosk.checkout.catalog import Currency
from kiosk.checkout.pricing import PricedCart
from kiosk.i18n import money
from kiosk.ui.lang import tr as _
from kiosk.ui.lang import weight_text


@dataclass(frozen=True)
class CartRow:
    line_id: int
    name: str
    detail: str
    amount: str
    age_restricted: bool


@dataclass(frozen=True)
class Totals:
    items: int
    subtotal: str
    savings: tuple[tuple[str, str], ...]  # (promotion name, "-12.00")
    savings_total: str
    total: str
    amount_due: str
    points_used: str  # empty when no points are redeemed


def line_detail(line: CartLine, language: str, currency: Currency) -> str:
    price = money(line.unit_price, currency, language)
    if line.fixed_amount is not None:
        return _("Price on the label", language)
    if line.grams is not None:
        return _(
            "{weight} at {price}/kg",
            language,
            weight=weight_text(line.grams, language),
            price=price,
        )
    return f"{line.quantity} × {price}"


def cart_rows(
    lines: tuple[CartLine, ...], language: str, currency: Currency
) -> tuple[CartRow, ...]:
    """Newest first, so the item just scanned is always in view."""
    return tuple(
        CartRow(
            line_id=line.line_id,
            name=line.name(language),
            detail=line_detail(line, language, currency),
            amount=money(line.gross, currency, language),
            age_restricted=line.min_age > 0,
        )
        for line in reversed(lines)
        if not line.voided
    )


def totals_for(priced: PricedCart, language: str, currency: Currency) -> Totals:
    savings = tuple(
        (adj.name(language), money(-adj.amount, currency, language))
        for adj in priced.adjustments
        if adj.amount
    )
    points = ""
    if priced.points_value:
        points = _(
            "{points} points: {value}",
            language,
            points=priced.points_redeemed,
            value=money(-priced.points_value, currency, language),
        )
    return Totals(
        items=priced.item_count,
        subtotal=money(priced.subtotal, currency, language),
        savings=savings,
        savings_total=money(-priced.discount_total, currency, language),
        total=money(priced.total, currency, language),
        amount_due=money(priced.amount_due, currency, language),
        points_used=points,
    )


def bagging_text(bag: BaggingState, language: str) -> tuple[str, bool]:
    """What the bagging-area panel says, and whether it needs the shopper's attention."""
    if not bag.online:
        return _("Bagging scale offline: an assistant is on the way.", language), True
    if not bag.checking:
        return _("Bagging area: not checked for this purchase.", language), False
    waiting = len(bag.pending)
    if waiting:
        return _("Place in the bagging area: {count} item(s)", language, count=waiting), True
    if bag.last_g is None:
        return _("Bagging area: waiting for the scale", language), False
    return _("Bagging area: {weight}", language, weight=weight_text(bag.last_g, language)), False
