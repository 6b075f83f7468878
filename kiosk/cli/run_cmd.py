"""`kiosk run`: the full-screen kiosk app (see docs/app.md)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from kiosk.cli.options import EXIT_PROBLEM, config_option


@click.command("run")
@config_option
@click.option("--windowed", is_flag=True, help="A window instead of full screen (development).")
@click.option(
    "--demo-panel",
    is_flag=True,
    help="A side panel with a simulated shopper that drives the simulated devices (demos).",
)
def run(config_path: Path | None, windowed: bool, demo_panel: bool) -> None:
    """The kiosk app on the real runtime. Only staff can close it (staff mode, Close the app);
    a bad config shows the out-of-service screen with the problems."""
    from kiosk.ui.launch import NoDisplay, run_app

    try:
        reason = run_app(config_path, windowed=windowed, demo_panel=demo_panel)
    except NoDisplay as e:
        click.echo(str(e), err=True)
        sys.exit(EXIT_PROBLEM)
    if reason == "restart":
        click.echo("restarting", err=True)
        os.execv(sys.executable, sys.orig_argv)
