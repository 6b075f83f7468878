"""Translations (gettext catalogs managed with Babel) and locale-aware money formatting."""

from __future__ import annotations

import gettext
import io
from decimal import Decimal
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency

from kiosk.checkout.catalog import Currency

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "kiosk"
LANGUAGES = ("en", "zh_CN")


def N_(msgid: str) -> str:  # noqa: N802 - mark for extraction, translate later
    return msgid


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The catalog for a language. The .po is compiled in memory, so no build step is needed."""
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}; choose from {', '.join(LANGUAGES)}")
    po = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language == "en" or not po.exists():
        return gettext.NullTranslations()
    with po.open("rb") as f:
        catalog = read_po(f, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def gettext_for(language: str) -> gettext.NullTranslations:
    return translations(language)


def money(minor: int, currency: Currency, language: str) -> str:
    amount = Decimal(minor).scaleb(-currency.exponent)
    return format_currency(amount, currency.code, locale=language)


def plain_money(minor: int, currency: Currency) -> str:
    """Digits only, for receipt columns: 1234 -> '12.34'."""
    amount = Decimal(minor).scaleb(-currency.exponent)
    return f"{amount:.{currency.exponent}f}"
