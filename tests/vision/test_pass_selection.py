"""The pass-selection tool: greedy on photos gained per ms, only from the photos it is given."""

from __future__ import annotations

from benchmarks.tools.pass_selection import FIRST, Outcome, choose

# photos 0-3 have a code, 4 has none
EXPECTED = ["a", "b", "c", "d", None]


def _row(hits: set[int], ms: float, false: bool = False, credit: float = 1.0) -> list[Outcome]:
    return [Outcome(ms, credit if i in hits else 0.0, false and i == 4) for i in range(5)]


def test_cheap_gains_come_first_and_useless_passes_are_left_out() -> None:
    table = {
        FIRST: _row({0}, 1.0),
        "slow_many": _row({1, 2, 3}, 30.0),
        "cheap_one": _row({1}, 1.0),
        "nothing": _row(set(), 0.1),
    }
    assert choose(table, range(5), EXPECTED) == [FIRST, "cheap_one", "slow_many"]


def test_a_pass_that_reads_a_photo_without_a_code_is_never_taken() -> None:
    table = {FIRST: _row({0}, 1.0), "liar": _row({1, 2, 3}, 1.0, false=True)}
    assert choose(table, range(5), EXPECTED) == [FIRST]


def test_only_the_given_photos_count() -> None:
    table = {FIRST: _row(set(), 1.0), "left": _row({0, 1}, 1.0), "right": _row({2, 3}, 1.0)}
    assert choose(table, [0, 1, 4], EXPECTED) == [FIRST, "left"]
    assert choose(table, [2, 3, 4], EXPECTED) == [FIRST, "right"]


def test_weak_reads_count_once_they_add_up() -> None:
    table = {
        FIRST: _row({1, 2}, 1.0, credit=0.5),
        "weak": _row({1, 2}, 1.0, credit=0.5),  # completes photos 1 and 2 together with FIRST
        "weaker": _row({3}, 0.1, credit=0.5),  # half a photo: too little to be worth a pass
    }
    assert choose(table, range(5), EXPECTED) == [FIRST, "weak"]
