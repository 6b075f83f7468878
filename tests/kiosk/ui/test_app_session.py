"""Inactivity warning, large text, spoken prompts, the keyboard wedge and in-app lockdown."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from kiosk.checkout.session import Phase
from kiosk.ui.config import SpeechConfig
from kiosk.ui.speech import Speaker
from tests.kiosk.ui.shopping import COLA, MILK, Shopper


def test_inactivity_warning_then_the_cart_is_cleared(ui: Any, shot: Any) -> None:
    d, runtime, shopper = ui.driver, ui.kiosk.runtime, Shopper(ui)
    settings = ui.kiosk.machine.ctx.settings
    d.press_id("start_button")
    d.wait_screen("shopping")
    shopper.scan_and_bag(COLA)
    ui.clock.advance(settings.inactivity_warning_s + 1)
    d.wait_for(lambda: runtime.state.warned, "the inactivity warning")
    overlay = ui.app.overlay
    d.wait_for(lambda: overlay.parent is not None, "the warning on screen")
    assert overlay.ids.still_there_text.text == "Are you still there? Touch the screen to continue."
    assert ui.app.still_there_countdown.startswith("Your basket will be cleared in ")
    shot("still_there_en")
    d.press(overlay.ids.still_here_button)
    d.wait_for(lambda: overlay.parent is None, "the warning gone")
    assert not runtime.state.warned
    assert runtime.state.phase == Phase.SHOPPING

    ui.clock.advance(settings.inactivity_warning_s + settings.inactivity_clear_s + 1)
    d.wait_screen("attract")
    assert runtime.state.phase == Phase.IDLE
    assert overlay.parent is None


def test_large_text_mode_scales_every_label(ui: Any, shot: Any) -> None:
    d, shopper = ui.driver, Shopper(ui)
    d.press_id("start_button")
    shopping = d.wait_screen("shopping")
    shopper.scan_and_bag(COLA, MILK)
    total = shopping.ids.total
    normal = total.font_size
    d.press_top("text_size_button")
    d.wait_for(lambda: ui.app.large_text, "large text on")
    factor = ui.kiosk.loaded.config.ui.large_text_scale
    assert total.font_size == pytest.approx(normal * factor)
    row = shopping.ids.cart.row_views()[0]
    assert row.height == pytest.approx(74 * ui.app.fscale)
    shot("shopping_large_text_en")
    d.press_top("text_size_button")
    d.wait_for(lambda: total.font_size == pytest.approx(normal), "normal text again")


def test_prompts_are_spoken_when_spoken_help_is_on(ui: Any, tmp_path: Path) -> None:
    d, shopper = ui.driver, Shopper(ui)
    wav = tmp_path / "spoken.wav"
    quiet = ui.app.speaker
    ui.app.speaker = Speaker(SpeechConfig(extra_args=("-w", str(wav))))

    def said(text: str, language: str) -> None:  # the last prompt asked for, within a wait
        d.wait_for(lambda: ui.app.speaker.last == (text, language), f"{text!r} spoken")

    try:
        d.press_top("speech_button")
        assert ui.app.ui.speech
        d.press_id("start_button")
        d.wait_screen("shopping")
        shopper.scan(COLA)
        d.wait_for(lambda: ui.app.speaker.spoken >= 1, "a prompt handed to espeak-ng")
        assert ui.app.speaker.wait_idle(30)  # espeak-ng writing the WAV is slow under load
        assert wav.read_bytes()[:4] == b"RIFF"
        said("Item added. Place it in the bagging area.", "en")  # the welcome is said first
        shopper.bag(COLA)
        d.settle()
        d.press_id("pay_button")
        d.wait_screen("payment")
        said("How would you like to pay?", "en")
        d.press_top("language_button")
        d.wait_for(lambda: ui.app.language == "zh_CN", "Chinese")
        d.press_id("back_button")
        d.wait_screen("shopping")
        d.press_id("pay_button")
        d.wait_screen("payment")
        said("请选择支付方式", "zh_CN")
        d.press_id("back_button")
        d.wait_screen("shopping")
        d.press_top("speech_button")
        spoken = ui.app.speaker.spoken
        shopper.scan(MILK)
        d.settle()
        assert ui.app.speaker.spoken == spoken  # off means off
    finally:
        ui.app.speaker.stop()
        ui.app.speaker = quiet


def test_fleet_restart_ends_the_app_so_it_can_start_again(
    ui: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kivy.core.window import Window

    from kiosk.ui.app import ExitReason

    stopped: list[bool] = []
    monkeypatch.setattr(ui.app, "stop", lambda *_a: stopped.append(True))
    control = ui.fleet.control
    try:
        worker = threading.Thread(target=control.restart)
        worker.start()
        worker.join()
        ui.driver.wait_for(lambda: stopped, "the app to be stopped")
        assert ui.app.exit_reason == ExitReason.RESTART
        assert not Window.dispatch("on_request_close")  # now the window may close
    finally:
        ui.app.exit_reason = ExitReason.NONE


def type_keys(window: Any, text: str, gap_s: float) -> None:
    for char in text:
        window.dispatch("on_keyboard", ord(char), 0, char, [])
        time.sleep(gap_s)
    window.dispatch("on_keyboard", 13, 40, None, [])


def test_keyboard_wedge_scanner_adds_items_but_typing_does_not(ui: Any) -> None:
    from kivy.core.window import Window

    d, runtime = ui.driver, ui.kiosk.runtime
    type_keys(Window, "5449000039231", gap_s=0.2)  # a person at a keyboard
    d.settle()
    assert runtime.state.phase == Phase.IDLE
    type_keys(Window, "5449000039231", gap_s=0.002)  # a scanner
    d.wait_screen("shopping")
    assert [ln.name_en for ln in runtime.state.active_lines] == ["Cola 330ml can"]


def test_close_requests_and_escape_keys_do_not_leave_the_app(ui: Any) -> None:
    from kivy.base import EventLoop
    from kivy.core.window import Window

    d, lockdown = ui.driver, ui.app.lockdown
    closes, keys = lockdown.refused_closes, lockdown.blocked_keys
    assert Window.dispatch("on_request_close") is True
    assert Window.dispatch("on_request_close", source="keyboard") is True
    for key, codepoint, modifiers in (
        (27, None, []),  # Escape
        (285, None, ["alt"]),  # Alt+F4
        (282, None, []),  # F1: Kivy's settings panel
        (101, "e", ["ctrl"]),  # Ctrl+E: the inspector
    ):
        Window.dispatch("on_keyboard", key, 0, codepoint, modifiers)
    d.pump(5)
    assert lockdown.refused_closes == closes + 2
    assert lockdown.blocked_keys == keys + 4
    assert ui.app.open_settings() is False
    assert not EventLoop.quit
    assert d.screen_name == "attract"
