"""Bagging-area security: does what lies in the bag match what was scanned?

Only stable readings decide. Each stable change of the bag is explained by items scanned and
not yet placed (pending), by voided items being taken out (removals) or, once and before any
item is placed, by the shopper's own bag (up to `max_bag_g`); anything else is a discrepancy.
The expected change per item is accepted within the greater of an absolute and a relative
tolerance, or the product's own tolerance. A discrepancy is only a suspicion at first: it
becomes a finding once it has lasted `confirm_s` (a hand resting on the bag, a bag being
rearranged, an item put down just before it is scanned all resolve themselves within that
time). Settled drift within the noise floor is followed, so a slowly creeping scale never
raises an alarm; a reading accepted while the bag was still settling is refined by the
settled one instead of the difference counting as a new item; and a light item that could
have gone in unnoticed with a heavier one is not chased as unbagged.
"""

from __future__ import annotations

import math
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
    refine_s: float = Field(
        default=0.6,
        ge=0,
        le=10,
        description="a reading this soon after an accepted one may still be its settling",
    )
    confirm_s: float = Field(
        default=0.75,
        ge=0,
        le=30,
        description="a discrepancy must last this long before it is raised (0: at once)",
    )
    removal_confirm_s: float = Field(
        default=4.0,
        ge=0,
        le=60,
        description="the same for weight leaving the bag: shoppers lift items to make room",
    )


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
    key: int = 0  # unique within a session: one line can be expected twice (merged scans)
    ambiguous: bool = False  # light enough to have gone in unnoticed with a later placement


@dataclass(frozen=True)
class Finding:
    verdict: Verdict
    change_g: int = 0
    expected_g: int = 0
    line_id: int | None = None


@dataclass(frozen=True)
class Suspicion:
    finding: Finding
    since: float


@dataclass(frozen=True)
class Anchor:
    """The last accepted change: a reading taken while the scale was still settling may
    have been accepted; the settled reading then refines it rather than being a new change."""

    before_g: int  # the settled reading before that change
    expected_g: int  # what was accepted as explaining it (negative for removals)
    tolerance_g: int
    at: float  # when the accepted reading came
    bag: bool = False  # the change was the shopper's own bag


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
    suspect: Suspicion | None = None  # an unexplained change, not yet raised
    anchor: Anchor | None = None  # the last accepted change, for refining it
    # The first change matched a light item but could have been the shopper's bag:
    # (change, expected, tolerance, at) of that item, in case it arrives after all.
    bag_or_item: tuple[int, int, int, float] | None = None
    next_key: int = 1
    last_at: float = 0.0  # time of the latest stable reading

    @property
    def discrepancy_g(self) -> int:
        if self.last_g is None or self.settled_g is None:
            return 0
        return self.last_g - self.settled_g


def tolerance_for(weight_g: int, rules: BaggingRules, product_tolerance_g: int | None) -> int:
    base = product_tolerance_g if product_tolerance_g is not None else rules.abs_tolerance_g
    return max(base, int(rules.rel_tolerance * weight_g))


def _active(state: BaggingState, rules: BaggingRules) -> bool:
    return rules.enabled and state.online and state.checking


def start(state: BaggingState) -> BaggingState:
    """A new session: whatever lies on the scale now is the baseline."""
    return BaggingState(online=state.online, last_g=state.last_g, settled_g=state.last_g)


def expect(
    state: BaggingState, line_id: int, weight_g: int | None, tolerance_g: int, at: float
) -> BaggingState:
    """An item was scanned: wait for it. If it already lies in the bag (put in just before
    its scan, as a change still under suspicion or one taken for the shopper's bag), it is
    settled at once."""
    item = Expected(line_id, weight_g, tolerance_g, at, state.next_key)
    state = replace(state, pending=state.pending + (item,), next_key=state.next_key + 1)
    if state.last_g is None or state.settled_g is None:
        return state
    if state.suspect is not None:
        explained = _place(state, state.last_g - state.settled_g)
        if explained is None:
            return state
        return replace(explained, settled_g=state.last_g, suspect=None)
    anchor = state.anchor
    was_bag = anchor is not None and anchor.bag and state.placed == 0
    if anchor is None or not was_bag or weight_g is None:
        return state
    if abs(state.bag_g - weight_g) > tolerance_g:
        return state
    # That "bag" was this item; should a bag of that weight follow, it is one after all.
    placed = replace(state, bag_g=0, pending=state.pending[:-1], placed=1)
    item_anchor = replace(anchor, bag=False, expected_g=weight_g, tolerance_g=tolerance_g)
    return replace(placed, bag_or_item=(state.bag_g, weight_g, tolerance_g, at), anchor=item_anchor)


