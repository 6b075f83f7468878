"""Complete purchases through the real app's widgets: card, QR wallet, face pay, produce."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import zxingcpp
from PIL import Image

from kiosk.checkout import events as ev
from kiosk.checkout.events import PaymentMethod
from kiosk.checkout.gs1 import Symbology
from kiosk.checkout.session import Phase
from kiosk.i18n import money
from kiosk.storage import members
from kiosk.storage.audit import recent
from kiosk.storage.sales import get_sale
from kiosk.ui.face_pay import LivenessPrompt
from kiosk.ui.feeds import Box, ScaleReading
from tests.kiosk.ui.conftest import FACE_DIGITS, MEMBER_ID
from tests.kiosk.ui.shopping import COLA, MILK, NOVEL, Shopper, pick_grapes


def decode_widget(widget: Any, tmp_path: Path) -> str:
    """What a phone would read from the QR code on screen."""
    path = tmp_path / "qr.png"
    widget.export_to_png(str(path))
    with Image.open(path) as image:
        found = zxingcpp.read_barcodes(image.convert("L"))
    assert len(found) == 1, "exactly one QR code on screen"
    return str(found[0].text)


def row_texts(screen: Any) -> list[tuple[str, str, str]]:
    views = sorted(screen.ids.cart.row_views(), key=lambda v: -v.y)  # top row first
    return [(v.name, v.detail, v.amount) for v in views]


def test_card_purchase_with_promotion_bagging_and_printed_receipt(ui: Any, shot: Any) -> None:
    d, runtime, shopper = ui.driver, ui.kiosk.runtime, Shopper(ui)
    shot("attract_en")
    d.press_id("start_button")
    shopping = d.wait_screen("shopping")
    assert runtime.state.phase == Phase.SHOPPING
    for code in (COLA, COLA, COLA, MILK):
        shopper.scan(code)
    d.settle()
    assert shopping.bagging == "Place in the bagging area: 4 item(s)"
    shopper.bag(grams=3 * 345 + 1060)
    d.wait_for(lambda: shopping.bagging == "Bagging area: 2.095 kg", "the bag to balance")
    assert runtime.state.bag.pending == ()
    assert row_texts(shopping) == [
        ("Whole milk 1L", "1 × CN¥9.80", "CN¥9.80"),
        ("Cola 330ml can", "3 × CN¥3.50", "CN¥10.50"),
    ]
    priced = runtime.price()
    assert priced.amount_due == 1680  # 10.50 + 9.80 - 3.50 (3 for 2)
    assert shopping.ids.total.text == "CN¥16.80"
    assert "Cola 3 for 2" in shopping.savings_names
    assert shopping.ids.pay_button.text == "Pay CN¥16.80"
    preview = shopping.ids.preview
    assert preview.frames_shown >= 1
    assert [b.label for b in preview.boxes_shown] == [MILK]
    shot("shopping_en")

    d.press_id("pay_button")
    payment = d.wait_screen("payment")
    assert payment.ids.amount.text == "CN¥16.80"
    assert payment.ids.member_wallet.disabled  # no member card scanned
    shot("payment_en")
    ui.kiosk.providers[PaymentMethod.CARD].delay_s = 1.5  # long enough to photograph
    d.press_id("card")
    processing = d.wait_screen("processing")
    assert processing.ids.title.text == "Pay on the card terminal"
    assert runtime.state.phase == Phase.PAYING
    shot("processing_en")
    ui.kiosk.providers[PaymentMethod.CARD].delay_s = 0.3

    receipt = d.wait_screen("receipt")
    sale = runtime.state.sale
    assert sale is not None
    assert receipt.ids.paid_text.text == "CN¥16.80 paid by Card"
    stored = get_sale(ui.kiosk.db, sale.sale_id)
    assert stored is not None
    assert stored.payment is not None
    assert stored.payment.method == PaymentMethod.CARD
    assert stored.amount_due == 1680
    shot("receipt_en")
    receipt.update(replace(ui.app.view(), devices=()))  # a kiosk without a printer ...
    assert receipt.ids.print_button.disabled  # ... offers no printed receipt
    assert receipt.ids.print_button.opacity == 0
    receipt.update(ui.app.view())  # this one has the (stand-in) file printer on its board
    assert not receipt.ids.print_button.disabled

    d.press_id("print_button")
    thanks = d.wait_screen("thanks")
    issued = runtime.stats.receipts[-1]
    assert issued.sale_id == sale.sale_id
    assert issued.printed
    assert thanks.ids.receipt_text.text == "Please take your receipt."
    assert (ui.kiosk.loaded.data_dir / "receipts.escpos").stat().st_size > 0
    shot("thanks_print_en")
    d.press_id("rate_4")
    d.wait_screen("attract")
    assert runtime.state.phase == Phase.IDLE
    d.wait_for(
        lambda: any(
            a.action == "rating" and a.detail.get("rating") == "4" for a in recent(ui.kiosk.db)
        ),
        "the rating in the audit log",
    )


def test_qr_wallet_purchase_switching_language_mid_purchase(
    ui: Any, shot: Any, tmp_path: Path
) -> None:
    d, runtime, shopper = ui.driver, ui.kiosk.runtime, Shopper(ui)
    d.press_top("language_button")
    d.wait_for(lambda: d.shows("欢迎光临"), "the attract screen in Chinese")
    shot("attract_zh")
    d.press_id("chinese_button")
    shopping = d.wait_screen("shopping")
    assert runtime.state.language == "zh_CN"
    shopper.scan_and_bag(NOVEL, MILK)
    assert [r[0] for r in row_texts(shopping)] == ["全脂牛奶1升", "经典小说（平装）"]
    assert shopping.ids.total.text == "¥67.80"
    assert d.shows("您的购物篮")
    shot("shopping_zh")

    d.press_top("language_button")  # to English, with the cart full
    d.wait_for(lambda: runtime.state.language == "en", "the session to switch to English")
    d.wait_for(lambda: d.shows("Your basket"), "the screen in English")
    assert [r[0] for r in row_texts(shopping)] == ["Whole milk 1L", "Classic novel (paperback)"]
    assert shopping.ids.total.text == "CN¥67.80"
    assert not d.shows("您的购物篮")
    d.press_top("language_button")
    d.wait_for(lambda: d.shows("付款 ¥67.80"), "Chinese again")

    d.press_id("pay_button")
    d.wait_screen("payment")
    shot("payment_zh")
    d.press_id("qr_wallet")
    qr_pay = d.wait_screen("qr_pay")
    payment = runtime.state.payment
    assert payment is not None
    assert payment.method == PaymentMethod.QR_WALLET
    assert payment.prompt.startswith("https://pay.example.com/qr?order=")
    assert decode_widget(qr_pay.ids.qr, tmp_path) == payment.prompt
    assert qr_pay.ids.amount.text == "¥67.80"
    shot("qr_pay_zh")

    ui.kiosk.providers[PaymentMethod.QR_WALLET].confirm(payment.key)  # the shopper's phone
    receipt = d.wait_screen("receipt")
    assert receipt.ids.paid_text.text == "已通过手机钱包扫码支付 ¥67.80"
    shot("receipt_zh")
    d.press_id("qr_button")
    thanks = d.wait_screen("thanks")
    issued = runtime.stats.receipts[-1]
    assert issued.ereceipt_url.endswith(issued.sale_id)
    assert decode_widget(thanks.ids.qr, tmp_path) == issued.ereceipt_url
    shot("thanks_zh")
    d.press_id("done_button")
    d.wait_screen("attract")
    assert runtime.state.language == "en"  # the next shopper starts in the default language


def test_produce_then_face_pay(ui: Any, shot: Any) -> None:
    d, runtime, shopper = ui.driver, ui.kiosk.runtime, Shopper(ui)
    wallet_before = members.get_member(ui.kiosk.db, MEMBER_ID).wallet_balance  # type: ignore[union-attr]
    produce = pick_grapes(d)
    ui.produce.publish(ScaleReading(512, stable=True))
    d.wait_for(lambda: produce.scale_text == "0.512 kg", "the scale reading")
    assert produce.price_text == "Price: CN¥13.31"
    shot("produce_en")
    d.press_id("add_button")
    shopping = d.wait_screen("shopping")
    assert row_texts(shopping) == [("Red grapes", "0.512 kg at CN¥26.00/kg", "CN¥13.31")]
    shopper.bag(grams=512)
    d.settle()
    total = runtime.price().amount_due
    assert total == 1331 - 200  # 15% off grapes, rounded

    d.press_id("pay_button")
    d.wait_screen("payment")
    d.press_id("face")
    face = d.wait_screen("face_pay")
    assert face.ids.prompt.text == "Look at the camera."
    shopper.show_face(MEMBER_ID, Box(520, 140, 260, 320, label="Li Lei"), LivenessPrompt.BLINK)
    d.wait_for(lambda: face.ids.prompt.text == "Please blink.", "the liveness prompt")
    d.wait_for(lambda: face.ids.preview.boxes_shown, "the face box")
    shot("face_pay_liveness_en")
    ui.face.pass_liveness()
    d.wait_for(lambda: face.asking_digits, "the digits keypad")
    assert "Hello Li Lei!" in face.ids.prompt.text
    d.type_pin("99")
    shot("face_pay_digits_en")
    d.type_pin("99")
    d.wait_for(lambda: face.failed, "wrong digits refused")
    assert face.ids.prompt.text == "Those digits do not match. Please try again."
    assert runtime.state.phase == Phase.SHOPPING
    d.press_id("retry_button")
    shopper.show_face(MEMBER_ID, Box(520, 140, 260, 320), LivenessPrompt.TURN_LEFT)
    ui.face.pass_liveness()
    d.wait_for(lambda: face.asking_digits, "the keypad again")
    d.type_pin(FACE_DIGITS)
    receipt = d.wait_screen("receipt")
    sale = runtime.state.sale
    assert sale is not None
    assert sale.member_id == MEMBER_ID
    assert sale.payment is not None
    assert sale.payment.method == PaymentMethod.FACE
    assert (
        receipt.ids.paid_text.text
        == f"{money(total, ui.kiosk.loaded.currency, 'en')} paid by Face pay"
    )
    wallet_after = members.get_member(ui.kiosk.db, MEMBER_ID).wallet_balance  # type: ignore[union-attr]
    assert wallet_before - wallet_after == total
    d.press_id("none_button")
    d.wait_screen("thanks")
    d.press_id("rate_5")
    d.wait_screen("attract")


def test_member_card_points_and_member_wallet(ui: Any, shot: Any) -> None:
    d, runtime, shopper = ui.driver, ui.kiosk.runtime, Shopper(ui)
    member = members.get_member(ui.kiosk.db, MEMBER_ID)
    assert member is not None
    points = member.points_balance  # 1500, plus what earlier purchases earned
    d.press_id("start_button")
    d.wait_screen("shopping")
    shopper.scan_and_bag(NOVEL, MILK)
    d.post(ev.ItemScanned, code=f"MEMBER:{MEMBER_ID}", symbology=Symbology.QR)
    d.wait_for(lambda: runtime.state.member is not None, "the member card recognised")
    d.wait_shows("Welcome back, Li Lei!")
    d.press_id("pay_button")
    payment = d.wait_screen("payment")
    assert not payment.ids.member_wallet.disabled
    assert payment.member_text == "Member: Li Lei"
    assert payment.ids.amount.text == "CN¥65.90"  # member price for the milk
    assert payment.ids.points_button.text == f"Use my {points} points"
    shot("payment_member_en")
    d.press_id("points_button")
    d.wait_for(lambda: runtime.state.points_to_redeem == points, "points applied")
    due = 6590 - points  # a point is worth 0.01
    shown = money(due, ui.kiosk.loaded.currency, "en")
    d.wait_for(lambda: payment.ids.amount.text == shown, "the points taken off")
    assert payment.ids.points_button.opacity == 0
    d.press_id("member_wallet")
    d.wait_screen("receipt")
    sale = runtime.state.sale
    assert sale is not None
    assert sale.payment is not None
    assert sale.payment.method == PaymentMethod.MEMBER_WALLET
    assert sale.points_redeemed == points
    assert sale.amount_due == due
    d.press_id("none_button")
    d.wait_screen("thanks")
    d.press_id("done_button")
    d.wait_screen("attract")
