"""Produce is found by the first letters of an English word, Chinese text, or PLU code."""

from __future__ import annotations

from kiosk.ui.produce_search import search
from tests.kiosk.builders import product

BANANAS = product("2004011000002", 698, name_en="Bananas", name_zh="香蕉", plu="4011")
GRAPES = product("2004023000007", 2600, name_en="Red grapes", name_zh="红提", plu="4023")
ONIONS = product("2004665000007", 450, name_en="Red onions", name_zh="红洋葱", plu="4665")
ALL = [BANANAS, GRAPES, ONIONS]


def test_search_by_word_start_chinese_and_code() -> None:
    assert search(ALL, "") == ALL
    assert search(ALL, "RED") == [GRAPES, ONIONS]
    assert search(ALL, "gr") == [GRAPES]
    assert search(ALL, "apes") == []
    assert search(ALL, "红") == [GRAPES, ONIONS]
    assert search(ALL, "40") == [BANANAS, GRAPES]
    assert search(ALL, "4665") == [ONIONS]