def expect_removal(
    state: BaggingState, line_id: int, weight_g: int, tolerance_g: int, at: float
) -> BaggingState:
    """A voided line (or part of it): what was not yet placed is no longer awaited; whatever
    of `weight_g` is left should leave the bag."""
    pending: list[Expected] = []
    left = weight_g
    for item in reversed(state.pending):
        if item.line_id == line_id and left > 0:
            left -= item.weight_g or 0
        else:
            pending.insert(0, item)
    state = replace(state, pending=tuple(pending))
    if left <= 0:
        return state
    removal = Expected(line_id, left, tolerance_g, at, state.next_key)
    return replace(state, removals=state.removals + (removal,), next_key=state.next_key + 1)


def accept_as_is(state: BaggingState) -> BaggingState:
    """Staff override: what is on the scale now is right."""
    return replace(
        state,
        settled_g=state.last_g,
        pending=(),
        removals=(),
        suspect=None,
        anchor=None,
        bag_or_item=None,
    )


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


def _place(state: BaggingState, change: int) -> BaggingState | None:
    """The state with the pending items that explain a positive `change` placed, or None.

    Items still pending that would also have fitted within the tolerance are marked
    ambiguous: too light to tell whether they went in too, they are not chased as unbagged.
    """
    subset = _best_subset(change, state.pending)
    if subset is None:
        return None
    keys = {e.key for e in subset}
    total = sum(e.weight_g or 0 for e in subset)
    tolerance = sum(e.tolerance_g for e in subset)
    pending = tuple(
        replace(e, ambiguous=True)
        if e.weight_g is not None and abs(change - total - e.weight_g) <= tolerance + e.tolerance_g
        else e
        for e in state.pending
        if e.key not in keys
    )
    before = state.settled_g if state.settled_g is not None else 0
    known = all(e.weight_g for e in subset)
    anchor = Anchor(before, total, tolerance, state.last_at) if known else None
    return replace(state, pending=pending, placed=state.placed + len(subset), anchor=anchor)


def _refine(state: BaggingState, rules: BaggingRules) -> BaggingState | None:
    """The settled reading still fits the last accepted change: take it as that change."""
    anchor, grams = state.anchor, state.last_g
    if anchor is None or grams is None or state.last_at - anchor.at > rules.refine_s:
        return None
    total = grams - anchor.before_g
    if anchor.bag:
        # The bag settled into what an awaited item weighs: it was the item, not a bag.
        placed = _place(replace(state, bag_g=0, settled_g=anchor.before_g), total)
        if placed is not None:
            return replace(placed, settled_g=grams)
        if 0 < total <= rules.max_bag_g:
            return replace(state, settled_g=grams, bag_g=total)
        return None
    if abs(total - anchor.expected_g) <= anchor.tolerance_g:
        return replace(state, settled_g=grams)
    return None


def _bag_after_all(state: BaggingState, change: int, rules: BaggingRules) -> BaggingState | None:
    """What the first change was taken for arrives now, with everything else awaited and
    within the grace period: that first change was the shopper's bag."""
    if state.bag_or_item is None or state.bag_g:
        return None
    bag, expected, tolerance, at = state.bag_or_item
    if state.last_at - at > rules.grace_s or any(e.weight_g is None for e in state.pending):
        return None
    expected += sum(e.weight_g or 0 for e in state.pending)
    # A fallback reading of the bag, so held to a tighter bound than items placed together:
    # the tolerances add as independent errors do.
    spread = math.sqrt(tolerance**2 + sum(e.tolerance_g**2 for e in state.pending))
    if abs(change - expected) > spread:
        return None
    placed = state.placed + len(state.pending)
    return replace(
        state, settled_g=state.last_g, bag_g=bag, bag_or_item=None, pending=(), placed=placed
    )


