"""Receipts: text in both languages, ESC/POS bytes with QR and cut, printers that fail."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from PIL import Image
from pyzbar import pyzbar

from kiosk.assembly import Kiosk
from kiosk.checkout import events as ev
from kiosk.checkout.sale import mask_name
from kiosk.checkout.session import Phase
from kiosk.receipts.config import FilePrinter, NetworkPrinter, ReceiptsConfig
from kiosk.receipts.escpos_render import render_escpos
from kiosk.receipts.issuer import ReceiptIssuer
from kiosk.receipts.text import ReceiptContext, display_width, render_text
from kiosk.simulator.runner import VirtualClock
from kiosk.storage import members
from kiosk.storage.sales import get_sale

ESC_CUT = b"\x1dV"
RASTER = b"\x1dv0"  # GS v 0: a raster bit image (the QR code is printed as one)


def paid_sale(kiosk: Kiosk, clock: VirtualClock, *, member: bool = False) -> str:
    rt = kiosk.runtime
    rt.dispatch(ev.WeightChanged(at=0, grams=0, stable=True))
    if member:
        members.add_member(kiosk.db, "Jane Doe", member_id="M1", points=40)
        rt.dispatch(ev.ItemScanned(at=0, code="MEMBER:M1"))
    for code in ("5449000039231", "5449000039231", "5449000039231", "9780140013993"):
        rt.dispatch(ev.ItemScanned(at=1, code=code))
    rt.dispatch(ev.WeightChanged(at=2, grams=3 * 345 + 240, stable=True))
    rt.dispatch(ev.PayRequested(at=3, method=ev.PaymentMethod.CARD))
    assert rt.state.phase == Phase.PAID
    assert rt.state.sale is not None
    return rt.state.sale.sale_id


def context(language: str, width: int = 42) -> ReceiptContext:
    return ReceiptContext(
        store_name="Open Market",
        kiosk_id="demo-01",
        created_at=datetime(2026, 11, 22, 10, 30, tzinfo=UTC),
        language=language,
        width=width,
        ereceipt_url="https://r.example/1",
    )


def test_english_receipt(kiosk: Kiosk, clock: VirtualClock) -> None:
    sale = get_sale(kiosk.db, paid_sale(kiosk, clock, member=True))
    assert sale is not None
    text = render_text(sale, context("en"))
    assert "Cola 3 for 2" in text
    assert "TOTAL CNY" in text
    assert "65.00" in text  # 3 x 3.50 with one free, and a 58.00 book
    assert "incl. tax 13%" in text
    assert "incl. tax 9%" in text
    assert f"****{sale.payment.card_last4}" in text  # type: ignore[union-attr]
    assert "Member J*** D**" in text
    assert "Jane" not in text
    assert "Points earned" in text
    assert all(
        display_width(line) <= 42 for line in text.splitlines() if not line.startswith("http")
    )


def test_chinese_receipt_aligns_wide_characters(kiosk: Kiosk, clock: VirtualClock) -> None:
    sale = get_sale(kiosk.db, paid_sale(kiosk, clock))
    assert sale is not None
    text = render_text(sale, context("zh_CN"))
    assert "可乐330毫升罐装" in text
    assert "合计 CNY" in text
    assert "谢谢惠顾" in text
    for line in text.splitlines():
        if not line.startswith("http"):
            assert display_width(line) <= 42, line
    priced_lines = [ln for ln in text.splitlines() if ln.rstrip().endswith("58.00")]
    assert priced_lines
    assert display_width(priced_lines[0]) == 42  # amounts flush right despite double-width names


def test_mask_name() -> None:
    assert mask_name("Jane Doe") == "J*** D**"
    assert mask_name("张伟") == "张*"


def raster_images(data: bytes) -> list[Image.Image]:
    """Decode the GS v 0 raster images in ESC/POS bytes back into pictures."""
    images = []
    start = 0
    while (at := data.find(RASTER, start)) >= 0:
        x_bytes = data[at + 4] + 256 * data[at + 5]
        height = data[at + 6] + 256 * data[at + 7]
        body = data[at + 8 : at + 8 + x_bytes * height]
        bits = Image.frombytes("1", (x_bytes * 8, height), bytes(b ^ 0xFF for b in body))
        images.append(bits.convert("L"))
        start = at + 8 + len(body)
    return images


def test_escpos_bytes_have_text_a_readable_qr_and_cut() -> None:
    data = render_escpos("Hello receipt\n", qr_url="https://r.example/1")
    assert b"Hello receipt" in data
    assert data.rstrip(b"\x00").endswith(ESC_CUT)
    decoded = [
        d.data
        for img in raster_images(data)
        for d in pyzbar.decode(img.resize((img.width * 2, img.height * 2)))
    ]
    assert decoded == [b"https://r.example/1"]


def test_chinese_is_printed_as_an_image() -> None:
    data = render_escpos(
        "谢谢惠顾\n", cjk_font="/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
    )
    assert RASTER in data
    assert "谢谢".encode() not in data


def test_issue_to_file_printer_and_failures(
    kiosk: Kiosk, clock: VirtualClock, tmp_path: Path
) -> None:
    sale = get_sale(kiosk.db, paid_sale(kiosk, clock))
    assert sale is not None
    good = ReceiptIssuer(
        ReceiptsConfig(printer=FilePrinter(path="out.bin")),
        store_name="S",
        kiosk_id="k",
        data_dir=tmp_path,
    )
    issued = good.issue(sale, ev.ReceiptKind.PRINT, context("en"))
    assert issued.printed
    assert ESC_CUT in (tmp_path / "out.bin").read_bytes()
    unreachable = ReceiptsConfig(printer=NetworkPrinter(host="127.0.0.1", port=9))
    bad = ReceiptIssuer(unreachable, store_name="S", kiosk_id="k", data_dir=tmp_path)
    failed = bad.issue(sale, ev.ReceiptKind.PRINT, context("en"))
    assert not failed.printed
    assert "network printer" in failed.problem
    assert failed.ereceipt_url  # the shopper still gets the QR link


def test_runtime_prints_on_request(kiosk: Kiosk, clock: VirtualClock) -> None:
    paid_sale(kiosk, clock)
    kiosk.runtime.dispatch(ev.ReceiptChosen(at=5, kind=ev.ReceiptKind.PRINT))
    receipt = kiosk.runtime.stats.receipts[-1]
    assert receipt.printed
    assert (kiosk.loaded.data_dir / "receipts.escpos").stat().st_size > 100
