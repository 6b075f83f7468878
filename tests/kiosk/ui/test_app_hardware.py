"""The app on its real hardware path (`hardware_for`): the shipped demo devices, simulated.

The synthetic camera renders real barcodes that the live pipeline decodes; the scales and
shelves are simulated boards on pseudo-terminals read by the real serial code; face pay runs
the real liveness challenge and 1:N identification on the presented face camera. The test
acts only through the demo shopper, i.e. through the simulators' own control paths.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kiosk.checkout.events import PaymentMethod
from kiosk.checkout.interventions import InterventionKind
from kiosk.members import registry
from kiosk.members.templates import generate_key, load_key
from kiosk.storage.catalog_repo import list_products
from kiosk.storage.outbox import OutboxStore
from kiosk.ui.demo_shopper import DemoShopper
from kiosk.ui.device_board import DeviceState
from kiosk.ui.hardware import hardware_for
from kiosk.ui.peripherals import Peripherals
from kiosk.ui.workers.face_camera import demo_face_photo
from tests.kiosk.ui.conftest import FACE_DIGITS, MEMBER_ID
from tests.kiosk.ui.shopping import COLA, MILK, pick_grapes
from tests.kiosk.ui.test_app_purchases import row_texts

ROOT = Path(__file__).resolve().parents[3]
SLOW = 20.0  # seconds: camera decoding, scale settling and dlib on a shared 2-core machine


@dataclass
class HardwareEnv:
    ui: Any
    parts: Peripherals
    shopper: DemoShopper


@pytest.fixture(scope="module")
def hw_env(ui_env: Any) -> Iterator[HardwareEnv]:
    """The session's app, its peripherals swapped for `hardware_for`'s for this module."""
    from kivy.clock import Clock

    app, kiosk = ui_env.app, ui_env.kiosk
    os.environ["KIOSK_FACE_KEY"] = generate_key()
    shared = ROOT.parent / "shared" / "data"
    if "KIOSK_TEST_DATA" not in os.environ and (shared / "faces").is_dir():
        os.environ["KIOSK_TEST_DATA"] = str(shared)  # as tests/conftest.py finds it
    parts = hardware_for(kiosk)
    old = app.peripherals
    app.peripherals = parts
    parts.devices.subscribe(
        lambda statuses: Clock.schedule_once(lambda _dt: app._on_devices(statuses), 0)
    )
    parts.start(app.control)

    def last_scanned() -> str | None:
        lines = kiosk.runtime.state.active_lines
        return lines[-1].gtin if lines else None

    shopper = DemoShopper(
        parts.simulators, list_products(kiosk.db), last_scanned=last_scanned, hold_s=4.0
    )
    ui_env.driver.wait_for(
        lambda: (
            all(s.state == DeviceState.OK for s in parts.devices.all())
            and len(parts.devices.all()) >= 6
        ),
        "every device online",
        SLOW,
    )
    yield HardwareEnv(ui_env, parts, shopper)
    parts.stop()
    app.peripherals = old
    app._on_devices(old.devices.all())
    del os.environ["KIOSK_FACE_KEY"]


@pytest.fixture
def hw(hw_env: HardwareEnv) -> Iterator[HardwareEnv]:
    hw_env.ui.driver.reset()
    yield hw_env
    shopper = hw_env.shopper
    shopper.hide_face()
    hw_env.ui.driver.reset()
    while shopper.bagged:  # the next shopper starts with an empty bagging area
        shopper.unbag_last()


def test_scan_bag_and_unexpected_item(hw: HardwareEnv) -> None:
    d, shopper, runtime = hw.ui.driver, hw.shopper, hw.ui.kiosk.runtime
    d.press_id("start_button")
    shopping = d.wait_screen("shopping")
    shopper.present(COLA)
    d.wait_for(lambda: row_texts(shopping), "the scanned cola in the cart", SLOW)
    assert row_texts(shopping)[0][0] == "Cola 330ml can"
    assert shopping.ids.preview.feed is hw.parts.camera
    shopper.bag_last()
    d.wait_for(lambda: not runtime.state.bag.pending, "the scale to accept the cola", SLOW)
    assert runtime.state.interventions == ()
    shopper.bag_unexpected()
    d.wait_screen("intervention", SLOW)
    kinds = {i.kind for i in runtime.state.interventions}
    assert InterventionKind.UNEXPECTED_ITEM in kinds
    shopper.unbag_last()  # the shopper takes the stray item out again
    d.wait_screen("shopping", SLOW)


def test_produce_weighed_on_the_simulated_scale(hw: HardwareEnv) -> None:
    d, shopper = hw.ui.driver, hw.shopper
    produce = pick_grapes(d)
    shopper.produce_on(640)
    d.wait_for(lambda: produce.scale_text.startswith("0.6"), "the produce scale's weight", SLOW)
    d.wait_for(lambda: produce.can_add, "a stable reading")
    d.press_id("add_button")
    shopping = d.wait_screen("shopping")
    name, detail, _amount = row_texts(shopping)[0]
    assert name == "Red grapes"
    grams = round(float(detail.split()[0]) * 1000)
    assert abs(grams - 640) <= 3, detail
    shopper.produce_off()


def test_shelf_pick_and_put_back_in_grab_and_go(hw: HardwareEnv) -> None:
    d, shopper, runtime, db = hw.ui.driver, hw.shopper, hw.ui.kiosk.runtime, hw.ui.kiosk.db
    d.press_id("start_button")
    shopping = d.wait_screen("shopping")
    alerts_before = _low_stock_alerts(db)
    shopper.shelf_take("A1", 3, quantity=4)  # whole milk: 6 on the plate, low stock at 2
    d.wait_for(lambda: row_texts(shopping), "the picked milk in the cart", SLOW)
    line = runtime.state.active_lines[0]
    assert (line.gtin.lstrip("0"), line.quantity) == (MILK, 4)
    d.wait_for(lambda: len(_low_stock_alerts(db)) > len(alerts_before), "a low-stock alert", SLOW)
    alert = _low_stock_alerts(db)[-1]
    assert alert["detail"]["shelf"] == "A1"
    assert alert["detail"]["stock"] == 2
    shopper.shelf_put_back("A1", 3, quantity=4)
    d.wait_for(lambda: not runtime.state.active_lines, "the milk off the cart again", SLOW)


def _low_stock_alerts(db: Any) -> list[dict[str, Any]]:
    events = OutboxStore(db).pending(limit=10_000)
    return [e.payload for e in events if e.kind == "alert" and e.payload["kind"] == "low_stock"]


def test_required_scale_unplugged_means_out_of_service(hw: HardwareEnv) -> None:
    d, shopper = hw.ui.driver, hw.shopper
    shopper.unplug("bagging_scale")
    d.wait_screen("out_of_service", SLOW)
    assert d.shows("bagging") or d.shows("Bagging"), d.texts()
    shopper.replug("bagging_scale")
    d.wait_screen("attract", SLOW)


def test_face_pay_through_the_presented_camera(hw: HardwareEnv) -> None:
    d, shopper, kiosk = hw.ui.driver, hw.shopper, hw.ui.kiosk
    _enrol(kiosk)
    d.press_id("start_button")
    shopping = d.wait_screen("shopping")
    shopper.present(COLA)
    d.wait_for(lambda: row_texts(shopping), "the scanned cola", SLOW)
    shopper.bag_last()
    d.wait_for(lambda: not kiosk.runtime.state.bag.pending, "the cola bagged", SLOW)
    d.press_id("pay_button")
    d.wait_screen("payment")
    d.press_id("face")
    face = d.wait_screen("face_pay")
    shopper.show_face()
    failures = []
    for _attempt in range(3):  # a loaded machine may drop the frames of a blink; retry
        d.wait_for(
            lambda: shopper.follow_prompt() is not None and (face.asking_digits or face.failed),
            "the liveness challenge to end",
            40,
        )
        if face.asking_digits:
            break
        failures.append(face.last.reason)
        d.press_id("retry_button")
    assert face.asking_digits, failures
    assert "Li Lei" in face.ids.prompt.text
    d.type_pin(FACE_DIGITS)
    d.wait_screen("receipt", SLOW)
    sale = kiosk.runtime.state.sale
    assert sale is not None
    assert sale.member_id == MEMBER_ID
    assert sale.payment is not None
    assert sale.payment.method == PaymentMethod.FACE


def _enrol(kiosk: Any) -> None:
    """M0001 gets the presented photo's face and phone digits, as `kiosk members enroll`."""
    from vision.faces import encode_for_enrolment, load_image

    cfg = kiosk.loaded.config
    photo = demo_face_photo("", kiosk.loaded.base_dir)
    encoding = encode_for_enrolment(load_image(photo), cfg.faces.enrolment)
    key = load_key(cfg.face_pay.key_env, cfg.face_pay.key_file_env)
    registry.set_phone(kiosk.db, MEMBER_ID, f"138000{FACE_DIGITS}")
    registry.record_consent(kiosk.db, MEMBER_ID, cfg.face_pay)
    registry.add_templates(kiosk.db, key, MEMBER_ID, [encoding])


