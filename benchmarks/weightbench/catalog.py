"""A representative product list for when config/catalog.csv is absent: 20 g to 3 kg,
a few bulky items that are not bagged, and produce sold by weight."""

from __future__ import annotations

import numpy as np

from kiosk.checkout.catalog import Product, SoldBy
from kiosk.checkout.gs1 import check_digit


def _gtin(n: int) -> str:
    body = f"69{n:010d}"
    return body + str(check_digit(body))


def generated_catalog(rng: np.random.Generator, count: int = 80) -> list[Product]:
    products = []
    weights = np.exp(rng.uniform(np.log(20), np.log(3000), count))
    for i, w in enumerate(weights):
        grams = int(round(w))
        tolerance = int(max(5, 0.02 * grams)) if rng.random() < 0.4 else None
        products.append(
            Product(gtin=_gtin(i), name_en=f"Item {i}", name_zh=f"商品{i}", price=500,
                    unit_weight_g=grams, weight_tolerance_g=tolerance, tax_category="standard")
        )  # fmt: skip
    for i, grams in enumerate((9200, 10000, 6500)):
        products.append(
            Product(gtin=_gtin(500 + i), name_en=f"Bulky {i}", name_zh=f"大件{i}", price=2000,
                    unit_weight_g=grams, not_bagged=True, tax_category="standard")
        )  # fmt: skip
    for i in range(6):
        products.append(
            Product(gtin=_gtin(900 + i), name_en=f"Produce {i}", name_zh=f"蔬果{i}", price=800,
                    sold_by=SoldBy.WEIGHT, plu=f"40{i:02d}", tax_category="reduced")
        )  # fmt: skip
    return products
