"""Every top-level `kiosk` command, in one list (add yours here)."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
