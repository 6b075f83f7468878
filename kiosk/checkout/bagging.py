"""Bagging-area security: does what lies in the bag match what was scanned?

Only stable readings decide. Each stable change of the bag is explained by items scanned and
not yet placed (pending), by voided items being taken out (removals) or, once, by the
shopper's own bag; anything else is a discrepancy. The expected change per item is accepted
within the greater of an absolute and a relative tolerance, or the product's own tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from itertools import combinations

from pydantic import BaseModel, ConfigDict, Field

MAX_SUBSET = 6  # items considered as placed together in one change


class BaggingRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(default=True, description="check the bagging area at all")
    abs_tolerance_g: int = Field(default=10, ge=1, le=500, description="grams either way")
    rel_tolerance: Decimal = Field(
        default=Decimal("0.05"), ge=0, le=1, description="fraction of the expected weight"
    )
    noise_floor_g: int = Field(default=4, ge=0, le=100, description="smaller changes ignored")
    grace_s: float = Field(default=10.0, ge=1, le=300, description="time to bag after a scan")
    max_bag_g: int = Field(default=150, ge=0, le=2000, description="own bag accepted up to")


class Verdict(StrEnum):
    BALANCED = "balanced"  # the bag matches: any weight intervention can close
    BAG_ACCEPTED = "bag_accepted"
    UNEXPECTED_ITEM = "unexpected_item"
    ITEM_REMOVED = "item_removed"
    WEIGHT_MISMATCH = "weight_mismatch"
    NOT_BAGGED = "not_bagged"


@dataclass(frozen=True)
class Expected:
    line_id: int
    weight_g: int | None  # None: unknown weight, any positive change is accepted
    tolerance_g: int
    since: float


@dataclass(frozen=True)
class Finding:
    verdict: Verdict
    change_g: int = 0
    expected_g: int = 0
    line_id: int | None = None


@dataclass(frozen=True)
class BaggingState:
    online: bool = True
    checking: bool = True  # False after staff let the sale go on without the scale
    last_g: int | None = None  # latest stable reading
    settled_g: int | None = None  # the reading everything so far explains
    pending: tuple[Expected, ...] = ()  # scanned, not yet in the bag
    removals: tuple[Expected, ...] = ()  # voided, still in the bag
    bag_g: int = 0
    placed: int = 0  # items confirmed in the bag

    @property
    def discrepancy_g(self) -> int:
        if self.last_g is None or self.settled_g is None:
            return 0
        return self.last_g - self.settled_g


def tolerance_for(weight_g: int, rules: BaggingRules, product_tolerance_g: int | None) -> int:
    base = product_tolerance_g if product_tolerance_g is not None else rules.abs_tolerance_g
    return max(base, int(rules.rel_tolerance * weight_g))


def start(state: BaggingState) -> BaggingState:
    """A new session: whatever lies on the scale now is the baseline."""
    return BaggingState(online=state.online, last_g=state.last_g, settled_g=state.last_g)


def expect(
    state: BaggingState, line_id: int, weight_g: int | None, tolerance_g: int, at: float
) -> BaggingState:
    return replace(state, pending=state.pending + (Expected(line_id, weight_g, tolerance_g, at),))


def expect_removal(
    state: BaggingState, line_id: int, weight_g: int, tolerance_g: int, at: float
) -> BaggingState:
    """A voided line: if it was placed, its weight should leave; if not, stop waiting for it."""
    still_pending = tuple(p for p in state.pending if p.line_id != line_id)
    if len(still_pending) != len(state.pending):
        return replace(state, pending=still_pending)
    return replace(state, removals=state.removals + (Expected(line_id, weight_g, tolerance_g, at),))


def accept_as_is(state: BaggingState) -> BaggingState:
    """Staff override: what is on the scale now is right."""
    return replace(state, settled_g=state.last_g, pending=(), removals=())


def _best_subset(change: int, candidates: tuple[Expected, ...]) -> tuple[Expected, ...] | None:
    best: tuple[int, tuple[Expected, ...]] | None = None
    pool = candidates[:MAX_SUBSET]
    for size in range(1, len(pool) + 1):
        for subset in combinations(pool, size):
            if any(e.weight_g is None for e in subset):
                if size == 1 and change > 0:
                    error = 0
                else:
                    continue
            else:
                total = sum(e.weight_g or 0 for e in subset)
                error = abs(change - total)
                if error > sum(e.tolerance_g for e in subset):
                    continue
            if best is None or error < best[0]:
                best = (error, subset)
    return best[1] if best else None


def on_reading(
    state: BaggingState, grams: int, stable: bool, rules: BaggingRules
) -> tuple[BaggingState, Finding | None]:
    if not stable:
        return state, None
    state = replace(state, last_g=grams)
    if state.settled_g is None:
        return replace(state, settled_g=grams), None
    if not (rules.enabled and state.online and state.checking):
        return replace(state, settled_g=grams), None
    change = grams - state.settled_g
    if abs(change) <= rules.noise_floor_g:
        return state, Finding(Verdict.BALANCED)
    if change > 0:
        subset = _best_subset(change, state.pending)
        if subset is not None:
            ids = {e.line_id for e in subset}
            pending = tuple(e for e in state.pending if e.line_id not in ids)
            placed = state.placed + len(subset)
            return replace(state, settled_g=grams, pending=pending, placed=placed), Finding(
                Verdict.BALANCED
            )
        if (
            not state.pending
            and state.placed == 0
            and state.bag_g == 0
            and change <= rules.max_bag_g
        ):
            return replace(state, settled_g=grams, bag_g=change), Finding(
                Verdict.BAG_ACCEPTED, change
            )
        if state.pending:
            expected = sum(e.weight_g or 0 for e in state.pending)
            return state, Finding(
                Verdict.WEIGHT_MISMATCH, change, expected, state.pending[0].line_id
            )
        return state, Finding(Verdict.UNEXPECTED_ITEM, change)
    subset = _best_subset(-change, state.removals)
    if subset is not None:
        ids = {e.line_id for e in subset}
        removals = tuple(e for e in state.removals if e.line_id not in ids)
        return replace(state, settled_g=grams, removals=removals), Finding(Verdict.BALANCED)
    return state, Finding(Verdict.ITEM_REMOVED, change)


def on_tick(state: BaggingState, at: float, rules: BaggingRules) -> Finding | None:
    """An item scanned longer ago than the grace period and still not in the bag."""
    if not (rules.enabled and state.online and state.checking) or not state.pending:
        return None
    oldest = state.pending[0]
    if at - oldest.since > rules.grace_s:
        return Finding(Verdict.NOT_BAGGED, 0, oldest.weight_g or 0, oldest.line_id)
    return None


def waiting_for_items(state: BaggingState, rules: BaggingRules) -> bool:
    return bool(rules.enabled and state.online and state.checking and state.pending)
