"""Every top-level `kiosk` command, in one list (add yours here)."""

from __future__ import annotations

import click

from kiosk.cli.faces import faces

COMMANDS: list[click.Command] = []
COMMANDS.append(faces)
