"""Kivy settings for a kiosk, applied before the window exists (Kivy reads them only then)."""

from __future__ import annotations

import sys

import kiosk.ui  # noqa: F401 - sets KIVY_NO_ARGS and friends before kivy is imported


class WindowAlreadyCreated(RuntimeError):
    pass


def configure(*, fullscreen: bool, width: int, height: int, show_cursor: bool) -> None:
    if "kivy.core.window" in sys.modules:
        raise WindowAlreadyCreated("configure() must run before kivy.core.window is imported")
    from kivy.config import Config

    # Lockdown: Escape must not quit, and no debugging modules (inspector, monitor, ...).
    Config.set("kivy", "exit_on_escape", "0")
    Config.set("kivy", "pause_on_minimize", "0")
    for option in Config.options("modules"):
        Config.remove_option("modules", option)
    # A touch screen: no red multitouch-emulation dots, no on-screen keyboard docking.
    Config.set("input", "mouse", "mouse,disable_multitouch")
    Config.set("kivy", "keyboard_mode", "system")
    Config.set("kivy", "desktop", "0")
    Config.set("graphics", "fullscreen", "auto" if fullscreen else "0")
    Config.set("graphics", "borderless", "1" if fullscreen else "0")
    Config.set("graphics", "width", str(width))
    Config.set("graphics", "height", str(height))
    Config.set("graphics", "resizable", "0")
    Config.set("graphics", "show_cursor", "1" if show_cursor or not fullscreen else "0")
    Config.set("graphics", "multisamples", "0")  # no anti-aliasing: software GL cannot afford it
    Config.set("graphics", "maxfps", "60")
