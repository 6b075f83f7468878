"""Reading the catalog CSV: every row checked, every problem reported with its row and column."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from pydantic import ValidationError

from kiosk.checkout.catalog import Currency, Product

COLUMNS = (
    "gtin",
    "name_en",
    "name_zh",
    "price",
    "sold_by",
    "unit_weight_g",
    "weight_tolerance_g",
    "min_age",
    "not_bagged",
    "tax_category",
    "stock",
    "plu",
    "category",
)
REQUIRED = frozenset({"gtin", "name_en", "name_zh", "price", "tax_category"})
_TRUE = {"yes", "true", "1", "y"}
_FALSE = {"no", "false", "0", "n", ""}


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based line number in the file, header is line 1
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class CatalogFileError(ValueError):
    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


def parse_price(text: str, currency: Currency) -> int:
    """'3.50' in major units -> 350 minor units; refuses more decimals than the currency has."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number") from None
    if not value.is_finite() or value < 0:
        raise ValueError(f"{text!r} is not a price")
    minor = value * currency.minor_per_major
    if minor != minor.to_integral_value():
        raise ValueError(f"{text!r} has more than {currency.exponent} decimals for {currency.code}")
    return int(minor)


def format_price(minor: int, currency: Currency) -> str:
    if currency.exponent == 0:
        return str(minor)
    sign = "-" if minor < 0 else ""
    major, rest = divmod(abs(minor), currency.minor_per_major)
    return f"{sign}{major}.{rest:0{currency.exponent}d}"


def _parse_bool(text: str) -> bool:
    low = text.strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ValueError(f"{text!r} is not yes or no")


class _CellError(ValueError):
    def __init__(self, column: str, message: str) -> None:
        self.column = column
        super().__init__(message)


def _row_to_product(row: dict[str, str], currency: Currency) -> Product:
    values: dict[str, object] = {}
    for column, raw in row.items():
        text = (raw or "").strip()
        try:
            if column == "price":
                values["price"] = parse_price(text, currency)
                continue
            if column == "not_bagged":
                values["not_bagged"] = _parse_bool(text)
                continue
        except ValueError as e:
            raise _CellError(column, str(e)) from None
        if text == "":
            continue
        else:
            values[column] = text
    return Product.model_validate(values)


def parse_catalog(text: str, currency: Currency) -> list[Product]:
    """All products of a CSV text, or CatalogFileError listing every bad row; never a part."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    errors: list[RowError] = []
    unknown = [h for h in header if h not in COLUMNS]
    missing = sorted(REQUIRED - set(header))
    if unknown:
        errors.append(
            RowError(1, ", ".join(unknown), f"unknown column; known: {', '.join(COLUMNS)}")
        )
    if missing:
        errors.append(RowError(1, ", ".join(missing), "required column missing"))
    if errors:
        raise CatalogFileError(errors)
    reader.fieldnames = header
    products: list[Product] = []
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if None in row:
            errors.append(RowError(line, "", "more fields than columns in the header"))
            continue
        try:
            product = _row_to_product(row, currency)
        except ValidationError as e:
            for err in e.errors():
                column = ".".join(str(p) for p in err["loc"]) or "row"
                errors.append(RowError(line, column, err["msg"].removeprefix("Value error, ")))
            continue
        except _CellError as e:
            errors.append(RowError(line, e.column, str(e)))
            continue
        if product.gtin in seen:
            errors.append(RowError(line, "gtin", f"duplicate of row {seen[product.gtin]}"))
            continue
        seen[product.gtin] = line
        products.append(product)
    if errors:
        raise CatalogFileError(errors)
    if not products:
        raise CatalogFileError([RowError(1, "", "the file has no products")])
    return products


def write_catalog(products: list[Product], currency: Currency) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for p in products:
        row = p.model_dump(mode="json")
        row["price"] = format_price(p.price, currency)
        row["not_bagged"] = "yes" if p.not_bagged else "no"
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    return out.getvalue()
