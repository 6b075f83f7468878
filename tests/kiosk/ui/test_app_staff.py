"""Staff through the real app: PIN sign-in, age check, weight override, voids, restock, lock."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import select

from kiosk.checkout.events import PaymentMethod
from kiosk.checkout.interventions import InterventionKind
from kiosk.checkout.session import Phase
from kiosk.storage.models import ProductRow
from kiosk.ui.device_board import DeviceState, DeviceStatus
from tests.kiosk.ui.conftest import STAFF_PIN
from tests.kiosk.ui.shopping import COLA, MILK, NOVEL, STOUT, Shopper


def sign_in(d: Any, pin: str = STAFF_PIN) -> Any:
    d.press_top("staff_button")
    d.wait_screen("staff_pin")
    d.type_pin(pin)
    d.press_id("ok_button")
    return d.wait_screen("staff")


def kinds(runtime: Any) -> list[InterventionKind]:
    return [i.kind for i in runtime.state.interventions]


def test_age_check_approved_by_staff_through_the_pin_screen(ui: Any, shot: Any) -> None:
    d, runtime, shopper = ui.driver, ui.kiosk.runtime, Shopper(ui)
    d.press_id("start_button")
    shopping = d.wait_screen("shopping")
    shopper.scan_and_bag(STOUT)
    assert kinds(runtime) == [InterventionKind.AGE_CHECK]
    assert shopping.ids.notice.text == "This item needs an age check. An assistant is on the way."
    d.press_id("pay_button")
    d.wait_screen("payment")
    d.press_id("card")
    intervention = d.wait_screen("intervention")
    assert intervention.ids.title.text == "Age check"
    assert intervention.ids.icon.name == "age_check"
    assert intervention.ids.staff_text.text == "An assistant has been called."
    assert runtime.state.phase == Phase.SHOPPING  # nothing charged
    shot("intervention_age_en")

    d.press_top("staff_button")
    pin_screen = d.wait_screen("staff_pin")
    d.type_pin("1111")
    assert pin_screen.ids.masked.text == "●●●●"
    shot("staff_pin_en")
    d.press_id("ok_button")
    d.wait_for(lambda: "wrong PIN" in pin_screen.ids.message.text, "the wrong PIN refused")
    assert runtime.state.staff is None
    d.type_pin(STAFF_PIN)
    d.press_id("ok_button")
    staff = d.wait_screen("staff")
    d.wait_for(lambda: runtime.state.staff is not None, "the session to know the staff member")
    d.wait_shows("Signed in: Wang Fang")
    assert d.shows("Age check")
    shot("staff_en")
    d.press(d.button("Age OK"))
    d.wait_for(lambda: not runtime.state.interventions, "the age check to close")
    assert runtime.state.age_verified == 18
    assert d.shows("Nothing waiting.")
    assert staff.queue_empty

    d.press_id("sign_out_button")
    d.wait_screen("payment")  # back where the shopper was
    assert runtime.state.staff is None
    d.press_id("card")
    d.wait_screen("receipt")
    sale = runtime.state.sale
    assert sale is not None
    assert sale.approvals == (("age", "s01"),)
    d.press_id("none_button")
    d.wait_screen("thanks")
    d.press_id("done_button")
    d.wait_screen("attract")


def test_weight_mismatch_overridden_and_unexpected_item_removed(ui: Any, shot: Any) -> None:
    d, runtime, shopper = ui.driver, ui.kiosk.runtime, Shopper(ui)
    d.press_id("start_button")
    d.wait_screen("shopping")
    shopper.scan_and_bag(COLA)
    shopper.scan(MILK)
    shopper.bag(grams=600)  # not the 1060 g a litre of milk weighs
    screen = d.wait_screen("intervention")
    assert kinds(runtime) == [InterventionKind.WEIGHT_MISMATCH]
    assert screen.ids.title.text == "Weight check"
    assert screen.ids.words.text == (
        "The weight in the bagging area does not match the item you scanned."
    )
    assert screen.ids.icon.name == "weight_mismatch"
    shot("intervention_weight_en")
    d.press_top("language_button")
    d.wait_for(lambda: screen.ids.title.text == "重量核对", "the intervention in Chinese")
    assert screen.ids.words.text == "装袋区的重量与所扫描商品不符。"
    shot("intervention_weight_zh")
    d.press_top("language_button")
    d.wait_for(lambda: screen.ids.title.text == "Weight check", "English again")
    shopper.scan(NOVEL)  # blocked until the weight is settled
    d.settle()
    assert len(runtime.state.active_lines) == 2

    sign_in(d)
    assert d.shows("changed 600 g, expected 1060 g")
    d.press(d.button("Accept weight"))
    d.wait_for(lambda: not runtime.state.interventions, "the override")
    d.press_id("sign_out_button")
    shopping = d.wait_screen("shopping")

    shopper.bag(grams=500)  # something put in the bag without scanning
    d.wait_screen("intervention")
    assert kinds(runtime) == [InterventionKind.UNEXPECTED_ITEM]
    assert d.screen.ids.help_button.disabled  # staff are already called
    shopper.bag(grams=-500)  # the shopper takes it out again
    d.wait_screen("shopping")
    assert runtime.state.interventions == ()
    assert shopping.bagging == "Bagging area: 0.945 kg"


def test_staff_void_restock_cancel_and_lock(ui: Any, shot: Any) -> None:
    d, runtime, shopper = ui.driver, ui.kiosk.runtime, Shopper(ui)
    d.press_id("start_button")
    shopping = d.wait_screen("shopping")
    shopper.scan_and_bag(COLA, MILK, NOVEL)
    novel_row = next(v for v in shopping.ids.cart.row_views() if v.name.startswith("Classic"))
    d.press(novel_row.children[0])  # the shopper's ×: staff must approve
    d.wait_screen("intervention")
    assert kinds(runtime) == [InterventionKind.STAFF_VOID]
    assert d.shows("An assistant is coming to remove the item.")

    staff = sign_in(d)
    d.press(d.button("Remove"))
    d.wait_for(lambda: len(runtime.state.active_lines) == 2, "the novel voided")
    cola_row = next(v for v in staff.ids.cart.row_views() if v.name.startswith("Cola"))
    d.press(cola_row.children[0])  # staff × voids at once
    d.wait_for(lambda: len(runtime.state.active_lines) == 1, "the cola voided")
    assert [ln.gtin[-13:] for ln in runtime.state.active_lines] == [MILK]

    with ui.kiosk.db.read() as s:
        before = s.scalars(select(ProductRow.stock).where(ProductRow.gtin == "0" + COLA)).one()
    d.press_id("restock_button")
    assert ui.shelves.calls[-1] == ("started", "s01")
    cola = next(b for b in staff.ids.products.children if b.gtin.endswith(COLA))
    d.scroll_to(cola)
    d.press(cola)
    d.press(d.button("+12"))
    assert staff.restock_qty == 18
    shot("staff_restock_en")
    d.press_id("add_stock_button")
    d.wait_for(lambda: staff.restock_message.startswith("Saved."), "the restock saved")
    with ui.kiosk.db.read() as s:
        after = s.scalars(select(ProductRow.stock).where(ProductRow.gtin == "0" + COLA)).one()
    assert after == before + 18
    assert staff.restock_message == f"Saved. In stock now: {after}"
    d.press_id("restock_button")
    assert ui.shelves.calls[-1] == ("finished", "s01")

    d.press_id("cancel_sale_button")
    d.wait_for(lambda: runtime.state.phase == Phase.IDLE, "the sale cancelled")
    assert d.screen_name == "staff"  # staff stay signed in after the session ends
    d.press_id("lock_button")
    d.press_id("sign_out_button")
    oos = d.wait_screen("out_of_service")
    assert oos.ids.reason.text == "Closed by staff."
    shot("out_of_service_staff_en")
    shopper.scan(COLA)  # a closed kiosk does not start a sale, whatever posts the scan
    d.settle()
    assert runtime.state.phase == Phase.IDLE
    assert d.screen_name == "out_of_service"

    staff = sign_in(d)
    d.press_id("lock_button")  # now "Unlock kiosk"
    d.press_id("sign_out_button")
    d.wait_screen("attract")
    shopper.scan(COLA)
    d.wait_screen("shopping")


def test_fleet_lock_and_required_device_down_show_out_of_service(ui: Any, shot: Any) -> None:
    d = ui.driver
    control = ui.fleet.control
    assert control is not None
    worker = threading.Thread(target=control.lock, args=("stock count until 07:00",))
    worker.start()
    worker.join()
    oos = d.wait_screen("out_of_service")
    assert oos.ids.reason.text == "Closed by the store office."
    assert oos.ids.details.text == "stock count until 07:00"
    assert control.screen() == "out_of_service"
    d.press_top("language_button")
    d.wait_for(lambda: oos.ids.reason.text == "已由门店后台关闭。", "the reason in Chinese")
    shot("out_of_service_fleet_zh")
    d.press_top("language_button")
    control.unlock()
    d.wait_screen("attract")

    ui.devices.report(
        DeviceStatus(
            "bagging_scale", DeviceState.MISSING, required=True, detail="/dev/ttyUSB0 gone"
        )
    )
    d.wait_screen("out_of_service")
    assert oos.ids.reason.text == "A device is not working: Bagging scale"
    assert "missing /dev/ttyUSB0 gone" in oos.ids.details.text
    shot("out_of_service_device_en")
    ui.devices.report(DeviceStatus("bagging_scale", DeviceState.OK, required=True))
    d.wait_screen("attract")


def test_card_payment_declined_then_paid_another_way(ui: Any) -> None:
    from kiosk.payments.base import Fault

    d, runtime, shopper = ui.driver, ui.kiosk.runtime, Shopper(ui)
    d.press_id("start_button")
    d.wait_screen("shopping")
    shopper.scan_and_bag(NOVEL)
    d.press_id("pay_button")
    payment = d.wait_screen("payment")
    ui.kiosk.providers[PaymentMethod.CARD].inject(Fault.DECLINE)
    d.press_id("card")
    d.wait_for(
        lambda: payment.ids.notice.text == "Payment declined. Please try another way to pay.",
        "the decline shown on the payment screen",
    )
    assert d.screen_name == "payment"
    assert runtime.state.phase == Phase.SHOPPING
    d.press_id("card")
    d.wait_screen("receipt")
