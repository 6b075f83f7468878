"""`kiosk run` as a real process: escape attempts leave it running; a bad config shows why."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.kiosk.ui.conftest import start_xvfb, write_config
from tests.kiosk.ui.x11 import send_close_request

KIOSK = Path(sys.executable).parent / "kiosk"


@pytest.fixture
def own_display() -> Iterator[str]:
    """A separate X server, so keys go to this app and no other window."""
    server, display = start_xvfb()
    yield display
    server.terminate()
    server.wait(timeout=10)


class KioskProcess:
    def __init__(self, config: Path, display: str, tmp: Path) -> None:
        self.snapshot = tmp / "screen.json"
        self.display = display
        env = dict(
            os.environ,
            DISPLAY=display,
            LIBGL_ALWAYS_SOFTWARE="1",
            KIOSK_DATA_DIR=str(tmp / "var"),
            KIOSK_UI_SNAPSHOT=str(self.snapshot),
        )
        self.log = (tmp / "kiosk.log").open("wb")
        self.process = subprocess.Popen(
            [str(KIOSK), "-v", "run", "--windowed", "--config", str(config)],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def screen(self) -> dict[str, Any]:
        try:
            return dict(json.loads(self.snapshot.read_text(encoding="utf-8")))
        except (FileNotFoundError, json.JSONDecodeError):
            return {}

    def wait_screen(self, name: str, timeout: float = 40.0) -> dict[str, Any]:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            assert self.process.poll() is None, f"the app exited: {self.tail()}"
            shown = self.screen()
            if shown.get("screen") == name:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"no {name} screen; last {self.screen()}; log {self.tail()}")

    def tail(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")[-3000:]

    def xdotool(self, *args: str) -> str:
        out = subprocess.run(
            ["xdotool", *args],
            env=dict(os.environ, DISPLAY=self.display),
            capture_output=True,
            text=True,
            timeout=20,
            check=True,
        )
        return out.stdout.strip()

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=20)
        finally:
            self.log.close()


@pytest.fixture
def launch(tmp_path: Path, own_display: str) -> Iterator[Any]:
    started: list[KioskProcess] = []

    def run(changes: dict[str, Any]) -> KioskProcess:
        config = write_config(tmp_path / "config", {"ui.speech.enabled": False, **changes})
        started.append(KioskProcess(config, own_display, tmp_path))
        return started[-1]

    yield run
    for kiosk in started:
        if kiosk.process.poll() is None:
            kiosk.process.kill()
            kiosk.process.wait(timeout=10)


def test_escape_attempts_leave_the_app_running(launch: Any) -> None:
    kiosk = launch({})
    kiosk.wait_screen("attract")
    window = kiosk.xdotool("search", "--sync", "--pid", str(kiosk.process.pid)).split()[0]
    kiosk.xdotool("windowfocus", "--sync", window)
    for keys in ("Escape", "alt+F4", "F1", "ctrl+e", "ctrl+q", "F11"):
        kiosk.xdotool("key", "--window", window, keys)
        kiosk.xdotool("key", keys)
    send_close_request(kiosk.display, int(window))
    send_close_request(kiosk.display, int(window))
    time.sleep(2)
    assert kiosk.process.poll() is None, kiosk.tail()
    assert kiosk.screen()["screen"] == "attract"
    assert kiosk.xdotool("search", "--pid", str(kiosk.process.pid)), "the window is still there"
    assert "close request refused" in kiosk.tail()

    # Still responsive: a keyboard-wedge scanner types a code, and a sale starts.
    kiosk.xdotool("type", "--delay", "5", "5449000039231")
    kiosk.xdotool("key", "Return")
    shown = kiosk.wait_screen("shopping")
    assert any("Cola 330ml can" in text for text in shown["texts"])
    assert kiosk.stop() == 0  # SIGTERM (systemd stop) is the way out, and it is clean


def test_bad_config_shows_out_of_service_with_the_problems(launch: Any) -> None:
    kiosk = launch({"checkout.bagging.grace_s": 1000, "kiosk.colour": "red"})
    shown = kiosk.wait_screen("out_of_service")
    text = "\n".join(shown["texts"])
    assert "This checkout is closed" in text
    assert "The configuration has problems" in text
    assert "checkout.bagging.grace_s: Input should be less than or equal to 300" in text
    assert "kiosk.colour: unknown key" in text
    time.sleep(1)
    assert kiosk.process.poll() is None, "a bad config must not crash the app"
    assert kiosk.stop() == 0


def test_config_problems_screen_in_both_languages(ui: Any, shot: Any, tmp_path: Path) -> None:
    """The screen the process above shows, photographed in the test app for the docs."""
    from dataclasses import replace

    from kiosk.config import ConfigError, load_config

    config = write_config(tmp_path / "bad", {"checkout.bagging.grace_s": 1000, "kiosk.colour": 1})
    with pytest.raises(ConfigError) as problems:
        load_config(config)
    d = ui.driver
    ui.app.set_ui(service=replace(ui.app.ui.service, problems=tuple(problems.value.problems)))
    oos = d.wait_screen("out_of_service")
    assert "kiosk.colour: unknown key" in oos.ids.details.text
    shot("out_of_service_config_en")
    d.press_top("language_button")
    d.wait_for(lambda: oos.ids.reason.text.startswith("配置有误"), "the reason in Chinese")
    shot("out_of_service_config_zh")
