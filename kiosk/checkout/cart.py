"""Cart lines and the operations on them (add, merge, void), all returning new tuples."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from kiosk.checkout.catalog import Product, SoldBy
from kiosk.checkout.rounding import price_for_weight


class LineSource(StrEnum):
    SCAN = "scan"
    PRODUCE = "produce"
    LABEL = "label"  # variable-measure label with embedded price or weight
    SHELF = "shelf"  # taken from a smart shelf (grab-and-go)


@dataclass(frozen=True)
class CartLine:
    line_id: int
    gtin: str
    name_en: str
    name_zh: str
    category: str
    tax_category: str
    unit_price: int  # per unit, or per kg for weighed lines
    quantity: int = 1
    grams: int | None = None  # weighed: the weight sold
    fixed_amount: int | None = None  # label with an embedded price
    min_age: int = 0
    not_bagged: bool = False
    unit_weight_g: int | None = None
    weight_tolerance_g: int | None = None
    source: LineSource = LineSource.SCAN
    voided: bool = False

    @property
    def gross(self) -> int:
        if self.fixed_amount is not None:
            return self.fixed_amount
        if self.grams is not None:
            return price_for_weight(self.unit_price, self.grams)
        return self.unit_price * self.quantity

    @property
    def per_unit(self) -> bool:
        """Counted in units (can merge, can join multi-buys); weighed and labelled lines cannot."""
        return self.grams is None and self.fixed_amount is None

    @property
    def bag_weight_g(self) -> int | None:
        """Weight this line should add to the bagging area, None when the scale cannot check it."""
        if self.not_bagged or self.voided or self.source == LineSource.SHELF:
            return None
        if self.grams is not None:
            return self.grams
        if self.unit_weight_g is None:
            return None
        return self.unit_weight_g * self.quantity

    def name(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") else self.name_en

    def canonical_key(self) -> tuple[str, int, int, int, int, int]:
        """Order used wherever ties must not depend on scan order."""
        return (
            self.gtin,
            self.unit_price,
            self.quantity,
            self.grams or 0,
            self.fixed_amount or 0,
            self.line_id,
        )


def line_for(
    product: Product,
    line_id: int,
    *,
    quantity: int = 1,
    grams: int | None = None,
    fixed_amount: int | None = None,
    source: LineSource = LineSource.SCAN,
) -> CartLine:
    if product.sold_by == SoldBy.WEIGHT and grams is None and fixed_amount is None:
        raise ValueError(f"{product.name_en} is sold by weight and needs a weight")
    return CartLine(
        line_id=line_id,
        gtin=product.gtin,
        name_en=product.name_en,
        name_zh=product.name_zh,
        category=product.category,
        tax_category=product.tax_category,
        unit_price=product.price,
        quantity=quantity,
        grams=grams,
        fixed_amount=fixed_amount,
        min_age=product.min_age,
        not_bagged=product.not_bagged,
        unit_weight_g=product.unit_weight_g if grams is None else None,
        weight_tolerance_g=product.weight_tolerance_g,
        source=source,
    )


def add_line(lines: tuple[CartLine, ...], new: CartLine) -> tuple[tuple[CartLine, ...], CartLine]:
    """Add a line, merging it into the last line of the same product when both count units."""
    if new.per_unit and lines:
        last = lines[-1]
        if (
            not last.voided
            and last.per_unit
            and last.gtin == new.gtin
            and last.source == new.source
            and last.unit_price == new.unit_price
        ):
            merged = replace(last, quantity=last.quantity + new.quantity)
            return lines[:-1] + (merged,), merged
    return lines + (new,), new


def void_line(
    lines: tuple[CartLine, ...], line_id: int, quantity: int | None = None
) -> tuple[tuple[CartLine, ...], CartLine | None]:
    """Void a whole line, or `quantity` units of it. Returns the voided part, or None."""
    out: list[CartLine] = []
    voided: CartLine | None = None
    for line in lines:
        if line.line_id != line_id or line.voided:
            out.append(line)
            continue
        if quantity is None or quantity >= line.quantity or not line.per_unit:
            voided = replace(line, voided=True)
            out.append(voided)
        else:
            out.append(replace(line, quantity=line.quantity - quantity))
            voided = replace(line, quantity=quantity, voided=True)
    return tuple(out), voided


def active(lines: tuple[CartLine, ...]) -> tuple[CartLine, ...]:
    return tuple(line for line in lines if not line.voided)
