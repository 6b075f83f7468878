"""What the kiosk app hands the agent: device states and the lock, unlock and restart actions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from pydantic import JsonValue

from fleet.agent.health import DeviceStates, all_ok
from fleet.messages.commands import PriceChange


class CommandRefused(Exception):
    """The command is not accepted (it names what is wrong); nothing was changed."""


class CommandFailed(Exception):
    """The command was accepted but carrying it out went wrong."""


def _nothing(*_args: object) -> None:
    return None


@dataclass(frozen=True)
class AppHooks:
    """Callbacks of the running app. They run on the agent's thread: keep them short (post to
    the UI thread with Clock.schedule_once) and raise to report a failure."""

    device_states: DeviceStates = field(default=all_ok)
    lock: Callable[[str], None] = _nothing
    unlock: Callable[[], None] = _nothing
    restart: Callable[[str], None] = _nothing
    catalog_changed: Callable[[], None] = _nothing


class Operations(Protocol):
    """Changes to the kiosk's data the fleet may order (kiosk_bridge.KioskOperations)."""

    def change_prices(self, changes: Sequence[PriceChange]) -> dict[str, JsonValue]: ...

    def update_catalog(self, csv: str) -> dict[str, JsonValue]: ...

    def update_config(self, toml: str) -> dict[str, JsonValue]: ...