def _explain(state: BaggingState, change: int, rules: BaggingRules) -> tuple[BaggingState, Finding]:
    """Settle a stable change against what is expected, or say what does not fit."""
    grams = state.last_g
    if abs(change) <= rules.noise_floor_g:
        return replace(state, settled_g=grams), Finding(Verdict.BALANCED)
    bag_allowed = state.placed == 0 and state.bag_g == 0 and change <= rules.max_bag_g
    if change > 0:
        placed = _place(state, change)
        if placed is not None:
            if bag_allowed and placed.anchor is not None:
                a = placed.anchor
                ambiguous = (change, a.expected_g, a.tolerance_g, state.last_at)
                placed = replace(placed, bag_or_item=ambiguous)
            return replace(placed, settled_g=grams), Finding(Verdict.BALANCED)
        if (late := _bag_after_all(state, change, rules)) is not None:
            return late, Finding(Verdict.BAG_ACCEPTED, late.bag_g)
        if bag_allowed:
            anchor = Anchor(state.settled_g or 0, change, 0, state.last_at, bag=True)
            return replace(state, settled_g=grams, bag_g=change, anchor=anchor), Finding(
                Verdict.BAG_ACCEPTED, change
            )
        if (refined := _refine(state, rules)) is not None:
            return refined, Finding(Verdict.BALANCED)
        if state.pending:
            expected = sum(e.weight_g or 0 for e in state.pending)
            return state, Finding(
                Verdict.WEIGHT_MISMATCH, change, expected, state.pending[0].line_id
            )
        return state, Finding(Verdict.UNEXPECTED_ITEM, change)
    subset = _best_subset(-change, state.removals)
    if subset is not None:
        keys = {e.key for e in subset}
        removals = tuple(e for e in state.removals if e.key not in keys)
        total = -sum(e.weight_g or 0 for e in subset)
        tolerance = sum(e.tolerance_g for e in subset)
        anchor = Anchor(state.settled_g or 0, total, tolerance, state.last_at)
        return replace(state, settled_g=grams, removals=removals, anchor=anchor), Finding(
            Verdict.BALANCED
        )
    if (refined := _refine(state, rules)) is not None:
        return refined, Finding(Verdict.BALANCED)
    return state, Finding(Verdict.ITEM_REMOVED, change)


def on_reading(
    state: BaggingState, grams: int, stable: bool, rules: BaggingRules, at: float
) -> tuple[BaggingState, Finding | None]:
    if not stable:
        return state, None
    state = replace(state, last_g=grams, last_at=at)
    if state.settled_g is None:
        return replace(state, settled_g=grams), None
    if not _active(state, rules):
        return replace(state, settled_g=grams, suspect=None), None
    state, finding = _explain(state, grams - state.settled_g, rules)
    if finding.verdict in (Verdict.BALANCED, Verdict.BAG_ACCEPTED):
        return replace(state, suspect=None), finding
    since = state.suspect.since if state.suspect is not None else at
    state = replace(state, suspect=Suspicion(finding, since))
    if at - since >= _confirm_after(finding, rules):
        return state, finding
    return state, None


def _confirm_after(finding: Finding, rules: BaggingRules) -> float:
    removed = finding.verdict == Verdict.ITEM_REMOVED
    return rules.removal_confirm_s if removed else rules.confirm_s


def on_tick(state: BaggingState, at: float, rules: BaggingRules) -> Finding | None:
    """A suspicion that has lasted, or an item scanned longer ago than the grace period and
    still not in the bag."""
    if not _active(state, rules):
        return None
    # A suspicion counts only while the bag still disagrees: the runtime may have settled
    # the bag since (bags lifted while paying).
    if state.suspect is not None and abs(state.discrepancy_g) > rules.noise_floor_g:
        if at - state.suspect.since >= _confirm_after(state.suspect.finding, rules):
            return state.suspect.finding
        return None
    awaited = [e for e in state.pending if not e.ambiguous]
    if not awaited:
        return None
    oldest = awaited[0]
    if at - oldest.since > rules.grace_s:
        return Finding(Verdict.NOT_BAGGED, 0, oldest.weight_g or 0, oldest.line_id)
    return None


def waiting_for_items(state: BaggingState, rules: BaggingRules) -> bool:
    """Payment waits while items are awaited or a change is still under suspicion."""
    awaited = any(not e.ambiguous for e in state.pending)
    return bool(_active(state, rules) and (awaited or state.suspect is not None))
