"""How to run the `kiosk` and `fleet` commands as children, and what `kiosk run` supports."""

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


def app_has_demo_panel() -> bool:
    """Whether `kiosk run` offers --demo-panel (the simulated-shopper panel)."""
    from kiosk.cli.run_cmd import run

    return any("--demo-panel" in getattr(p, "opts", ()) for p in run.params)
