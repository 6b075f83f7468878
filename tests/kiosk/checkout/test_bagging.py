"""Bagging-area rules: tolerances, unexpected and removed items, own bag, grace period, the
confirmation delay, settling refinements, and the session's interventions and overrides."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kiosk.checkout import bagging as bg
from kiosk.checkout import effects as fx
from kiosk.checkout import events as ev
from kiosk.checkout.bagging import BaggingRules, BaggingState, Verdict
from kiosk.checkout.catalog import Catalog, Currency, Product
from kiosk.checkout.interventions import InterventionKind
from kiosk.checkout.rules import PricingRules
from kiosk.checkout.session import Checkout, CheckoutContext, CheckoutMachine, State

RULES = BaggingRules()
CNY = Currency("CNY", 2)


def settled(grams: int = 0) -> BaggingState:
    state, _ = bg.on_reading(BaggingState(), grams, True, RULES, 0.0)
    return state


def read(state: BaggingState, grams: int, at: float) -> tuple[BaggingState, bg.Finding | None]:
    return bg.on_reading(state, grams, True, RULES, at)


def expect(state: BaggingState, line: int, grams: int, at: float) -> BaggingState:
    return bg.expect(state, line, grams, bg.tolerance_for(grams, RULES, None), at)


@pytest.mark.parametrize(
    ("weight", "product", "tolerance"),
    [(100, None, 10), (1000, None, 50), (1000, 25, 50), (1000, 80, 80), (40, 6, 6)],
)
def test_tolerance_is_the_greater_of_absolute_and_relative(
    weight: int, product: int | None, tolerance: int
) -> None:
    assert bg.tolerance_for(weight, RULES, product) == tolerance


def test_item_within_tolerance_balances() -> None:
    state = expect(settled(), 1, 500, 1.0)
    state, finding = read(state, 520, 3.0)  # 500 +- 25
    assert finding == bg.Finding(Verdict.BALANCED)
    assert (state.pending, state.placed, state.settled_g) == ((), 1, 520)


def test_unexpected_item_is_confirmed_only_after_confirm_s() -> None:
    state = expect(settled(), 1, 500, 1.0)
    state, _ = read(state, 500, 3.0)
    state, finding = read(state, 640, 10.0)
    assert finding is None  # a suspicion for now
    assert bg.on_tick(state, 10.0 + RULES.confirm_s / 2, RULES) is None
    raised = bg.on_tick(state, 10.0 + RULES.confirm_s, RULES)
    assert raised == bg.Finding(Verdict.UNEXPECTED_ITEM, 140)
    assert bg.waiting_for_items(state, RULES)  # no paying meanwhile


def test_a_passing_disturbance_raises_nothing() -> None:
    state, _ = read(expect(settled(), 1, 500, 1.0), 500, 3.0)
    state, _ = read(state, 560, 10.0)  # a hand resting on the bag
    state, finding = read(state, 501, 10.8)
    assert finding == bg.Finding(Verdict.BALANCED)
    assert bg.on_tick(state, 20.0, RULES) is None
    assert state.suspect is None


def test_with_confirm_zero_the_finding_is_immediate() -> None:
    rules = BaggingRules(confirm_s=0)
    state, finding = bg.on_reading(settled(), 300, True, rules, 5.0)
    assert finding is not None
    assert finding.verdict == Verdict.UNEXPECTED_ITEM


def test_item_removed_after_the_longer_removal_delay() -> None:
    state, _ = read(expect(settled(), 1, 500, 1.0), 500, 3.0)
    state, _ = read(state, 2, 9.0)
    assert bg.on_tick(state, 9.0 + RULES.confirm_s, RULES) is None  # lifted to make room?
    removed = bg.on_tick(state, 9.0 + RULES.removal_confirm_s, RULES)
    assert removed == bg.Finding(Verdict.ITEM_REMOVED, -498)


def test_item_lifted_and_put_back_raises_nothing() -> None:
    state, _ = read(expect(settled(), 1, 500, 1.0), 500, 3.0)
    state, _ = read(state, 1, 9.0)
    state, finding = read(state, 499, 11.5)
    assert finding == bg.Finding(Verdict.BALANCED)
    assert bg.on_tick(state, 30.0, RULES) is None


def test_own_bag_once_and_bounded() -> None:
    state, finding = read(settled(), 40, 2.0)
    assert finding == bg.Finding(Verdict.BAG_ACCEPTED, 40)
    state, finding = read(state, 80, 4.0)  # a second bag
    assert finding is None
    assert state.suspect is not None
    assert state.suspect.finding.verdict == Verdict.UNEXPECTED_ITEM
    _, too_heavy = bg.on_reading(
        settled(), RULES.max_bag_g + 50, True, BaggingRules(confirm_s=0), 1
    )
    assert too_heavy is not None
    assert too_heavy.verdict == Verdict.UNEXPECTED_ITEM


def test_bag_put_down_after_the_first_scan_is_still_a_bag() -> None:
    state = expect(settled(), 1, 500, 1.0)
    state, finding = read(state, 35, 2.0)
    assert finding == bg.Finding(Verdict.BAG_ACCEPTED, 35)
    state, finding = read(state, 536, 4.0)
    assert finding == bg.Finding(Verdict.BALANCED)


def test_item_taken_for_the_bag_is_the_item_when_scanned() -> None:
    state, finding = read(settled(), 48, 2.0)  # put in before its scan: looks like a bag
    assert finding == bg.Finding(Verdict.BAG_ACCEPTED, 48)
    state = expect(state, 1, 48, 2.5)  # peppermints, 48 g
    assert (state.pending, state.bag_g, state.placed) == ((), 0, 1)
    state = expect(state, 2, 190, 5.0)
    state, finding = read(state, 240, 8.0)
    assert finding == bg.Finding(Verdict.BALANCED)


def test_bag_taken_for_an_item_comes_good_with_everything_awaited() -> None:
    state, _ = read(settled(), 110, 2.0)  # the shopper's bag
    state = expect(state, 1, 60, 2.5)
    state = expect(state, 2, 108, 3.0)  # ...about as heavy as the bag: taken for it
    state, finding = read(state, 278, 8.0)  # both items go in together
    assert finding == bg.Finding(Verdict.BAG_ACCEPTED, 110)
    assert (state.pending, state.placed) == ((), 2)


def test_bag_taken_for_a_light_item_is_a_bag_when_the_item_comes() -> None:
    state = expect(settled(), 1, 45, 1.0)  # sponges, 45 g
    state, first = read(state, 50, 1.5)  # ... but this is the shopper's bag settling
    assert first == bg.Finding(Verdict.BALANCED)
    state, finding = read(state, 96, 4.0)  # the sponges
    assert finding == bg.Finding(Verdict.BAG_ACCEPTED, 50)


def test_not_bagged_after_the_grace_period() -> None:
    state = expect(settled(), 7, 300, 1.0)
    assert bg.on_tick(state, 1.0 + RULES.grace_s - 0.5, RULES) is None
    assert bg.on_tick(state, 1.0 + RULES.grace_s + 0.5, RULES) == bg.Finding(
        Verdict.NOT_BAGGED, 0, 300, 7
    )


def test_merged_scans_are_awaited_one_by_one() -> None:
    """Two scans of one product share a line id; placing one leaves the other awaited."""
    state = expect(expect(settled(), 3, 345, 1.0), 3, 345, 2.0)
    state, finding = read(state, 346, 4.0)
    assert finding == bg.Finding(Verdict.BALANCED)
    assert len(state.pending) == 1
    state, finding = read(state, 690, 6.0)
    assert (finding, state.pending) == (bg.Finding(Verdict.BALANCED), ())


def test_voiding_part_of_a_line() -> None:
    state = expect(expect(settled(), 3, 345, 1.0), 3, 345, 2.0)
    state, _ = read(state, 345, 4.0)  # one of the two is in the bag
    state = bg.expect_removal(state, 3, 345, 17, 5.0)  # one is voided: the awaited one goes
    assert (state.pending, state.removals) == ((), ())
    state = bg.expect_removal(state, 3, 345, 17, 6.0)  # the other is voided too: take it out
    state, finding = read(state, 1, 8.0)
    assert finding == bg.Finding(Verdict.BALANCED)


def test_drift_within_the_noise_floor_is_followed() -> None:
    state = settled(1000)
    for step in range(1, 40):
        state, finding = read(state, 1000 + 3 * step, float(step))
        assert finding == bg.Finding(Verdict.BALANCED)
    assert bg.on_tick(state, 100.0, RULES) is None


def test_item_placed_just_before_its_scan() -> None:
    state, _ = read(settled(), 1, 0.5)
    state, finding = read(state, 520, 2.0)
    assert finding is None  # suspicious for now
    state = expect(state, 1, 500, 2.5)  # ...then it is scanned
    assert (state.suspect, state.pending) == (None, ())
    assert bg.on_tick(state, 10.0, RULES) is None


def test_settling_refines_an_early_reading_but_only_soon_after() -> None:
    state = expect(settled(100), 1, 180, 1.0)
    state, _ = read(state, 272, 3.0)  # taken while still settling: 172 of 180
    state, finding = read(state, 280, 3.0 + RULES.refine_s / 2)
    assert finding == bg.Finding(Verdict.BALANCED)
    later, finding = read(state, 288, 3.0 + RULES.refine_s * 3)  # something added later
    assert finding is None
    assert later.suspect is not None


def test_light_item_that_may_have_gone_in_with_a_heavy_one_is_not_chased() -> None:
    state = expect(expect(settled(), 1, 920, 1.0), 2, 12, 2.0)
    state, finding = read(state, 925, 5.0)  # oil and sachet together, or oil alone
    assert finding == bg.Finding(Verdict.BALANCED)
    assert bg.on_tick(state, 5.0 + RULES.grace_s * 2, RULES) is None
    assert not bg.waiting_for_items(state, RULES)
    state, finding = read(state, 937, 8.0)  # the sachet on its own after all
    assert finding == bg.Finding(Verdict.BALANCED)


def test_relative_tolerance_setting() -> None:
    rules = BaggingRules(rel_tolerance=Decimal("0.02"))
    assert bg.tolerance_for(1000, rules, None) == 20


# -- through the session ------------------------------------------------------------------

PRODUCTS = [
    Product(gtin="5449000039231", name_en="Cola", name_zh="可乐", price=350, unit_weight_g=345,
            tax_category="standard"),
    Product(gtin="7622200008018", name_en="Chocolate", name_zh="巧克力", price=1390,
            unit_weight_g=106, tax_category="standard"),
    Product(gtin="6901234567892", name_en="Water 6-pack", name_zh="水", price=1990,
            unit_weight_g=9200, not_bagged=True, tax_category="standard"),
]  # fmt: skip


@pytest.fixture
def machine() -> CheckoutMachine:
    return CheckoutMachine(CheckoutContext(Catalog(PRODUCTS), PricingRules(), CNY))


def run(machine: CheckoutMachine, *events: ev.Event) -> tuple[Checkout, list[fx.Effect]]:
    state, effects = machine.initial(), []
    for e in events:
        t = machine.step(state, e)
        state, effects = t.state, effects + list(t.effects)
    return state, effects


def kinds(state: Checkout) -> list[InterventionKind]:
    return [i.kind for i in state.interventions]


def test_session_swap_needs_staff_and_the_override_is_recorded(machine: CheckoutMachine) -> None:
    state, effects = run(
        machine,
        ev.WeightChanged(at=0, grams=0, stable=True),
        ev.StartShopping(at=1),
        ev.ItemScanned(at=2, code="7622200008018"),
        ev.WeightChanged(at=4, grams=640, stable=True),  # a 640 g tin, not 106 g chocolate
        ev.Tick(at=4 + RULES.confirm_s),
    )
    assert kinds(state) == [InterventionKind.WEIGHT_MISMATCH]
    assert state.state == State.INTERVENTION
    assert any(isinstance(e, fx.CallStaff) for e in effects)
    item = state.interventions[0]
    state, effects = run(
        machine,
        ev.WeightChanged(at=0, grams=0, stable=True),
        ev.StartShopping(at=1),
        ev.ItemScanned(at=2, code="7622200008018"),
        ev.WeightChanged(at=4, grams=640, stable=True),
        ev.Tick(at=4 + RULES.confirm_s),
        ev.StaffSignedIn(at=8, staff_id="s01", name="Wang"),
        ev.StaffResolve(at=9, intervention_id=item.id),
        ev.ItemScanned(at=10, code="5449000039231"),
        ev.WeightChanged(at=12, grams=985, stable=True),
    )
    assert state.state == State.SHOPPING
    audits = [e for e in effects if isinstance(e, fx.Audit)]
    assert any(a.action == "resolve_weight_mismatch" and a.staff_id == "s01" for a in audits)


def test_session_not_bagged_items_are_not_awaited(machine: CheckoutMachine) -> None:
    state, _ = run(
        machine,
        ev.WeightChanged(at=0, grams=0, stable=True),
        ev.ItemScanned(at=1, code="6901234567892"),
        ev.Tick(at=1 + RULES.grace_s + 5),
    )
    assert kinds(state) == []
    assert not bg.waiting_for_items(state.bag, RULES)


def test_session_unexpected_item_clears_when_taken_out(machine: CheckoutMachine) -> None:
    state, effects = run(
        machine,
        ev.WeightChanged(at=0, grams=0, stable=True),
        ev.StartShopping(at=1),
        ev.ItemScanned(at=2, code="5449000039231"),
        ev.WeightChanged(at=4, grams=346, stable=True),
        ev.WeightChanged(at=8, grams=746, stable=True),  # something not scanned
        ev.Tick(at=8 + RULES.confirm_s),
    )
    assert kinds(state) == [InterventionKind.UNEXPECTED_ITEM]
    t = machine.step(state, ev.WeightChanged(at=12, grams=347, stable=True))
    assert kinds(t.state) == []
    assert any(isinstance(e, fx.StaffNoLongerNeeded) for e in t.effects)


def test_a_swap_is_not_excused_as_a_late_bag() -> None:
    state = expect(settled(), 1, 48, 1.0)  # peppermints, 48 g
    state, _ = read(state, 47, 5.4)  # in the bag; no own bag so far
    state = expect(state, 2, 60, 6.8)  # a 60 g cartridge is scanned...
    state, finding = read(state, 170, 10.8)  # ...and a 124 g item goes in
    assert finding is None
    assert state.suspect is not None
    assert state.suspect.finding.verdict == Verdict.WEIGHT_MISMATCH
