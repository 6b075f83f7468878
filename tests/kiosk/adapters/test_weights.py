"""Device events as session events, and the whole path: simulated scale on a pty, pyserial,
the scale, the bridge and the real CheckoutMachine through an unplug and a replug."""

from __future__ import annotations

import queue
import time
from pathlib import Path
from typing import Any

import pytest

from devices.state import DeviceState, DeviceStateChanged
from devices.weighing.config import SimulatedBoard
from devices.weighing.events import LowStock, ShelfEvent, ShelfEventKind, WeightReading
from devices.weighing.frames import Unit
from devices.weighing.physics import NoiseSettings
from devices.weighing.scale import Scale, ScaleSettings
from devices.weighing.simulator import SimulatorSettings
from kiosk.adapters.weights import BaggingScaleBridge, produce_weighed, shelf_event
from kiosk.checkout import events as ev
from kiosk.checkout.catalog import Catalog, Currency, Product, SoldBy
from kiosk.checkout.interventions import InterventionKind
from kiosk.checkout.rules import PricingRules
from kiosk.checkout.session import Checkout, CheckoutContext, CheckoutMachine, State


def test_bridge_sends_status_only_when_it_flips() -> None:
    bridge = BaggingScaleBridge()
    online = DeviceStateChanged("bag", DeviceState.ONLINE, "ok", 1.0)
    assert bridge.convert(online) == [ev.ScaleStatus(at=1.0, online=True)]
    reading = WeightReading("bag", 345.4, True, at=2.0)
    assert bridge.convert(reading) == [ev.WeightChanged(at=2.0, grams=345, stable=True)]
    fault = DeviceStateChanged("bag", DeviceState.FAULT, "no data for 2.0 s", 3.0)
    assert bridge.convert(fault) == [
        ev.ScaleStatus(at=3.0, online=False, detail="fault: no data for 2.0 s")
    ]
    assert bridge.convert(DeviceStateChanged("bag", DeviceState.OFFLINE, "gone", 4.0)) == []


def test_overload_takes_the_scale_out_until_it_reads_again() -> None:
    bridge = BaggingScaleBridge()
    bridge.convert(DeviceStateChanged("bag", DeviceState.ONLINE, "ok", 0.0))
    over = bridge.convert(WeightReading("bag", 16000, False, overload=True, at=1.0))
    assert over == [ev.ScaleStatus(at=1.0, online=False, detail="overload")]
    back = bridge.convert(WeightReading("bag", 900, True, at=2.0))
    assert back == [
        ev.ScaleStatus(at=2.0, online=True),
        ev.WeightChanged(at=2.0, grams=900, stable=True),
    ]


def test_produce_reading_keeps_its_flags() -> None:
    event = produce_weighed("2004011000002", WeightReading("produce", 812.6, True, at=5.0))
    assert event == ev.ProduceWeighed(
        at=5.0, gtin="02004011000002", grams=813, stable=True, overload=False
    )
    over = produce_weighed("2004011000002", WeightReading("p", 0, False, overload=True, at=1))
    assert (over.stable, over.overload) == (False, True)


def test_shelf_events_for_grab_and_go() -> None:
    pick = ShelfEvent("A1", 2, "7622200008018", ShelfEventKind.PICK, 2, 0.97, -212.0, 13, 4.0)
    put = ShelfEvent("A1", 2, "7622200008018", ShelfEventKind.PUT, 1, 0.99, 106.0, 14, 6.0)
    odd = ShelfEvent("A1", 2, "7622200008018", ShelfEventKind.UNEXPLAINED, 0, 0.0, 50.0, 14, 7.0)
    assert shelf_event(pick) == ev.ShelfPicked(
        at=4.0, gtin="07622200008018", quantity=2, confidence=0.97
    )
    assert shelf_event(put) == ev.ShelfReturned(at=6.0, gtin="07622200008018", quantity=1)
    assert shelf_event(odd) is None
    assert shelf_event(LowStock("A1", 2, "7622200008018", 2, 3, 8.0)) is None


# -- the whole path ---------------------------------------------------------------------

CATALOG = Catalog(
    [
        Product(gtin="5449000039231", name_en="Cola", name_zh="可乐", price=350,
                unit_weight_g=345, tax_category="standard"),
        Product(gtin="2004011000002", name_en="Bananas", name_zh="香蕉", price=698,
                sold_by=SoldBy.WEIGHT, plu="4011", tax_category="reduced"),
    ]
)  # fmt: skip


