"""The cart and totals as the shopper reads them, in both languages."""

from __future__ import annotations

from dataclasses import replace

from kiosk.checkout.bagging import BaggingState, Expected
from kiosk.checkout.cart import line_for
from kiosk.checkout.pricing import price_cart
from kiosk.checkout.rules import MultiBuy, PricingRules, Target
from kiosk.ui.cart_model import bagging_text, cart_rows, totals_for
from tests.kiosk.builders import CNY, product

COLA = product("5449000039231", 350, name_en="Cola", name_zh="可乐")
GRAPES = product("2004023000007", 2600, sold_by="weight", unit_weight_g=None, name_zh="红提")
WINE = product("8410054010412", 9800, min_age=18)


def test_rows_newest_first_with_quantities_weights_and_without_voided_lines() -> None:
    lines = (
        replace(line_for(COLA, 1), quantity=3),
        line_for(GRAPES, 2, grams=512),
        replace(line_for(WINE, 3), voided=True),
    )
    rows = cart_rows(lines, "en", CNY)
    assert [r.line_id for r in rows] == [2, 1]
    assert rows[0].detail == "0.512 kg at CN¥26.00/kg"
    assert rows[0].amount == "CN¥13.31"
    assert rows[1].detail == "3 × CN¥3.50"
    assert rows[1].amount == "CN¥10.50"
    zh = cart_rows(lines, "zh_CN", CNY)
    assert zh[1].name == "可乐"
    assert zh[0].detail == "0.512 千克，¥26.00/千克"


def test_age_restricted_rows_are_marked() -> None:
    rows = cart_rows((line_for(WINE, 1), line_for(COLA, 2)), "en", CNY)
    assert [r.age_restricted for r in rows] == [False, True]


def test_totals_show_each_promotion_saving() -> None:
    promo = MultiBuy(
        id="cola",
        name_en="Cola 3 for 2",
        name_zh="可乐买二送一",
        buy=3,
        pay=2,
        target=Target(gtins=(COLA.gtin,)),
    )
    rules = PricingRules(promotions=(promo,))
    priced = price_cart([replace(line_for(COLA, 1), quantity=3)], rules, CNY)
    totals = totals_for(priced, "en", CNY)
    assert totals.items == 3
    assert totals.savings == (("Cola 3 for 2", "-CN¥3.50"),)
    assert totals.amount_due == "CN¥7.00"
    assert totals_for(priced, "zh_CN", CNY).savings == (("可乐买二送一", "-¥3.50"),)


def test_bagging_panel_words() -> None:
    assert bagging_text(BaggingState(online=False), "en")[1] is True
    waiting = BaggingState(pending=(Expected(1, 345, 10, 0.0), Expected(2, 100, 10, 0.0)))
    assert bagging_text(waiting, "en") == ("Place in the bagging area: 2 item(s)", True)
    settled = BaggingState(last_g=1405, settled_g=1405)
    assert bagging_text(settled, "zh_CN") == ("装袋区：1.405 千克", False)
