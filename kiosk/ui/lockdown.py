"""The app stays in front: no key or close request leaves it unless staff chose to exit."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from kiosk.ui.wedge import WedgeBuffer

logger = logging.getLogger(__name__)

ESCAPE, ENTER, KP_ENTER, F1, F4, F12 = 27, 13, 271, 282, 285, 293
# Keys Kivy or a desktop would act on: quit, settings, inspector, screenshot, rotation...
_BLOCKED_KEYS = {ESCAPE, F1, F12, 292}  # 292 = F11
_BLOCKED_CTRL = {"e", "q", "w"}  # ctrl+e opens the inspector when it is loaded


class Lockdown:
    def __init__(
        self,
        window: Any,
        allow_close: Callable[[], bool],
        on_scan: Callable[[str], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.window = window
        self.allow_close = allow_close
        self.on_scan = on_scan
        self.clock = clock
        self.refused_closes = 0
        self.blocked_keys = 0
        self._wedge = WedgeBuffer()

    def install(self) -> None:
        # Bound last, called first: runs before the App's own F1 (settings) handler.
        self.window.bind(on_request_close=self._on_request_close, on_keyboard=self._on_keyboard)

    def _on_request_close(self, *args: Any, **kwargs: Any) -> bool:
        if self.allow_close():
            return False
        self.refused_closes += 1
        logger.warning("close request refused (%s)", kwargs.get("source") or "window manager")
        return True  # True: handled, the window stays

    def _on_keyboard(
        self, _window: Any, key: int, _scancode: int, codepoint: str | None, modifiers: list[str]
    ) -> bool:
        mods = set(modifiers or ())
        if (
            key in _BLOCKED_KEYS
            or ("alt" in mods and key == F4)
            or ("ctrl" in mods and (codepoint or "") in _BLOCKED_CTRL)
        ):
            self.blocked_keys += 1
            logger.info("key %s %s ignored (lockdown)", "+".join(sorted(mods)), key)
            return True
        if key in (ENTER, KP_ENTER):
            code = self._wedge.enter(self.clock())
            if code:
                self.on_scan(code)
            return True
        if codepoint and codepoint.isprintable() and not mods - {"shift", "numlock", "capslock"}:
            self._wedge.feed(codepoint, self.clock())
            return True
        return False
