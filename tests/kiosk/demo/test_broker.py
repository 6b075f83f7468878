"""The demo's broker step names a missing Mosquitto the way the fleet package does."""

from __future__ import annotations

from pathlib import Path

import pytest

from fleet.broker import local
from kiosk.demo.broker import mosquitto_binary
from kiosk.demo.steps import DemoError


def test_a_missing_mosquitto_stops_the_broker_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(local, "SYSTEM_MOSQUITTO", tmp_path / "mosquitto")
    with pytest.raises(DemoError) as raised:
        mosquitto_binary()
    assert raised.value.part == "broker"
    message = "broker: mosquitto not found: run make setup (apt install mosquitto)"
    assert str(raised.value) == message


def test_the_demo_finds_the_same_mosquitto_as_the_fleet() -> None:
    assert mosquitto_binary() == local.mosquitto_binary()
