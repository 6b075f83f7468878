"""`kiosk demo`: the whole system on this machine with no hardware (see docs/demo.md)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from kiosk.cli.options import config_option, load_or_exit

REPO = Path(__file__).resolve().parents[2]


def _shipped(config_path: Path | None) -> tuple[Path, Path]:
    """The kiosk config to start from, and the fleet.toml beside it (else the repository's)."""
    from kiosk.config import ENV_CONFIG

    kiosk = Path(config_path or os.environ.get(ENV_CONFIG) or REPO / "config" / "kiosk.toml")
    fleet = kiosk.parent / "fleet.toml"
    return kiosk.resolve(), (fleet if fleet.is_file() else REPO / "config" / "fleet.toml").resolve()


@click.command("demo")
@click.option("--headless", is_flag=True, help="No app window: broker, fleet, console, agent.")
@click.option(
    "--scenarios", is_flag=True, help="Only run the example shoppers of config/scenarios."
)
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=REPO / "var" / "demo",
    show_default=True,
    help="Where configs, databases and logs go (emptied at each start).",
)
@click.option("--xvfb", is_flag=True, help="Draw on a private Xvfb even if $DISPLAY is set.")
@click.option(
    "--screenshot",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Save a PNG of the screen just before stopping.",
)
@click.option(
    "--exit-after",
    type=click.FloatRange(min=1),
    default=None,
    metavar="SECONDS",
    help="Stop everything this long after it is all up.",
)
@click.option(
    "--broker-port",
    type=click.IntRange(1, 65535),
    default=None,
    metavar="PORT",
    help="The broker's port for kiosks (default: a free one).",
)
@config_option
def demo(
    headless: bool,
    scenarios: bool,
    folder: Path,
    xvfb: bool,
    screenshot: Path | None,
    exit_after: float | None,
    broker_port: int | None,
    config_path: Path | None,
) -> None:
    """Start Mosquitto, the fleet manager and console, and the kiosk app with its simulated
    devices; stop them all when the app closes, on Ctrl-C or after --exit-after."""
    if scenarios:
        from kiosk.demo.scenarios import run_scenarios

        sys.exit(run_scenarios(load_or_exit(config_path)))

    from kiosk.demo.orchestrator import Demo, DemoOptions

    kiosk_config, fleet_config = _shipped(config_path)
    options = DemoOptions(
        folder=folder.resolve(),
        kiosk_config=kiosk_config,
        fleet_config=fleet_config,
        headless=headless,
        xvfb=xvfb,
        screenshot=screenshot.resolve() if screenshot else None,
        exit_after=exit_after,
        broker_port=broker_port,
    )
    sys.exit(Demo(options).run())
