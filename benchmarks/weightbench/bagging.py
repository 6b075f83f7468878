"""Shopper sessions on the simulated bagging scale, judged by the real CheckoutMachine."""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from tqdm import tqdm

from devices.weighing.frames import Flags, Sample, Unit
from devices.weighing.physics import LoadCellBank, NoiseSettings
from devices.weighing.scale import ScaleProcessor, ScaleSettings
from kiosk.adapters.weights import BaggingScaleBridge
from kiosk.checkout import events as ev
from kiosk.checkout.bagging import BaggingRules, tolerance_for
from kiosk.checkout.catalog import Catalog, Currency, Product, SoldBy
from kiosk.checkout.interventions import WEIGHT_KINDS
from kiosk.checkout.rules import PricingRules
from kiosk.checkout.session import Checkout, CheckoutContext, CheckoutMachine

ITEM_CV = 0.01  # packaged goods vary about 1 % unit to unit
TICK_S = 0.25
SCALE_NOISE = NoiseSettings(
    noise_g=1.0, crosstalk=0.0, dynamic_coupling=0.0, handling_s=(0.3, 1.4), ring=(0.05, 0.3)
)
KINDS = ("unscanned_item", "swap", "extra_with_item", "item_removed", "never_bagged")


@dataclass
class Shop:
    """One session: the scale's physics, the real stability filter and bridge, the machine."""

    machine: CheckoutMachine
    sps: int
    rng: np.random.Generator
    noise_rng: np.random.Generator
    state: Checkout = field(init=False)
    alarms: list[tuple[float, str]] = field(default_factory=list)
    placed: list[float] = field(default_factory=list)  # actual weights in the bag
    scanned: list[float] = field(default_factory=list)  # expected weights of what was scanned

    def __post_init__(self) -> None:
        self.state = self.machine.initial()
        self.bank = LoadCellBank(1, self.sps, SCALE_NOISE, self.noise_rng, [0.0])
        self.processor = ScaleProcessor("bagging", ScaleSettings(sps=self.sps), None)  # type: ignore[arg-type]
        self.bridge = BaggingScaleBridge()
        self.next_tick = TICK_S
        self.bridge_started = False

    @property
    def now(self) -> float:
        return self.bank.next_time

    def step(self, event: ev.Event) -> None:
        before = {i.id for i in self.state.interventions}
        self.state = self.machine.step(self.state, event).state
        for item in self.state.interventions:
            if item.id not in before and item.kind in WEIGHT_KINDS:
                self.alarms.append((event.at, item.kind.value))

    def run_until(self, t: float) -> None:
        while self.now < t:
            times, grams = self.bank.sample(
                max(1, min(self.sps, math.ceil((t - self.now) * self.sps)))
            )
            for at, g in zip(times, grams[:, 0], strict=True):
                at = float(at)
                if not self.bridge_started:
                    self.bridge_started = True
                    for e in self.bridge.convert(_online(at)):
                        self.step(e)
                sample = Sample("BAG", 0, None, Unit.GRAMS, float(g), Flags.NONE)
                reading = self.processor.feed(sample, at)
                if reading is not None:
                    for e in self.bridge.convert(reading):
                        self.step(e)
                if at >= self.next_tick:
                    self.next_tick += TICK_S
                    self.step(ev.Tick(at=at))

    def wait(self, seconds: float) -> None:
        self.run_until(self.now + seconds)

    def put(self, grams: float) -> float:
        """Put something in the bag; returns when it has settled (plus a little)."""
        handling = self.bank.handle(0, self.now, grams)
        self.run_until(handling.settled_at + float(self.rng.uniform(0.3, 1.5)))
        return grams

    def staff_clears(self) -> None:
        self.step(ev.StaffSignedIn(at=self.now, staff_id="s1", name="Staff"))
        for item in list(self.state.interventions):
            self.step(ev.StaffResolve(at=self.now, intervention_id=item.id))
        self.step(ev.StaffSignedOut(at=self.now))


def _online(at: float):  # type: ignore[no-untyped-def]
    from devices.state import DeviceState, DeviceStateChanged

    return DeviceStateChanged("bagging", DeviceState.ONLINE, "bench", at)


def _actual(rng: np.random.Generator, grams: float) -> float:
    return grams * (1 + ITEM_CV * float(rng.normal()))


