"""Finding produce by what a shopper can type on the letter keys: name or look-up code."""

from __future__ import annotations

from collections.abc import Iterable

from kiosk.checkout.catalog import Product


def matches(product: Product, query: str) -> bool:
    query = query.strip().lower()
    if not query:
        return True
    if query.isdigit():
        return bool(product.plu and product.plu.startswith(query))
    words = product.name_en.lower().split()
    return any(word.startswith(query) for word in words) or query in product.name_zh


def search(products: Iterable[Product], query: str) -> list[Product]:
    return [p for p in products if matches(p, query)]
