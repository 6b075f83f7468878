"""Scans from the camera, a serial scanner and a keyboard wedge reach the checkout as events."""

from __future__ import annotations

import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest

from devices.scanners import ScannerSimulator, SerialScanner, SerialScannerConfig, WedgeDecoder
from devices.scanners import base as device_base
from devices.scanners.base import ScanRecord as DeviceScan
from kiosk.adapters.scanning import (
    ScanIntake,
    ScanningConfig,
    build_accept,
    build_camera_scanner,
    to_event,
)
from kiosk.checkout import effects as fx
from kiosk.checkout.catalog import Catalog, Currency, Product
from kiosk.checkout.events import ItemScanned, ScanSource
from kiosk.checkout.gs1 import Symbology
from kiosk.checkout.rules import Coupon, CouponKind, PricingRules
from kiosk.checkout.session import Checkout, CheckoutContext, CheckoutMachine
from vision.barcodes.config import live_config
from vision.barcodes.live import ScanRecord as CameraScan
from vision.sources.synthetic import SyntheticCamera

SODA = "5901234123457"
TISSUES_UPCA = "036000291452"
GUM_UPCE = "01234565"  # expands to UPC-A 012345000065


@pytest.fixture
def machine() -> CheckoutMachine:
    products = [
        Product(gtin=SODA, name_en="Soda", name_zh="汽水", price=350, tax_category="standard"),
        Product(
            gtin=TISSUES_UPCA, name_en="Tissues", name_zh="纸巾", price=990, tax_category="standard"
        ),
        Product(
            gtin="012345000065", name_en="Gum", name_zh="口香糖", price=500, tax_category="standard"
        ),
    ]
    coupon = Coupon(
        code="SPRING-10",
        name_en="Spring",
        name_zh="春",
        kind=CouponKind.AMOUNT_OFF,
        value=Decimal(100),
    )
    rules = PricingRules(coupons=(coupon,))
    return CheckoutMachine(CheckoutContext(Catalog(products), rules, Currency("CNY", 2)))


def run(machine: CheckoutMachine, events: list[ItemScanned]) -> tuple[Checkout, list[fx.Effect]]:
    state, effects = machine.initial(), []
    for event in events:
        t = machine.step(state, event)
        state, effects = t.state, effects + list(t.effects)
    return state, effects


class TestAccept:
    accept = staticmethod(build_accept(ScanningConfig()))

    def test_retail_codes_become_gtin14(self) -> None:
        assert self.accept(SODA, "ean13") == "05901234123457"
        assert self.accept("96385074", "ean8") == "00000096385074"
        assert self.accept(TISSUES_UPCA, "upca") == "00036000291452"

    def test_upc_a_read_as_ean13_and_upc_e_are_the_same_product(self) -> None:
        assert self.accept("0" + TISSUES_UPCA, "ean13") == self.accept(TISSUES_UPCA, "upca")
        assert self.accept(GUM_UPCE, "upce") == self.accept("012345000065", "upca")
        assert self.accept(GUM_UPCE, "upce") == self.accept("0012345000065", "ean13")

    @pytest.mark.parametrize(
        ("text", "symbology"),
        [
            ("5901234123458", "ean13"),  # check digit
            ("96385075", "ean8"),
            ("036000291453", "upca"),
            ("01234566", "upce"),
            ("21234565", "upce"),  # number system 2 does not exist
            ("590123412345", "ean13"),  # length
            ("96385074", "ean13"),
            ("ABC", "ean13"),
            ("", "qr"),
            ("x", "aztec"),  # not a project symbology
        ],
    )
    def test_bad_codes_are_refused(self, text: str, symbology: str) -> None:
        assert self.accept(text, symbology) is None

    def test_the_allow_list_is_enforced(self) -> None:
        only_retail = build_accept(ScanningConfig(symbologies=(Symbology.EAN13, Symbology.UPCE)))
        assert only_retail("COUPON:SPRING-10", "qr") is None
        assert only_retail("96385074", "ean8") is None
        assert only_retail("ABC-1", "code128") is None
        assert only_retail(SODA, "ean13") == "05901234123457"
        assert only_retail(TISSUES_UPCA, "upca") is not None  # same bars as EAN-13
        strict = build_accept(ScanningConfig(accept_unknown=False))
        assert strict(SODA, "unknown") is None
        assert self.accept(SODA, "unknown") == "05901234123457"
        assert self.accept("COUPON:X", "unknown") == "COUPON:X"
        assert self.accept("5901234123458", "unknown") is None

    def test_project_symbology_names_agree(self) -> None:
        names = {
            device_base.EAN13,
            device_base.EAN8,
            device_base.UPCA,
            device_base.UPCE,
            device_base.CODE128,
            device_base.QR,
            device_base.DATAMATRIX,
            device_base.DATABAR,
            device_base.UNKNOWN,
        }
        assert names == {s.value for s in Symbology}


def test_every_scanner_kind_becomes_the_same_event() -> None:
    accept = build_accept(ScanningConfig())
    camera = CameraScan(SODA, "ean13", "camera", 5.0, key="05901234123457", frame=7)
    serial = DeviceScan(SODA, "ean13", "serial", 5.0)
    wedge = DeviceScan(SODA, "unknown", "wedge", 5.0)
    events = [to_event(r, accept) for r in (camera, serial, wedge)]
    assert events == [
        ItemScanned(at=5.0, code=SODA, symbology=Symbology.EAN13, source=ScanSource.CAMERA),
        ItemScanned(at=5.0, code=SODA, symbology=Symbology.EAN13, source=ScanSource.SERIAL),
        ItemScanned(at=5.0, code=SODA, symbology=None, source=ScanSource.WEDGE),
    ]
    assert to_event(DeviceScan("5901234123458", "ean13", "serial", 1.0), accept) is None
    assert to_event(DeviceScan(SODA, "ean13", "telepathy", 1.0), accept) is None


