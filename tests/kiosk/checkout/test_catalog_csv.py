"""Catalog CSV: every bad row named with its line and column; the demo catalog is complete."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.checkout.catalog import Catalog, SoldBy
from kiosk.checkout.catalog_csv import CatalogFileError, parse_catalog, parse_price, write_catalog
from kiosk.checkout.gs1 import Symbology, gtin_candidates
from tests.kiosk.builders import CNY

HEADER = "gtin,name_en,name_zh,price,tax_category,unit_weight_g,not_bagged\n"
ROOT = Path(__file__).resolve().parents[3]


def test_good_file() -> None:
    products = parse_catalog(HEADER + "5449000039231,Cola,可乐,3.50,standard,345,no\n", CNY)
    assert products[0].price == 350
    assert products[0].gtin == "05449000039231"


def test_every_bad_row_is_reported_and_nothing_returned() -> None:
    text = HEADER + (
        "5449000039231,Cola,可乐,3.50,standard,345,no\n"  # line 2: fine
        "5449000039232,Bad check,坏,1.00,standard,10,no\n"  # line 3
        "4000539017100,Price,价,1.234,standard,10,no\n"  # line 4: three decimals
        "4901780188352,Neg,负,-1,standard,10,no\n"  # line 5
        "5449000039231,Dup,重复,1.00,standard,10,no\n"  # line 6
        "8413600298517,Flag,旗,1.00,standard,10,maybe\n"  # line 7
        "7622200008018,,空,1.00,standard,10,no\n"  # line 8: empty English name
        "5030159003930,Extra,多,1.00,standard,10,no,oops\n"  # line 9
    )
    with pytest.raises(CatalogFileError) as info:
        parse_catalog(text, CNY)
    found = {(e.row, e.column) for e in info.value.errors}
    assert found == {
        (3, "gtin"),
        (4, "price"),
        (5, "price"),
        (6, "gtin"),
        (7, "not_bagged"),
        (8, "name_en"),
        (9, ""),
    }
    messages = str(info.value)
    assert "expected 1" in messages
    assert "more than 2 decimals for CNY" in messages
    assert "duplicate of row 2" in messages


def test_header_problems() -> None:
    with pytest.raises(CatalogFileError, match="required column missing"):
        parse_catalog("gtin,name_en\n5449000039231,Cola\n", CNY)
    with pytest.raises(CatalogFileError, match="unknown column"):
        parse_catalog(HEADER.strip() + ",colour\n", CNY)
    with pytest.raises(CatalogFileError, match="no products"):
        parse_catalog(HEADER, CNY)


def test_price_parsing() -> None:
    assert parse_price("12", CNY) == 1200
    assert parse_price(" 0.05 ", CNY) == 5
    with pytest.raises(ValueError, match="not a number"):
        parse_price("abc", CNY)


def test_round_trip() -> None:
    products = parse_catalog((ROOT / "config" / "catalog.csv").read_text(), CNY)
    assert parse_catalog(write_catalog(products, CNY), CNY) == products


def test_demo_catalog_covers_the_shared_retail_photos(shared_data: Path) -> None:
    catalog = Catalog(parse_catalog((ROOT / "config" / "catalog.csv").read_text(), CNY))
    assert len(catalog) >= 40
    kinds = {
        "ean13": Symbology.EAN13,
        "ean8": Symbology.EAN8,
        "upca": Symbology.UPCA,
        "upce": Symbology.UPCE,
    }
    missing = []
    for folder in sorted((shared_data / "barcodes").iterdir()):
        kind = folder.name.split("-")[0]
        if kind not in kinds:
            continue
        for expected in folder.glob("*.txt"):
            if expected.name.endswith("metadata.txt"):
                continue
            text = expected.read_text().strip()
            if catalog.first(gtin_candidates(text, kinds[kind])) is None:
                missing.append(f"{folder.name}/{expected.name}: {text}")
    assert missing == []


def test_demo_catalog_has_every_kind_of_product() -> None:
    products = parse_catalog((ROOT / "config" / "catalog.csv").read_text(), CNY)
    assert any(p.sold_by == SoldBy.WEIGHT and p.plu for p in products)
    assert any(p.min_age >= 18 for p in products)
    assert any(p.not_bagged for p in products)
    assert len({p.tax_category for p in products}) >= 2
