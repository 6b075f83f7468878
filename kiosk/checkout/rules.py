"""Pricing rules as configured by the store: tax, promotions, coupons and loyalty."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from kiosk.checkout.gs1 import to_gtin14

_STRICT = ConfigDict(extra="forbid", frozen=True)
Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=6, decimal_places=3)]
Gtin = Annotated[str, AfterValidator(to_gtin14)]  # any GTIN length in config, GTIN-14 inside


class TaxMode(StrEnum):
    INCLUSIVE = "inclusive"  # shelf prices include tax; receipts show the tax they contain
    EXCLUSIVE = "exclusive"  # tax is added on top of shelf prices


class TaxRules(BaseModel):
    model_config = _STRICT

    mode: TaxMode = Field(default=TaxMode.INCLUSIVE, description="inclusive or exclusive prices")
    rates: dict[str, Percent] = Field(
        default_factory=lambda: {"standard": Decimal(13)},
        description="percent per tax category named in the catalog",
        min_length=1,
    )


class Target(BaseModel):
    """Which products a rule applies to: listed GTINs and/or whole categories."""

    model_config = _STRICT

    gtins: tuple[Gtin, ...] = Field(default=(), description="GTINs (8, 12, 13 or 14 digits)")
    categories: tuple[str, ...] = Field(default=(), description="catalog categories")

    @model_validator(mode="after")
    def _something(self) -> Target:
        if not self.gtins and not self.categories:
            raise ValueError("name at least one gtin or category")
        return self

    def matches(self, gtin: str, category: str) -> bool:
        return gtin in self.gtins or category in self.categories


class _PromotionBase(BaseModel):
    model_config = _STRICT

    id: str = Field(min_length=1, max_length=40)
    name_en: str = Field(min_length=1, max_length=60)
    name_zh: str = Field(min_length=1, max_length=60)
    member_only: bool = Field(default=False, description="only for identified members")

    def name(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") else self.name_en


class MultiBuy(_PromotionBase):
    """Buy `buy`, pay for `pay` (3 for 2): in each group the cheapest items are free."""

    type: Literal["multibuy"] = "multibuy"
    target: Target
    buy: int = Field(ge=2, le=100)
    pay: int = Field(ge=1, le=99)

    @model_validator(mode="after")
    def _pay_less(self) -> MultiBuy:
        if self.pay >= self.buy:
            raise ValueError("pay must be less than buy")
        return self


class PercentOff(_PromotionBase):
    type: Literal["percent_off"] = "percent_off"
    target: Target
    percent: Percent


class BundlePart(BaseModel):
    model_config = _STRICT

    target: Target
    quantity: int = Field(default=1, ge=1, le=100)


class BundlePrice(_PromotionBase):
    """A set of items for a fixed price (meal deal, 2 drinks for 5.00)."""

    type: Literal["bundle"] = "bundle"
    parts: tuple[BundlePart, ...] = Field(min_length=1)
    price: int = Field(ge=0, description="minor units for the whole bundle")


class MemberPrice(_PromotionBase):
    """A lower unit price for members on one product."""

    type: Literal["member_price"] = "member_price"
    member_only: bool = True
    gtin: Gtin
    price: int = Field(ge=0, description="member unit price in minor units")


Promotion = Annotated[
    MultiBuy | PercentOff | BundlePrice | MemberPrice, Field(discriminator="type")
]


class CouponKind(StrEnum):
    AMOUNT_OFF = "amount_off"
    PERCENT_OFF = "percent_off"


class Coupon(BaseModel):
    model_config = _STRICT

    code: str = Field(min_length=1, max_length=64, description="as scanned (EAN-13 or QR text)")
    name_en: str = Field(min_length=1, max_length=60)
    name_zh: str = Field(min_length=1, max_length=60)
    kind: CouponKind
    value: Decimal = Field(gt=0, description="minor units, or percent for percent_off")
    min_spend: int = Field(default=0, ge=0, description="minor units of eligible net spend")
    target: Target | None = Field(default=None, description="eligible products; none = basket")
    valid_from: datetime | None = None
    valid_until: datetime | None = None

    @field_validator("valid_from", "valid_until")
    @classmethod
    def _aware(cls, v: datetime | None) -> datetime | None:
        # A TOML local date-time has no zone: it is read as UTC, the kiosk clock's zone.
        return v.replace(tzinfo=UTC) if v is not None and v.tzinfo is None else v

    @model_validator(mode="after")
    def _percent_bound(self) -> Coupon:
        if self.kind == CouponKind.PERCENT_OFF and self.value > 100:
            raise ValueError("a percent_off coupon is at most 100")
        return self

    def valid_at(self, when: datetime) -> bool:
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        if self.valid_from and when < self.valid_from:
            return False
        return not (self.valid_until and when > self.valid_until)

    def name(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") else self.name_en


class LoyaltyRules(BaseModel):
    model_config = _STRICT

    points_per_major_unit: Decimal = Field(
        default=Decimal(1), ge=0, le=100, description="points earned per currency unit paid"
    )
    point_value_minor: int = Field(
        default=1, ge=0, le=10_000, description="minor units one point is worth when redeemed"
    )
    min_redeem: int = Field(default=100, ge=0, description="smallest number of points to redeem")


class PricingRules(BaseModel):
    """Everything that turns a cart into money, loaded from the promotions file and kiosk config."""

    model_config = _STRICT

    tax: TaxRules = Field(default_factory=TaxRules)
    promotions: tuple[Promotion, ...] = Field(default=(), description="applied in this order")
    coupons: tuple[Coupon, ...] = ()
    loyalty: LoyaltyRules = Field(default_factory=LoyaltyRules)

    @model_validator(mode="after")
    def _unique(self) -> PricingRules:
        ids = [p.id for p in self.promotions]
        if len(ids) != len(set(ids)):
            raise ValueError("promotion ids must be unique")
        codes = [c.code for c in self.coupons]
        if len(codes) != len(set(codes)):
            raise ValueError("coupon codes must be unique")
        return self

    def coupon(self, code: str) -> Coupon | None:
        return next((c for c in self.coupons if c.code == code), None)