def test_demo_panel_buttons_act_through_the_shopper(hw: HardwareEnv) -> None:
    d, app, runtime = hw.ui.driver, hw.ui.app, hw.ui.kiosk.runtime
    column = app.root.children[-1]
    app._add_demo_panel(app.root)
    panel = app.panel
    try:
        d.pump(3)
        assert panel.ids.follow.text == "Follow the prompts: on"
        panel.product_index = next(
            i for i, p in enumerate(panel.shopper.products) if p.gtin.endswith(COLA)
        )
        panel.next_product(0)
        assert panel.product_text == "Cola 330ml can"
        d.press_id("start_button")
        shopping = d.wait_screen("shopping")
        d.press(panel.ids.present)
        d.wait_for(lambda: row_texts(shopping), "the cola shown from the panel", SLOW)
        d.wait_for(lambda: panel.status == "Done.", "the panel's answer", SLOW)
        d.press(panel.ids.bag)
        d.wait_for(lambda: not runtime.state.bag.pending, "the cola bagged from the panel", SLOW)
        panel.shopper.bagged.clear()
        d.press(panel.ids.unbag)
        d.wait_for(lambda: "nothing is on the bagging scale" in panel.status, "the refusal", SLOW)
        hw.shopper.bagged.append(runtime.state.active_lines[0].gtin)  # the fixture empties it
    finally:
        app.root.remove_widget(panel)
        column.size_hint_x = app._kiosk_share = 1
