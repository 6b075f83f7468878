"""Which screen shows for each checkout state and app state."""

from __future__ import annotations

from dataclasses import replace

from kiosk.checkout.events import PaymentMethod
from kiosk.checkout.interventions import Intervention, InterventionKind
from kiosk.checkout.session import Checkout, PaymentAttempt, Phase
from kiosk.ui.navigation import (
    LockedBy,
    Page,
    ScreenName,
    Service,
    StaffOnDuty,
    UiState,
    display_language,
    screen_for,
)

SHOPPING = Checkout(phase=Phase.SHOPPING, session_id="s", language="zh_CN")


def test_each_phase_has_its_screen() -> None:
    ui = UiState()
    assert screen_for(Checkout(), ui) == ScreenName.ATTRACT
    assert screen_for(SHOPPING, ui) == ScreenName.SHOPPING
    card = PaymentAttempt("k", PaymentMethod.CARD, 100)
    assert screen_for(replace(SHOPPING, phase=Phase.PAYING, payment=card), ui) == (
        ScreenName.PROCESSING
    )
    assert screen_for(replace(SHOPPING, phase=Phase.PAID), ui) == ScreenName.RECEIPT
    assert screen_for(replace(SHOPPING, phase=Phase.RECEIPT), ui) == ScreenName.THANKS


def test_qr_code_screen_only_once_the_wallet_gave_a_code() -> None:
    pending = PaymentAttempt("k", PaymentMethod.QR_WALLET, 100)
    paying = replace(SHOPPING, phase=Phase.PAYING, payment=pending)
    assert screen_for(paying, UiState()) == ScreenName.PROCESSING
    shown = replace(paying, payment=replace(pending, prompt="https://pay/x"))
    assert screen_for(shown, UiState()) == ScreenName.QR_PAY


def test_pages_while_shopping_and_blocking_interventions_win() -> None:
    assert screen_for(SHOPPING, UiState(page=Page.PRODUCE)) == ScreenName.PRODUCE
    assert screen_for(SHOPPING, UiState(page=Page.PAYMENT)) == ScreenName.PAYMENT
    assert screen_for(SHOPPING, UiState(page=Page.FACE_PAY)) == ScreenName.FACE_PAY
    age = Intervention(1, InterventionKind.AGE_CHECK, 0.0, blocking=False)
    assert screen_for(replace(SHOPPING, interventions=(age,)), UiState()) == ScreenName.SHOPPING
    weight = Intervention(2, InterventionKind.WEIGHT_MISMATCH, 0.0, blocking=True)
    blocked = replace(SHOPPING, interventions=(weight,))
    assert screen_for(blocked, UiState(page=Page.PAYMENT)) == ScreenName.INTERVENTION


def test_out_of_service_never_interrupts_a_shopper() -> None:
    locked = UiState(service=Service(locked_by=LockedBy.FLEET))
    assert screen_for(Checkout(), locked) == ScreenName.OUT_OF_SERVICE
    assert screen_for(SHOPPING, locked) == ScreenName.SHOPPING
    device = UiState(service=Service(devices_down=("bagging_scale",)))
    assert screen_for(Checkout(), device) == ScreenName.OUT_OF_SERVICE
    broken = UiState(service=Service(problems=("kiosk.toml: bad",)))
    assert screen_for(None, broken) == ScreenName.OUT_OF_SERVICE
    assert screen_for(SHOPPING, broken) == ScreenName.OUT_OF_SERVICE


def test_staff_screens_come_first() -> None:
    staff = StaffOnDuty("s01", "Wang", "attendant")
    locked = Service(locked_by=LockedBy.STAFF)
    assert screen_for(Checkout(), UiState(staff=staff, service=locked)) == ScreenName.STAFF
    assert screen_for(SHOPPING, UiState(staff_pin=True)) == ScreenName.STAFF_PIN


def test_language_is_the_sessions_while_a_shopper_is_there() -> None:
    ui = UiState(idle_language="en")
    assert display_language(SHOPPING, ui) == "zh_CN"
    assert display_language(Checkout(language="zh_CN"), ui) == "en"
    assert display_language(None, UiState(idle_language="zh_CN")) == "zh_CN"
