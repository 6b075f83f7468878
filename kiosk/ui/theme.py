"""Colours of the app (RGBA, 0-1), chosen for contrast at arm's length."""

from __future__ import annotations

BACKGROUND = [0.957, 0.965, 0.973, 1]
PANEL = [1, 1, 1, 1]
BAR = [0.118, 0.227, 0.373, 1]  # top bar, dark blue
TEXT = [0.106, 0.129, 0.161, 1]
MUTED = [0.37, 0.42, 0.48, 1]
ON_DARK = [1, 1, 1, 1]
PRIMARY = [0.078, 0.502, 0.275, 1]  # pay, confirm: green
SECONDARY = [0.2, 0.36, 0.58, 1]  # neutral actions: blue
WARNING = [0.85, 0.45, 0.0, 1]  # help, attention: orange
DANGER = [0.76, 0.16, 0.16, 1]  # intervention, cancel: red
DISABLED = [0.72, 0.75, 0.78, 1]
LINE = [0.86, 0.88, 0.9, 1]
HIGHLIGHT = [0.93, 0.97, 0.93, 1]  # the newest cart row
BOX_BARCODE = [0.1, 0.9, 0.2, 1]
BOX_FACE = [0.2, 0.6, 1.0, 1]
SHADE = [0, 0, 0, 0.55]  # behind an overlay
