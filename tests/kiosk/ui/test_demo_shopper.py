"""The simulated shopper acts on real simulators through their own control paths (no Kivy)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from devices.weighing.control import ControlSocket, send_command
from devices.weighing.frames import Unit
from devices.weighing.planogram import load_planogram
from devices.weighing.simulator import BoardSimulator, SimulatorSettings
from kiosk.adapters.weights import catalog_weights
from kiosk.checkout.catalog import Currency
from kiosk.checkout.catalog_csv import parse_catalog
from kiosk.ui.demo_shopper import DemoShopper, ShopperError
from kiosk.ui.face_pay import LivenessPrompt
from kiosk.ui.hardware import SimulatorHandles
from kiosk.ui.workers.camera import with_catalog
from vision.sources import SyntheticCamera, SyntheticConfig

ROOT = Path(__file__).resolve().parents[3]
PRODUCTS = parse_catalog((ROOT / "config" / "catalog.csv").read_text("utf-8"), Currency("CNY", 2))
COLA = "5449000039231"


@dataclass
class Board:
    """A simulator with its control socket: what a ScaleWorker offers the shopper."""

    sim: BoardSimulator
    control_path: Path
    control: ControlSocket | None = None


@dataclass
class Shelves:
    controls: dict[str, ControlSocket]
    shelves: dict[str, Any] = field(default_factory=dict)

    def control_path(self, shelf_id: str) -> Path | None:
        control = self.controls.get(shelf_id)
        return control.path if control else None


class FaceCamera:
    def __init__(self) -> None:
        self.shown, self.busy = False, False
        self.acts: list[str] = []

    def show(self) -> None:
        self.shown = True

    def hide(self) -> None:
        self.shown = False

    def blink(self) -> None:
        self.acts.append("blink")

    def turn(self, direction: int) -> None:
        self.acts.append(f"turn {direction}")


@dataclass
class Engine:
    prompt: LivenessPrompt | None = None


@pytest.fixture
def handles(tmp_path: Path) -> Iterator[SimulatorHandles]:
    weights = catalog_weights(PRODUCTS)
    started: list[Any] = []

    def board(name: str, channels: int = 1, start: tuple[float, ...] = ()) -> Board:
        settings = SimulatorSettings(
            board=name.upper()[:8], channels=channels, unit=Unit.GRAMS, start_load_g=start
        )
        sim = BoardSimulator(settings, products=weights).start()
        control = ControlSocket(sim, tmp_path / f"{name}.sock").start()
        started.extend([control, sim])
        return Board(sim, control.path, control)

    plan = load_planogram(ROOT / "config" / "planogram.toml").shelf("A1")
    shelf = board("a1", channels=5, start=tuple(p.unit_weight_g * 5 for p in plan.plates))
    shelf.sim.plate_products = {p.channel: p.unit_weight_g for p in plan.plates}
    camera = SyntheticCamera(with_catalog(SyntheticConfig(fps=0), PRODUCTS))
    yield SimulatorHandles(
        scanning_camera=camera,
        face_camera=FaceCamera(),  # type: ignore[arg-type]
        bagging_scale=board("bag"),  # type: ignore[arg-type]
        produce_scale=board("produce"),  # type: ignore[arg-type]
        shelves=Shelves({"A1": shelf.control}),  # type: ignore[arg-type]
        face_pay=Engine(),  # type: ignore[arg-type]
    )
    for part in reversed(started):
        part.stop()


def test_present_holds_a_product_up_then_takes_it_away(handles: SimulatorHandles) -> None:
    shopper = DemoShopper(handles, PRODUCTS, hold_s=0.2)
    camera = handles.scanning_camera
    assert camera is not None
    product = shopper.present(COLA)
    assert (product.name, camera.in_view) == ("Cola 330ml can", (COLA,))
    deadline = time.monotonic() + 5
    while camera.in_view and time.monotonic() < deadline:
        time.sleep(0.02)
    assert camera.in_view == ()
    with pytest.raises(ShopperError, match="not a product the synthetic camera can show"):
        shopper.present("2004011000002")  # bananas: sold by weight, no printed code
    with pytest.raises(ShopperError, match="is not a GTIN"):
        shopper.present("12345")


def test_bagging_uses_the_catalog_weight_of_the_last_scan(handles: SimulatorHandles) -> None:
    scanned: list[str] = []
    shopper = DemoShopper(handles, PRODUCTS, last_scanned=lambda: scanned[-1] if scanned else None)
    bag = handles.bagging_scale
    with pytest.raises(ShopperError, match="nothing was scanned yet"):
        shopper.bag_last()
    scanned.append("05449000039231")
    assert shopper.bag_last() == "ok place 345.0 g on plate 0"
    assert shopper.bag_unexpected() == "ok place 250.0 g on plate 0"
    assert bag.sim.bank.load_g(0) == pytest.approx(595)  # type: ignore[union-attr]
    assert shopper.unbag_last() == "ok remove 250.0 g on plate 0"
    assert shopper.unbag_last() == "ok remove 345.0 g on plate 0"
    with pytest.raises(ShopperError, match="nothing is on the bagging scale"):
        shopper.unbag_last()


def test_produce_goes_on_and_comes_off(handles: SimulatorHandles) -> None:
    shopper = DemoShopper(handles, PRODUCTS)
    shopper.produce_on(640)
    assert shopper.produce_off() == "ok remove 640.0 g on plate 0"
    with pytest.raises(ShopperError, match="the produce scale is empty"):
        shopper.produce_off()


def test_shelf_take_and_put_back_move_whole_units(handles: SimulatorHandles) -> None:
    shopper = DemoShopper(handles, PRODUCTS)
    assert shopper.shelf_take("A1", 1, quantity=2) == "ok remove 56.0 g on plate 1"
    assert shopper.shelf_put_back("A1", 1) == "ok place 28.0 g on plate 1"
    with pytest.raises(ShopperError, match="no simulated shelf 'Z9'"):
        shopper.shelf_take("Z9", 0)
    with pytest.raises(ShopperError, match="plate 7 has no product"):
        shopper.shelf_take("A1", 7)


def test_follow_prompt_acts_once_per_prompt(handles: SimulatorHandles) -> None:
    shopper = DemoShopper(handles, PRODUCTS)
    face, engine = handles.face_camera, handles.face_pay
    assert isinstance(face, FaceCamera)
    assert isinstance(engine, Engine)
    engine.prompt = LivenessPrompt.BLINK
    assert shopper.follow_prompt() == ""  # no face shown yet
    shopper.show_face()
    assert shopper.follow_prompt() == "blink"
    assert shopper.follow_prompt() == ""  # acted already; give the engine time to see it
    engine.prompt = LivenessPrompt.TURN_LEFT
    assert shopper.follow_prompt() == "turn_left"
    assert face.acts == ["blink", "turn 1"]


def test_missing_devices_are_named(handles: SimulatorHandles, tmp_path: Path) -> None:
    shopper = DemoShopper(SimulatorHandles(), PRODUCTS)
    with pytest.raises(ShopperError, match="this kiosk has no presented face camera"):
        shopper.show_face()
    with pytest.raises(ShopperError, match="no simulated produce_scale"):
        shopper.produce_on()
    gone = DemoShopper(
        SimulatorHandles(bagging_scale=Board(None, tmp_path / "gone.sock")),  # type: ignore[arg-type]
        PRODUCTS,
    )
    with pytest.raises(ShopperError, match="does not answer"):
        gone.bag_unexpected()


def test_control_sockets_of_a_deep_data_dir_go_to_a_short_folder(tmp_path: Path) -> None:
    from kiosk.ui.workers.simulators import control_path

    assert control_path(tmp_path, "", "bag") == tmp_path / "sim" / "bag.sock"
    deep = tmp_path / ("d" * 90)
    short = control_path(deep, "", "bagging_scale")
    assert short.name == "bagging_scale.sock"
    assert len(str(short)) <= 100
    assert short == control_path(deep, "", "bagging_scale")  # the same place every start
    with pytest.raises(ValueError, match="too long for a Unix socket"):
        control_path(deep, "sim/bag.sock", "bag")


def test_a_second_press_while_unbagging_keeps_the_record_true(handles: SimulatorHandles) -> None:
    """Panel buttons each run in their own thread: bag while an unbag is still at the scale."""
    removing, release = threading.Event(), threading.Event()

    def send(path: Path, command: str) -> str:
        if command.startswith("remove"):
            removing.set()
            release.wait(5)
        return send_command(path, command)

    shopper = DemoShopper(handles, PRODUCTS, last_scanned=lambda: COLA, send=send)
    shopper.bag_last()
    unbag = threading.Thread(target=shopper.unbag_last)
    unbag.start()
    assert removing.wait(5)
    shopper.bag_unexpected(250)  # the other thread is still taking the cola off
    release.set()
    unbag.join(5)
    assert shopper.bagged == ["250g"]
    bag = handles.bagging_scale
    assert bag.sim.bank.load_g(0) == pytest.approx(250)  # type: ignore[union-attr]
    assert shopper.unbag_last() == "ok remove 250.0 g on plate 0"


def test_a_failed_unbag_keeps_the_item_on_the_record(handles: SimulatorHandles) -> None:
    def send(path: Path, command: str) -> str:
        if command.startswith("remove"):
            raise OSError("connection refused")
        return send_command(path, command)

    shopper = DemoShopper(handles, PRODUCTS, send=send)
    shopper.bag_unexpected(250)
    with pytest.raises(ShopperError, match="does not answer"):
        shopper.unbag_last()
    assert shopper.bagged == ["250g"]


class SlowCamera:
    """The synthetic camera, with its first `present` held until the test lets it go."""

    def __init__(self, camera: Any) -> None:
        self.camera = camera
        self.entered, self.release = threading.Event(), threading.Event()

    def present(self, code: str) -> None:
        if not self.entered.is_set():
            self.entered.set()
            self.release.wait(5)
        self.camera.present(code)

    def take_away(self) -> None:
        self.camera.take_away()


def test_two_presses_at_once_leave_one_hold_timer(handles: SimulatorHandles) -> None:
    """A second timer left running would take a later product away before its time."""
    camera = SlowCamera(handles.scanning_camera)
    shopper = DemoShopper(SimulatorHandles(scanning_camera=camera), PRODUCTS, hold_s=3600)  # type: ignore[arg-type]
    first = threading.Thread(target=shopper.present, args=(COLA,))
    first.start()
    assert camera.entered.wait(5)
    shopper.present("3166298099809")  # the second press finishes first
    camera.release.set()
    first.join(5)
    timers = [
        t
        for t in threading.enumerate()
        if isinstance(t, threading.Timer) and t.function == camera.take_away
    ]
    try:
        assert len([t for t in timers if not t.finished.is_set()]) == 1
    finally:
        for t in timers:
            t.cancel()
