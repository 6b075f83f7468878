"""Sequence bookkeeping: the high-water mark walks over stored, quarantined and lost seqs."""

from __future__ import annotations

from fleet.store.gaps import walk


def test_walk_finds_the_first_hole() -> None:
    assert walk(0, [1, 2, 3], []) == (3, None)
    assert walk(0, [1, 2, 5, 6], []) == (2, 5)
    assert walk(2, [3, 4], []) == (4, None)
    assert walk(0, [], []) == (0, None)
    assert walk(0, [2], []) == (0, 2)


def test_walk_passes_over_lost_ranges() -> None:
    assert walk(0, [1, 5, 6], [(2, 4)]) == (6, None)
    assert walk(0, [1, 5], [(2, 3)]) == (3, 5)
    assert walk(0, [], [(1, 3), (4, 4)]) == (4, None)
    assert walk(0, [3, 4], [(1, 3)]) == (4, None)
