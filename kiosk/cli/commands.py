"""Every top-level `kiosk` command, in one list (add yours here)."""

from __future__ import annotations

import click

from kiosk.cli.scan import scan

COMMANDS: list[click.Command] = [scan]
