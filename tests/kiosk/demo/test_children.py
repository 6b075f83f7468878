"""The commands the demo starts as children parse as their CLIs define them."""

from __future__ import annotations

from pathlib import Path

from kiosk.cli.run_cmd import run
from kiosk.demo.children import app_command, kiosk_command


def test_the_demo_app_runs_windowed_with_the_shopper_panel(tmp_path: Path) -> None:
    """No fallback checks for --demo-panel at run time: this test holds the two together."""
    argv = app_command(tmp_path / "kiosk.toml")
    prefix = kiosk_command()
    assert argv[: len(prefix)] == prefix
    name, *args = argv[len(prefix) :]
    assert name == "run"
    params = run.make_context("run", args).params
    assert params == {
        "config_path": tmp_path / "kiosk.toml",
        "windowed": True,
        "demo_panel": True,
    }
