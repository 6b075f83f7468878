"""Device states, and how the runtime tells the app about the printer and terminal it drives."""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import StrEnum

logger = logging.getLogger(__name__)

# The devices the checkout runtime itself talks to; the app's board uses the same names.
PRINTER = "printer"
CARD_TERMINAL = "card_terminal"


class DeviceState(StrEnum):
    OK = "ok"
    STARTING = "starting"
    MISSING = "missing"  # not found (unplugged, wrong port)
    FAULT = "fault"  # found but not working


DeviceHook = Callable[[str, DeviceState, str], None]  # (device name, state, detail)


class DeviceReports:
    """What the runtime last saw of each device it drives, passed on to watchers (the app)."""

    def __init__(self) -> None:
        self._hooks: list[DeviceHook] = []
        self._last: dict[str, DeviceState] = {}

    def watch(self, hook: DeviceHook) -> None:
        self._hooks.append(hook)

    def report(self, name: str, state: DeviceState, detail: str = "") -> None:
        self._last[name] = state
        for hook in self._hooks:
            try:
                hook(name, state, detail)
            except Exception:
                logger.exception("device hook failed for %s", name)

    def faulted(self, name: str) -> bool:
        return self._last.get(name) == DeviceState.FAULT
