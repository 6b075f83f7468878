"""Every top-level `kiosk` command, in one list (add yours here)."""

from __future__ import annotations

import click

from kiosk.cli.devices import devices

COMMANDS: list[click.Command] = [devices]
