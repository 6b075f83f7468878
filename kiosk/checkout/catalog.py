"""Products keyed by GTIN-14, and the in-memory catalog the session looks items up in."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kiosk.checkout.gs1 import GtinError, to_gtin14


class SoldBy(StrEnum):
    UNIT = "unit"
    WEIGHT = "weight"


@dataclass(frozen=True)
class Currency:
    """ISO 4217 code and the number of minor-unit digits (2 for CNY, 0 for JPY)."""

    code: str
    exponent: int

    @property
    def minor_per_major(self) -> int:
        return int(10**self.exponent)


class Product(BaseModel):
    """One sellable product. `price` is per unit, or per kilogram when sold by weight."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    gtin: str = Field(description="GTIN (8, 12, 13 or 14 digits), kept as GTIN-14")
    name_en: str = Field(min_length=1, max_length=80)
    name_zh: str = Field(min_length=1, max_length=80)
    price: int = Field(ge=0, le=100_000_000, description="minor units, per unit or per kg")
    sold_by: SoldBy = SoldBy.UNIT
    unit_weight_g: int | None = Field(default=None, ge=1, le=100_000)
    weight_tolerance_g: int | None = Field(
        default=None, ge=1, le=10_000, description="overrides the scale's default tolerance"
    )
    min_age: int = Field(default=0, ge=0, le=25)
    not_bagged: bool = Field(default=False, description="large items the scale does not check")
    tax_category: str = Field(min_length=1, max_length=32)
    stock: int = Field(default=0, ge=-1_000_000, le=10_000_000)
    plu: str | None = Field(default=None, pattern=r"^\d{4,5}$", description="produce look-up code")
    category: str = Field(default="general", min_length=1, max_length=40)

    @field_validator("gtin")
    @classmethod
    def _valid_gtin(cls, v: str) -> str:
        try:
            return to_gtin14(v)
        except GtinError as e:
            raise ValueError(str(e)) from None

    @model_validator(mode="after")
    def _weight_rules(self) -> Product:
        if self.sold_by == SoldBy.WEIGHT and self.unit_weight_g is not None:
            raise ValueError("a product sold by weight has no unit weight")
        return self

    def name(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") else self.name_en


class Catalog:
    """Read-only product index: by GTIN-14 and by produce look-up code."""

    def __init__(self, products: Iterable[Product] = ()) -> None:
        self._by_gtin: dict[str, Product] = {}
        self._by_plu: dict[str, Product] = {}
        for product in products:
            self._by_gtin[product.gtin] = product
            if product.plu:
                self._by_plu[product.plu] = product

    def get(self, gtin14: str) -> Product | None:
        return self._by_gtin.get(gtin14)

    def first(self, gtins: Iterable[str]) -> Product | None:
        """The first of several candidate GTINs that the catalog holds."""
        return next((p for g in gtins if (p := self._by_gtin.get(g)) is not None), None)

    def by_plu(self, plu: str) -> Product | None:
        return self._by_plu.get(plu)

    def produce(self) -> list[Product]:
        return sorted(
            (p for p in self if p.sold_by == SoldBy.WEIGHT or p.plu), key=lambda p: p.name_en
        )

    def with_prices(self, prices: Mapping[str, int]) -> Catalog:
        return Catalog(
            p.model_copy(update={"price": prices[p.gtin]}) if p.gtin in prices else p for p in self
        )

    def __iter__(self) -> Iterator[Product]:
        return iter(self._by_gtin.values())

    def __len__(self) -> int:
        return len(self._by_gtin)

    def __contains__(self, gtin14: object) -> bool:
        return gtin14 in self._by_gtin
