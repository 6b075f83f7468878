"""Shelf detection on generated streams (the noise model of the simulators): picks and
put-backs with quantities, neighbours at once, spikes, drift, stock and low-stock events."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from devices.weighing.events import LowStock, ShelfEvent, ShelfEventKind
from devices.weighing.physics import LoadCellBank, NoiseSettings
from devices.weighing.planogram import PlanogramError, PlatePlan, ShelfPlan, load_planogram
from devices.weighing.shelf import ShelfDetector, quantity_and_confidence

UNITS = (345.0, 28.0, 106.0, 1060.0, 160.0)
STOCK = (12, 30, 15, 6, 10)


def plan(crosstalk: float = 0.01) -> ShelfPlan:
    plates = tuple(
        PlatePlan(channel=i, gtin="48512343", unit_weight_g=u, low_stock=3, stock=s)
        for i, (u, s) in enumerate(zip(UNITS, STOCK, strict=True))
    )
    return ShelfPlan(id="A1", board="SHELF1", crosstalk=crosstalk, plates=plates)


def run(
    handlings: list[tuple[int, float, float]],
    sps: int = 80,
    seconds: float = 12.0,
    seed: int = 1,
    noise: NoiseSettings | None = None,
    crosstalk_estimate: float = 0.01,
) -> list[ShelfEvent | LowStock]:
    """Generate the stream for (plate, start, grams) handlings and run the detector over it."""
    rng = np.random.default_rng(seed)
    start = [u * s for u, s in zip(UNITS, STOCK, strict=True)]
    bank = LoadCellBank(len(UNITS), sps, noise or NoiseSettings(), rng, start)
    for plate, at, grams in handlings:
        bank.handle(plate, at, grams)
    detector = ShelfDetector(plan(), sps, crosstalk=crosstalk_estimate)
    times, grams = bank.sample(int(seconds * sps))
    out: list[ShelfEvent | LowStock] = []
    for k, t in enumerate(times):
        for ch in range(len(UNITS)):
            out += detector.feed(ch, float(grams[k, ch]), float(t))
    return out


def summary(events: list[ShelfEvent | LowStock]) -> list[tuple[int, str, int]]:
    return sorted((e.plate, e.kind.value, e.quantity) for e in events if isinstance(e, ShelfEvent))


@pytest.mark.parametrize("sps", [10, 80])
def test_picks_and_put_backs_with_quantities(sps: int) -> None:
    events = run([(0, 2.0, -345), (2, 4.0, -212), (4, 6.0, 160), (3, 8.0, -1060)], sps=sps)
    assert summary(events) == [(0, "pick", 1), (2, "pick", 2), (3, "pick", 1), (4, "put", 1)]
    assert all(e.confidence > 0.9 for e in events if isinstance(e, ShelfEvent))


def test_simultaneous_neighbours_next_to_a_heavy_plate() -> None:
    """Gum (28 g) between a can and chocolate, milk (1 kg) next door: all at once."""
    events = run([(1, 3.0, -56), (2, 3.1, -106), (3, 3.05, -2120), (0, 2.95, 345)])
    assert summary(events) == [(0, "put", 1), (1, "pick", 2), (2, "pick", 1), (3, "pick", 2)]


def test_spikes_and_drift_make_no_events() -> None:
    noisy = NoiseSettings(spike_rate=0.02, drift_g_per_min=4.0)
    events = run([], seconds=40, noise=noisy, seed=7)
    assert summary(events) == []


def test_coupling_alone_makes_no_events_on_neighbours() -> None:
    """Two milk bottles leave plate 3; plates 2 and 4 see 1 % of it and must stay quiet,
    even with the crosstalk estimate 30 % off."""
    events = run([(3, 2.0, -2120), (3, 6.0, 2120)], crosstalk_estimate=0.013, seconds=10)
    assert summary(events) == [(3, "pick", 2), (3, "put", 2)]


def test_a_foreign_item_is_unexplained_not_a_put_back() -> None:
    # 0.47 and 0.66 of a milk bottle: no whole number of units.
    events = run([(3, 2.0, 500), (3, 5.0, 700)])
    kinds = [(e.kind, e.quantity) for e in events if isinstance(e, ShelfEvent)]
    assert kinds == [(ShelfEventKind.UNEXPLAINED, 0)] * 2


def test_stock_and_low_stock() -> None:
    events = run([(3, 2.0, -1060), (3, 4.5, -2120), (3, 7.5, 1060)])
    shelf = [e for e in events if isinstance(e, ShelfEvent)]
    low = [e for e in events if isinstance(e, LowStock)]
    assert [e.stock for e in shelf] == [5, 3, 4]
    assert [(e.plate, e.stock, e.threshold) for e in low] == [(3, 3, 3)]


def test_confidence_falls_between_counts() -> None:
    assert quantity_and_confidence(-100, 100, 2, 1.5)[:2] == (1, pytest.approx(1.0, abs=0.01))
    q, confidence, _ = quantity_and_confidence(-150, 100, 2, 1.5)
    assert q in (1, 2)
    assert confidence < 0.6


def test_shipped_planogram_loads(repo_root: Path) -> None:
    planogram = load_planogram(repo_root / "config" / "planogram.toml")
    shelf = planogram.shelf("A1")
    assert shelf.neighbours(0) == (1,)
    assert shelf.neighbours(2) == (1, 3)


def test_bad_planogram_names_file_and_key(tmp_path: Path) -> None:
    path = tmp_path / "planogram.toml"
    path.write_text('[[shelves]]\nid = "X"\nboard = "B"\n[[shelves.plates]]\nchannel = 0\n'
                    'gtin = "123"\nunit_weight_g = 10\n')  # fmt: skip
    with pytest.raises(PlanogramError, match=r"planogram.toml: shelves\.0\.plates\.0\.gtin"):
        load_planogram(path)
