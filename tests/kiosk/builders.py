"""Small builders for checkout tests (products, machines) shared across test modules."""

from __future__ import annotations

import itertools

from kiosk.checkout.catalog import Catalog, Currency, Product
from kiosk.checkout.rules import PricingRules
from kiosk.checkout.session import CheckoutContext, CheckoutMachine

CNY = Currency("CNY", 2)


def product(gtin: str, price: int, **kw: object) -> Product:
    values: dict[str, object] = {
        "gtin": gtin,
        "name_en": f"Item {gtin[-4:]}",
        "name_zh": f"商品{gtin[-4:]}",
        "price": price,
        "tax_category": "standard",
        "unit_weight_g": 200,
    }
    values.update(kw)
    return Product.model_validate(values)


def machine_for(
    products: list[Product], rules: PricingRules | None = None, **ctx: object
) -> CheckoutMachine:
    ids = itertools.count(1)
    return CheckoutMachine(
        CheckoutContext(
            catalog=Catalog(products),
            rules=rules or PricingRules(),
            currency=CNY,
            new_id=lambda: f"id-{next(ids)}",
            **ctx,  # type: ignore[arg-type]
        )
    )
