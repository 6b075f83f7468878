"""Helpers for device tests: an event collector that can wait for what a worker thread sends."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest


class Collector:
    """Collects events from worker threads; `wait_for` blocks until one matches."""

    def __init__(self) -> None:
        self.events: list[Any] = []
        self._cond = threading.Condition()

    def __call__(self, *event: Any) -> None:
        with self._cond:
            self.events.append(event[0] if len(event) == 1 else event)
            self._cond.notify_all()

    def wait_for(self, match: Callable[[Any], bool], timeout: float = 10.0, after: int = 0) -> Any:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for e in self.events[after:]:
                    if match(e):
                        return e
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"no matching event in {timeout} s; got {self.events[-5:]}"
                    )
                self._cond.wait(left)

    def of(self, kind: type) -> list[Any]:
        with self._cond:
            return [e for e in self.events if isinstance(e, kind)]


@pytest.fixture
def collect() -> type[Collector]:
    """The Collector class (test modules cannot import conftest under importlib mode)."""
    return Collector
