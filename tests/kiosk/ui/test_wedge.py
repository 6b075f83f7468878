"""A keyboard-wedge scanner is told apart from a person typing by its speed."""

from __future__ import annotations

from kiosk.ui.wedge import WedgeBuffer


def type_code(buffer: WedgeBuffer, code: str, start: float, gap: float) -> str | None:
    at = start
    for char in code:
        buffer.feed(char, at)
        at += gap
    return buffer.enter(at)


def test_a_quick_burst_ending_in_enter_is_a_code() -> None:
    assert type_code(WedgeBuffer(), "5449000039231", 0.0, 0.008) == "5449000039231"


def test_slow_typing_is_not_a_scan() -> None:
    assert type_code(WedgeBuffer(), "5449000039231", 0.0, 0.4) is None


def test_a_pause_starts_a_new_code_and_short_bursts_are_ignored() -> None:
    buffer = WedgeBuffer()
    buffer.feed("9", 0.0)
    buffer.feed("9", 0.01)
    assert type_code(buffer, "4006381333931", 5.0, 0.005) == "4006381333931"
    assert type_code(buffer, "123", 9.0, 0.005) is None
