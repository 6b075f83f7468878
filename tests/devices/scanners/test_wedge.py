"""Keyboard wedge: fast bursts ended by Enter are scans; people typing are not."""

from __future__ import annotations

import numpy as np
import pytest

from devices.scanners import KeyEvent, WedgeConfig, WedgeDecoder


def typed(text: str, start: float, gap: float, enter: bool = True) -> list[KeyEvent]:
    keys = [KeyEvent(ch, start + i * gap) for i, ch in enumerate(text)]
    if enter:
        keys.append(KeyEvent("\r", start + len(text) * gap))
    return keys


def test_a_scanner_burst_ended_by_enter_is_one_scan() -> None:
    records = WedgeDecoder().feed_all(typed("5901234123457", start=10.0, gap=0.004))
    assert [(r.text, r.symbology, r.source) for r in records] == [
        ("5901234123457", "unknown", "wedge")
    ]
    assert records[0].at == pytest.approx(10.0 + 13 * 0.004)


def test_a_person_typing_the_same_digits_is_not_a_scan() -> None:
    assert WedgeDecoder().feed_all(typed("5901234123457", start=0.0, gap=0.12)) == []


def test_a_fast_typist_is_not_a_scan_either() -> None:
    rng = np.random.default_rng(1)
    t, keys = 0.0, []
    for ch in "hello world 123":
        t += float(rng.uniform(0.06, 0.2))  # people manage 60-200 ms between keys
        keys.append(KeyEvent(ch, t))
    keys.append(KeyEvent("\n", t + 0.05))
    assert WedgeDecoder().feed_all(keys) == []


def test_a_burst_without_enter_is_not_a_scan() -> None:
    decoder = WedgeDecoder()
    assert decoder.feed_all(typed("5901234123457", 0.0, 0.004, enter=False)) == []
    # an Enter pressed later by a person does not complete it
    assert decoder.feed("\r", 1.0) is None


def test_a_pause_inside_a_burst_restarts_it() -> None:
    keys = typed("590123", 0.0, 0.004, enter=False) + typed("4123457", 0.5, 0.004)
    # only the part after the pause is a burst, and it is a code of its own
    assert [r.text for r in WedgeDecoder().feed_all(keys)] == ["4123457"]


def test_typing_then_scanning_yields_only_the_scan() -> None:
    keys = typed("milk", 0.0, 0.15, enter=False) + typed("96385074", 2.0, 0.003)
    assert [r.text for r in WedgeDecoder().feed_all(keys)] == ["96385074"]


def test_short_bursts_and_special_keys_are_not_scans() -> None:
    decoder = WedgeDecoder(WedgeConfig(min_length=4))
    assert decoder.feed_all(typed("12", 0.0, 0.003)) == []  # too short
    keys = typed("5901", 1.0, 0.003, enter=False) + [KeyEvent("Left", 1.013)]
    keys += typed("234123457", 1.016, 0.003)
    assert [r.text for r in decoder.feed_all(keys)] == ["234123457"]


def test_aim_prefixed_wedge_scans_carry_their_symbology() -> None:
    decoder = WedgeDecoder(WedgeConfig(aim_prefix=True))
    records = decoder.feed_all(typed("]E00036000291452", 0.0, 0.002))
    records += decoder.feed_all(typed("]Q1COUPON:SPRING-10", 1.0, 0.002))
    assert [(r.text, r.symbology) for r in records] == [
        ("036000291452", "upca"),
        ("COUPON:SPRING-10", "qr"),
    ]


def test_gap_boundary_follows_the_config() -> None:
    strict = WedgeDecoder(WedgeConfig(max_key_gap_s=0.01))
    loose = WedgeDecoder(WedgeConfig(max_key_gap_s=0.05))
    keys = typed("5901234123457", 0.0, 0.02)
    assert strict.feed_all(keys) == []
    assert [r.text for r in loose.feed_all(keys)] == ["5901234123457"]