class Runtime:
    """The slice of the kiosk runtime under test: device events in, one loop owns the session."""

    def __init__(self) -> None:
        self.machine = CheckoutMachine(CheckoutContext(CATALOG, PricingRules(), Currency("CNY", 2)))
        self.state: Checkout = self.machine.initial()
        self.bridge = BaggingScaleBridge()
        self.inbox: queue.Queue[Any] = queue.Queue()

    def dispatch(self, event: ev.Event) -> None:
        self.state = self.machine.step(self.state, event).state

    def pump_until(self, done: Any, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while not done(self.state):
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out in state {self.state.state}, {self.state.bag}")
            try:
                device_event = self.inbox.get(timeout=0.1)
            except queue.Empty:
                continue
            for event in self.bridge.convert(device_event):
                self.dispatch(event)
            self.dispatch(ev.Tick(at=time.monotonic()))


def fault_open(s: Checkout) -> bool:
    return any(i.kind == InterventionKind.DEVICE_FAULT for i in s.interventions)


@pytest.mark.timeout(60)
def test_unplug_holds_the_session_and_replug_recovers(tmp_path: Path) -> None:
    rt = Runtime()
    noise = NoiseSettings(noise_g=0.6, spike_rate=0.005)
    board = SimulatedBoard(
        simulator=SimulatorSettings(board="BAG1", unit=Unit.GRAMS, noise=noise, seed=4),
        path=tmp_path / "ttyBAG",
        silence_s=1.0,
    )
    scale = Scale("bagging_scale", board, ScaleSettings(), None, rt.inbox.put).start()
    sim = scale.simulator
    assert sim is not None
    try:
        rt.pump_until(lambda s: s.bag.online and s.bag.last_g is not None)
        rt.dispatch(ev.StartShopping(at=time.monotonic()))
        rt.dispatch(ev.ItemScanned(at=time.monotonic(), code="5449000039231"))
        sim.place(346.0, handling_s=0.3)
        rt.pump_until(lambda s: not s.bag.pending)  # the can is in the bag

        sim.unplug()  # mid-stream
        rt.pump_until(fault_open)
        assert rt.state.state == State.INTERVENTION
        assert not rt.state.bag.online
        rt.dispatch(ev.ItemScanned(at=time.monotonic(), code="5449000039231"))
        assert rt.state.notice == "resolve_first"  # scanning waits for the scale
        assert len(rt.state.active_lines) == 1
        assert rt.state.active_lines[0].quantity == 1

        sim.replug()
        rt.pump_until(lambda s: not fault_open(s) and s.bag.online)
        assert rt.state.state == State.SHOPPING
        rt.dispatch(ev.ItemScanned(at=time.monotonic(), code="5449000039231"))
        sim.place(344.0, handling_s=0.3)
        rt.pump_until(lambda s: not s.bag.pending and s.active_lines[0].quantity == 2)
    finally:
        scale.stop()
    assert [i.kind for i in rt.state.interventions] == []


@pytest.mark.timeout(60)
def test_produce_takes_a_stable_reading_never_an_overload(tmp_path: Path) -> None:
    rt = Runtime()
    rt.dispatch(ev.StartShopping(at=0.0))
    board = SimulatedBoard(
        simulator=SimulatorSettings(board="PRD1", unit=Unit.GRAMS, capacity_g=6000, seed=9),
        path=tmp_path / "ttyPRD",
    )
    readings: queue.Queue[Any] = queue.Queue()
    scale = Scale("produce_scale", board, ScaleSettings(), None, readings.put).start()
    sim = scale.simulator
    assert sim is not None
    try:
        sim.place(7000.0, handling_s=0.3)  # a crate far over capacity
        with pytest.raises(TimeoutError):
            scale.wait_for_stable(timeout=3.0, min_g=50)
        sim.remove(7000.0, handling_s=0.3)
        sim.place(812.0, handling_s=0.5)
        since = time.monotonic()
        reading = scale.wait_for_stable(timeout=10.0, min_g=50, since=since)
    finally:
        scale.stop()
    assert reading.usable
    assert reading.grams == pytest.approx(812, abs=3)
    seen = []
    while not readings.empty():
        seen.append(readings.get())
    assert any(isinstance(r, WeightReading) and r.overload for r in seen)
    rt.dispatch(produce_weighed("2004011000002", reading))
    (line,) = rt.state.active_lines
    assert line.grams == round(reading.grams)
