"""The record of a sale as the session hands it to storage, receipts and the fleet."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from kiosk.checkout.catalog import Currency
from kiosk.checkout.events import PaymentMethod
from kiosk.checkout.pricing import PricedCart
from kiosk.checkout.rules import TaxMode

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class SaleLine(BaseModel):
    model_config = _FROZEN

    line_no: int
    gtin: str
    name_en: str
    name_zh: str
    quantity: int
    grams: int | None
    unit_price: int
    gross: int
    discounts: tuple[tuple[str, int], ...]
    net: int
    tax_category: str
    tax_rate: Decimal
    tax: int

    def name(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") else self.name_en


class SaleAdjustment(BaseModel):
    model_config = _FROZEN

    source_id: str
    kind: str
    name_en: str
    name_zh: str
    amount: int

    def name(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") else self.name_en


class SaleTax(BaseModel):
    model_config = _FROZEN

    category: str
    rate: Decimal
    base: int
    tax: int


class SalePayment(BaseModel):
    model_config = _FROZEN

    method: PaymentMethod
    key: str
    amount: int
    reference: str = ""
    card_last4: str = ""  # at most the last four digits, never more


class SaleDraft(BaseModel):
    """Everything about a sale; JSON-serialisable so a payment intent can carry it."""

    model_config = _FROZEN

    sale_id: str
    session_id: str
    currency: str
    currency_exponent: int
    tax_mode: TaxMode
    lines: tuple[SaleLine, ...]
    adjustments: tuple[SaleAdjustment, ...]
    taxes: tuple[SaleTax, ...]
    subtotal: int
    discount_total: int
    tax_total: int
    total: int
    points_redeemed: int
    points_value: int
    points_earned: int
    amount_due: int
    member_id: str | None
    member_name: str | None  # masked ("J*** D**"): sales and the fleet never hold a full name
    coupons: tuple[str, ...]
    approvals: tuple[tuple[str, str], ...]  # (what, staff id)
    payment: SalePayment | None = None


def mask_name(name: str) -> str:
    """'Jane Doe' -> 'J*** D**', '张伟' -> '张*': enough to recognise, not to identify."""
    return " ".join(part[:1] + "*" * max(len(part) - 1, 1) for part in name.split())


def draft_from(
    priced: PricedCart,
    *,
    sale_id: str,
    session_id: str,
    currency: Currency,
    member_id: str | None,
    member_name: str | None,
    approvals: tuple[tuple[str, str], ...],
) -> SaleDraft:
    return SaleDraft(
        sale_id=sale_id,
        session_id=session_id,
        currency=currency.code,
        currency_exponent=currency.exponent,
        tax_mode=priced.tax_mode,
        lines=tuple(
            SaleLine(
                line_no=n,
                gtin=pl.line.gtin,
                name_en=pl.line.name_en,
                name_zh=pl.line.name_zh,
                quantity=pl.line.quantity,
                grams=pl.line.grams,
                unit_price=pl.line.unit_price,
                gross=pl.gross,
                discounts=pl.discounts,
                net=pl.net,
                tax_category=pl.line.tax_category,
                tax_rate=pl.tax_rate,
                tax=pl.tax,
            )
            for n, pl in enumerate(priced.lines, 1)
        ),
        adjustments=tuple(
            SaleAdjustment(
                source_id=a.source_id,
                kind=a.kind,
                name_en=a.name_en,
                name_zh=a.name_zh,
                amount=a.amount,
            )
            for a in priced.adjustments
        ),
        taxes=tuple(
            SaleTax(category=t.category, rate=t.rate, base=t.base, tax=t.tax) for t in priced.taxes
        ),
        subtotal=priced.subtotal,
        discount_total=priced.discount_total,
        tax_total=priced.tax_total,
        total=priced.total,
        points_redeemed=priced.points_redeemed,
        points_value=priced.points_value,
        points_earned=priced.points_earned,
        amount_due=priced.amount_due,
        member_id=member_id,
        member_name=mask_name(member_name) if member_name else None,
        coupons=tuple(sorted(a.source_id for a in priced.adjustments if a.kind == "coupon")),
        approvals=approvals,
    )
