"""The kiosk app under Xvfb for the UI tests: one X server and one app per test session."""

from __future__ import annotations

import os
import shutil
import subprocess
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from kiosk.config import load_config

ROOT = Path(__file__).resolve().parents[3]
STAFF_PIN = "2468"
MEMBER_ID = "M0001"
FACE_DIGITS = "1234"


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    """Xvfb on a display number it picks itself (-displayfd), so parallel runs never clash."""
    if shutil.which("Xvfb") is None:
        pytest.fail("Xvfb is not installed (apt install xvfb)")
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as f:
        number = f.readline().strip()
    if not number:
        server.kill()
        pytest.fail("Xvfb did not start")
    return server, f":{number}"


@pytest.fixture(scope="session")
def xdisplay() -> Iterator[str]:
    server, display = start_xvfb()
    os.environ["DISPLAY"] = display
    os.environ["LIBGL_ALWAYS_SOFTWARE"] = "1"
    yield display
    server.terminate()
    server.wait(timeout=10)


def write_config(folder: Path, changes: dict[str, Any]) -> Path:
    """The shipped config, copied with its catalog and promotions, with `changes` merged in."""
    shutil.copytree(ROOT / "config", folder, dirs_exist_ok=True)
    path = folder / "kiosk.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    for dotted, value in changes.items():
        *parents, key = dotted.split(".")
        node = data
        for part in parents:
            node = node.setdefault(part, {})
        node[key] = value
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


TEST_SETTINGS: dict[str, Any] = {
    "ui.fullscreen": False,
    "ui.speech.enabled": False,
    "payments.card.delay_s": 0.3,
    "payments.qr_wallet.confirm_after_s": 600,  # the test's "phone" pays, not a timer
    "payments.poll_interval_s": 0.2,
}


@pytest.fixture(scope="session")
def ui_env(tmp_path_factory: pytest.TempPathFactory, xdisplay: str) -> Iterator[Any]:
    """The real app, kiosk and stand-in-free peripherals, started once."""
    from kiosk.storage import members, staff

    tmp = tmp_path_factory.mktemp("ui")
    os.environ["KIOSK_DATA_DIR"] = str(tmp / "var")
    os.environ["XDG_CACHE_HOME"] = str(Path.home() / ".cache")
    config = write_config(tmp / "config", TEST_SETTINGS)
    from tests.kiosk.ui.harness import start_app

    env = start_app(load_config(config))
    staff.add_staff(env.kiosk.db, "s01", "Wang Fang", STAFF_PIN)
    members.add_member(env.kiosk.db, "Li Lei", member_id=MEMBER_ID, points=1500, wallet=50000)
    env.face.enrol(MEMBER_ID, "Li Lei", 1500, FACE_DIGITS)
    yield env
    env.close()


@pytest.fixture
def ui(ui_env: Any) -> Any:
    ui_env.driver.reset()
    return ui_env


@pytest.fixture
def shot(ui: Any, screenshot_dir: Path) -> Any:
    """`shot(name)` saves the window to NAME.png in `screenshot_dir`."""

    def save(name: str) -> Path:
        return ui.driver.shot(screenshot_dir / f"{name}.png")

    return save