@dataclass
class Pools:
    bagged: list[Product]
    produce: list[Product]
    bulky: list[Product]

    @classmethod
    def of(cls, products: list[Product]) -> Pools:
        return cls(
            bagged=[p for p in products if p.unit_weight_g and not p.not_bagged],
            produce=[p for p in products if p.sold_by == SoldBy.WEIGHT],
            bulky=[p for p in products if p.not_bagged],
        )


def _pick(rng: np.random.Generator, pool: list[Product]) -> Product:
    return pool[int(rng.integers(len(pool)))]


def _honest_item(shop: Shop, pools: Pools) -> int:
    """Scan (or weigh) one or two items and bag them as a shopper does, sometimes bagging
    first and scanning after, sometimes lifting an item to make room; items placed."""
    rng = shop.rng
    roll = rng.random()
    if roll < 0.1 and pools.produce:
        product = _pick(rng, pools.produce)
        grams = int(rng.uniform(150, 2500))
        shop.step(ev.ProduceWeighed(at=shop.now, gtin=product.gtin, grams=grams, stable=True))
        shop.scanned.append(grams)
        shop.wait(float(rng.uniform(0.8, 4.0)))
        shop.placed.append(shop.put(grams + float(rng.normal(0, 1.5))))
        return 1
    if roll < 0.14 and pools.bulky:
        shop.step(ev.ItemScanned(at=shop.now, code=_pick(rng, pools.bulky).gtin))
        shop.wait(float(rng.uniform(1, 3)))
        return 0
    if roll < 0.19:  # put in the bag first, scanned a moment later
        product = _pick(rng, pools.bagged)
        grams = _actual(rng, product.unit_weight_g or 0)
        handling = shop.bank.handle(0, shop.now, grams)
        shop.run_until(handling.settled_at + float(rng.uniform(0.0, 0.8)))
        shop.step(ev.ItemScanned(at=shop.now, code=product.gtin))
        shop.scanned.append(grams)
        shop.placed.append(grams)
        shop.wait(float(rng.uniform(0.5, 1.5)))
        return 1
    if roll < 0.24 and shop.placed:  # lifts an item to make room, puts it back
        grams = shop.placed[int(rng.integers(len(shop.placed)))]
        lift = shop.bank.handle(0, shop.now, -grams)
        back = shop.bank.handle(0, lift.settled_at + float(rng.uniform(0.0, 0.6)), grams)
        shop.run_until(back.settled_at + float(rng.uniform(0.3, 1.5)))
        return 0
    count = 2 if roll > 0.85 else 1
    total = 0.0
    for _ in range(count):
        product = _pick(rng, pools.bagged)
        shop.step(ev.ItemScanned(at=shop.now, code=product.gtin))
        shop.scanned.append(float(product.unit_weight_g or 0))
        total += _actual(rng, product.unit_weight_g or 0)
        shop.wait(float(rng.uniform(0.8, 3.0)))
    shop.placed.append(shop.put(total))
    return count


def _session_start(shop: Shop) -> None:
    shop.wait(1.0)
    shop.step(ev.StartShopping(at=shop.now))
    if shop.rng.random() < 0.6:
        shop.wait(float(shop.rng.uniform(0.5, 2.0)))
        shop.put(float(shop.rng.uniform(15, 120)))  # the shopper's own bag


def honest(shop: Shop, pools: Pools) -> int:
    _session_start(shop)
    placed = 0
    for _ in range(int(shop.rng.integers(1, 11))):
        placed += _honest_item(shop, pools)
        if shop.alarms and shop.state.interventions:
            shop.staff_clears()  # a false alarm: staff come, look, approve
        shop.wait(float(shop.rng.uniform(0.3, 2.0)))
    shop.wait(3.0)
    return placed


def _margin(a: float, b: float) -> float:
    """Weight differences beyond the tolerance by this much are certain to show."""
    return 3 * math.sqrt((ITEM_CV * a) ** 2 + (ITEM_CV * b) ** 2 + 1.5**2)


def _unlike(shop: Shop, grams: float, rules: BaggingRules) -> bool:
    """Whether an item of `grams` differs from everything scanned this session by more than
    the tolerance (and the measurement margin)."""
    return all(
        abs(grams - w) > tolerance_for(int(w), rules, None) + _margin(grams, w)
        for w in shop.scanned
    )