def test_retail_codes_from_any_source_land_in_the_cart(machine: CheckoutMachine) -> None:
    events: list[ItemScanned] = []
    intake = ScanIntake(ScanningConfig(), events.append)
    intake(CameraScan("0" + TISSUES_UPCA, "ean13", "camera", 1.0))
    intake(DeviceScan(GUM_UPCE, "upce", "serial", 2.0))
    intake(DeviceScan(SODA, "unknown", "wedge", 3.0))
    intake(DeviceScan("5901234123458", "ean13", "serial", 4.0))  # bad check digit
    assert intake.refused == 1
    state, _ = run(machine, events)
    assert [(ln.gtin, ln.quantity) for ln in state.active_lines] == [
        ("00036000291452", 1),
        ("00012345000065", 1),
        ("05901234123457", 1),
    ]


def test_coupon_and_member_qr_codes_reach_the_session_as_such(machine: CheckoutMachine) -> None:
    events: list[ItemScanned] = []
    intake = ScanIntake(ScanningConfig(), events.append)
    intake(CameraScan(SODA, "ean13", "camera", 1.0))
    intake(CameraScan("COUPON:SPRING-10", "qr", "camera", 2.0))
    intake(DeviceScan("MEMBER:00042", "qr", "serial", 3.0))
    state, effects = run(machine, events)
    assert state.coupons == ("SPRING-10",)
    assert fx.LookupMember("00042") in effects
    assert len(state.active_lines) == 1  # neither became a product line


def test_camera_scans_reach_the_cart_once_per_presentation(machine: CheckoutMachine) -> None:
    """Synthetic camera -> grabber -> pipeline -> debounce -> intake -> session."""
    config = ScanningConfig.model_validate(
        {
            "camera": {
                "type": "synthetic",
                "width": 640,
                "height": 480,
                "seed": 6,
                "tilt_deg": 10,
                "codes": [
                    {"text": SODA, "symbology": "ean13"},
                    {"text": "COUPON:SPRING-10", "symbology": "qr"},
                ],
            },
            "pipeline": {"budget_ms": 30},
        }
    )
    events: list[ItemScanned] = []
    lock = threading.Lock()

    def sink(event: ItemScanned) -> None:
        with lock:
            events.append(event)

    intake = ScanIntake(config, sink)
    scanner = build_camera_scanner(config, intake)
    assert scanner is not None
    assert scanner.pipeline.config.passes == live_config().passes  # file keys override these
    camera = scanner.grabber.source
    assert isinstance(camera, SyntheticCamera)
    scanner.start()
    try:
        for view in ((SODA,), (), (SODA, "COUPON:SPRING-10"), ()):
            camera.present(*view)
            time.sleep(1.0)
    finally:
        scanner.stop()
    assert sorted(e.code for e in events) == sorted([SODA, SODA, "COUPON:SPRING-10"])
    assert all(e.source == ScanSource.CAMERA for e in events)
    state, _ = run(machine, events)
    assert [(ln.gtin, ln.quantity) for ln in state.active_lines] == [("05901234123457", 2)]
    assert state.coupons == ("SPRING-10",)


def test_serial_scanner_codes_reach_the_session(tmp_path: Path, machine: CheckoutMachine) -> None:
    events: list[ItemScanned] = []
    arrived = threading.Event()

    def sink(event: ItemScanned) -> None:
        events.append(event)
        if len(events) == 2:
            arrived.set()

    with ScannerSimulator(tmp_path / "ttyScan") as simulator:
        connected = threading.Event()
        scanner = SerialScanner(
            SerialScannerConfig(port=simulator.port),
            on_scan=ScanIntake(ScanningConfig(), sink),
            on_event=lambda e: connected.set(),
        )
        scanner.start()
        try:
            assert connected.wait(5)
            simulator.scan(TISSUES_UPCA, "upca")
            simulator.scan("COUPON:SPRING-10", "qr")
            assert arrived.wait(5)
        finally:
            scanner.stop()
    state, _ = run(machine, events)
    assert [ln.gtin for ln in state.active_lines] == ["00036000291452"]
    assert state.coupons == ("SPRING-10",)
    assert {e.source for e in events} == {ScanSource.SERIAL}


def test_wedge_scans_reach_the_session(machine: CheckoutMachine) -> None:
    events: list[ItemScanned] = []
    intake = ScanIntake(ScanningConfig(), events.append)
    wedge = WedgeDecoder()
    t = 100.0
    for ch in "5901234123457\r":
        if (record := wedge.feed(ch, t)) is not None:
            intake(record)
        t += 0.004
    state, _ = run(machine, events)
    assert [ln.gtin for ln in state.active_lines] == ["05901234123457"]
    assert events[0].source == ScanSource.WEDGE


def test_scanning_config_names_bad_keys_and_has_no_camera_by_default() -> None:
    assert build_camera_scanner(ScanningConfig(), ScanIntake(ScanningConfig(), print)) is None
    with pytest.raises(ValueError, match="pipeline.budgt_ms"):
        ScanningConfig.model_validate({"pipeline": {"budgt_ms": 25}})
    with pytest.raises(ValueError, match="camera"):
        ScanningConfig.model_validate({"camera": {"type": "webcam"}})
    config = ScanningConfig.model_validate(
        {"serial": {"port": "/dev/ttyACM0"}, "wedge": {"max_key_gap_s": 0.03}}
    )
    assert config.serial is not None
    assert config.serial.aim_prefix
    assert config.wedge is not None
