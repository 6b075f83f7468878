"""Widgets the screens are made of; their rules are in widgets.kv (loaded by the app)."""

from __future__ import annotations


def register() -> None:
    """Import every widget class so the .kv rules can name it (Kivy's Factory)."""
    from kiosk.ui.widgets import (  # noqa: F401
        busy,
        camera_preview,
        cart_list,
        icon,
        keypad,
        labels,
        qr_code,
    )