def dishonest(shop: Shop, pools: Pools, kind: str, rules: BaggingRules) -> bool:
    """An honest start, one dishonest act; True when a weight intervention follows it."""
    _session_start(shop)
    # After the first item is in the bag: before it, up to max_bag_g is the shopper's bag.
    placed = 0
    for _ in range(int(shop.rng.integers(1, 4))):
        placed += _honest_item(shop, pools)
    while not placed:
        placed = _honest_item(shop, pools)
    # A separate act: an extra item dropped in while the last one still settles, lighter than
    # that item's tolerance, is the same to the scale as one placement (not a real mismatch).
    shop.wait(float(shop.rng.uniform(1.0, 3.0)))
    if shop.state.interventions:
        shop.staff_clears()  # a false alarm first (honest sessions count those) is cleared
    rng, mark = shop.rng, len(shop.alarms)
    # What weight cannot tell from honest bagging is no real mismatch: an extra item as heavy
    # as something scanned this session (it may be that item, still to come or gone in
    # unnoticed with a heavier one, or the shopper's bag) is left out.
    distinct = [p for p in pools.bagged if _unlike(shop, float(p.unit_weight_g or 0), rules)]
    a = _pick(rng, distinct if kind in ("unscanned_item", "extra_with_item") else pools.bagged)
    wa = float(a.unit_weight_g or 0)
    tol = tolerance_for(int(wa), rules, a.weight_tolerance_g)
    if kind == "unscanned_item":
        shop.put(_actual(rng, wa))
    elif kind in ("swap", "extra_with_item"):
        base = wa if kind == "swap" else 0.0
        pool = pools.bagged if kind == "swap" else distinct
        fits = [p for p in pool if abs((w := p.unit_weight_g or 0) - base) > tol + _margin(wa, w)]
        b = _pick(rng, fits)
        shop.step(ev.ItemScanned(at=shop.now, code=a.gtin))
        shop.wait(float(rng.uniform(0.8, 3.0)))
        extra = _actual(rng, b.unit_weight_g or 0)
        shop.put(extra if kind == "swap" else _actual(rng, wa) + extra)
    elif kind == "item_removed":
        if not shop.placed:
            shop.placed.append(shop.put(_actual(rng, wa)))
        shop.put(-shop.placed[int(rng.integers(len(shop.placed)))])
    else:  # never_bagged
        shop.step(ev.ItemScanned(at=shop.now, code=a.gtin))
        shop.wait(rules.grace_s + 1.0)
    shop.wait(max(rules.confirm_s, rules.removal_confirm_s) + 2.0)
    return len(shop.alarms) > mark


def run_bagging(products: list[Product], seed: int, scale: float, sps: int = 80) -> dict:  # type: ignore[type-arg]
    machine = CheckoutMachine(
        CheckoutContext(Catalog(products), PricingRules(), Currency("CNY", 2))
    )
    rules = machine.ctx.bagging
    pools = Pools.of(products)
    rng = np.random.default_rng(seed + 7)
    noise_rng = np.random.default_rng(seed + 8)
    new_shop: Callable[[], Shop] = lambda: Shop(machine, sps, rng, noise_rng)  # noqa: E731
    placements = 0
    alarms: dict[str, int] = {}
    for _ in tqdm(range(max(10, round(300 * scale))), desc="honest sessions", file=sys.stderr):
        shop = new_shop()
        placements += honest(shop, pools)
        for _, kind in shop.alarms:
            alarms[kind] = alarms.get(kind, 0) + 1
    by_kind: dict[str, dict[str, float]] = {}
    per_kind = max(5, round(50 * scale))
    for kind in tqdm(KINDS, desc="dishonest sessions", file=sys.stderr):
        caught = sum(dishonest(new_shop(), pools, kind, rules) for _ in range(per_kind))
        by_kind[kind] = {
            "sessions": per_kind,
            "caught": caught,
            "caught_rate": round(caught / per_kind, 4),
        }
    false_alarms = sum(alarms.values())
    mismatches = sum(int(v["sessions"]) for v in by_kind.values())
    caught_total = sum(int(v["caught"]) for v in by_kind.values())
    return {
        "sps": sps,
        "products": len(products),
        "honest_items_placed": placements,
        "false_alarms": false_alarms,
        "false_alarm_rate": round(false_alarms / max(1, placements), 5),
        "false_alarms_by_kind": alarms,
        "mismatches": mismatches,
        "caught": caught_total,
        "caught_rate": round(caught_total / max(1, mismatches), 4),
        "mismatches_by_kind": by_kind,
        "rules": {k: str(v) for k, v in rules.model_dump().items()},
        "mismatch_definition": (
            "one act after the first item is bagged, 1-3 s after the last reading settled; "
            "extra items differ from everything scanned in the session by more than the "
            "tolerance plus 3 sigma; swaps differ from the scanned item likewise"
        ),
    }
