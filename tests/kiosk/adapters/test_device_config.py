"""The `[devices]` section: the shipped demo config, and bad input named by key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pydantic import ValidationError

from kiosk.adapters.device_config import (
    DevicesConfig,
    NoScaleConfig,
    SerialScaleConfig,
    SimulatedScaleConfig,
)
from kiosk.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parents[3]


def test_shipped_config_is_the_simulated_demo() -> None:
    devices = load_config(ROOT / "config" / "kiosk.toml").config.devices
    assert isinstance(devices.bagging_scale, SimulatedScaleConfig)
    assert devices.bagging_scale.required
    assert isinstance(devices.produce_scale, SimulatedScaleConfig)
    assert devices.shelves is not None
    assert sorted(devices.shelves.boards) == ["A1", "B1"]
    assert devices.shelves.grab_and_go
    assert devices.face_camera.source == "presented"


def test_defaults_drive_no_devices() -> None:
    devices = DevicesConfig()
    assert isinstance(devices.bagging_scale, NoScaleConfig)
    assert devices.shelves is None
    assert devices.face_camera.source == "scanning"


def test_serial_scale_becomes_a_serial_board() -> None:
    scale = DevicesConfig.model_validate(
        {"bagging_scale": {"type": "serial", "port": "/dev/ttyUSB0", "board": "BAG1"}}
    ).bagging_scale
    assert isinstance(scale, SerialScaleConfig)
    board = scale.board_config()
    assert (board.link.port, board.link.baudrate, board.board) == ("/dev/ttyUSB0", 115200, "BAG1")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"bagging_scale": {"type": "usb"}}, "does not match any of the expected tags"),
        ({"bagging_scale": {"type": "serial"}}, "Field required"),
        ({"bagging_scale": {"type": "serial", "port": "/dev/x", "channel": 16}}, "less than"),
        ({"bagging_scale": {"type": "simulated", "board": "has space"}}, "pattern"),
        ({"face_camera": {"source": "camera"}}, "needs a [devices.face_camera.camera] table"),
        ({"face_camera": {"source": "webcam"}}, "Input should be"),
        ({"shelves": {"boards": {"A1": {"type": "serial"}}}}, "Field required"),
        (
            {"bagging_scale": {"type": "simulated"}, "produce_scale": {"type": "simulated"}},
            "both use board 'SIM1'",
        ),
    ],
)
def test_bad_values_are_refused(raw: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message.replace("[", r"\[").replace("]", r"\]")):
        DevicesConfig.model_validate(raw)


def test_unknown_key_is_named_with_its_file(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "config", tmp_path, dirs_exist_ok=True)
    path = tmp_path / "kiosk.toml"
    text = path.read_text(encoding="utf-8").replace(
        "\n[devices.bagging_scale]\n", '\n[devices.bagging_scale]\ncolour = "red"\n'
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.problems == [f"{path}: devices.bagging_scale.simulated.colour: unknown key"]
