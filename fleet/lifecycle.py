"""How long-running parts are told to stop: a threading.Event or a multiprocessing.Event."""

from __future__ import annotations

from typing import Protocol


class StopFlag(Protocol):
    def is_set(self) -> bool: ...

    def set(self) -> None: ...

    def wait(self, timeout: float | None = None) -> bool: ...
