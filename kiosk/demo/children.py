"""How to run the `kiosk` and `fleet` commands as children."""

from __future__ import annotations

import sys
from pathlib import Path


def command(name: str, module: str) -> list[str]:
    """The console script beside this interpreter (uv's venv), else `python -m module`."""
    script = Path(sys.executable).parent / name
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", f"from {module} import cli; cli()"]


def kiosk_command() -> list[str]:
    return command("kiosk", "kiosk.cli.main")


def fleet_command() -> list[str]:
    return command("fleet", "fleet.cli")


def app_command(config: Path) -> list[str]:
    """`kiosk run` in a window with the simulated-shopper panel beside the kiosk screen."""
    return [*kiosk_command(), "run", "--config", str(config), "--windowed", "--demo-panel"]
