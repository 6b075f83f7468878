"""Progress lines, readiness waits with timeouts, and the error that names the failed part."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import click

T = TypeVar("T")


class DemoError(RuntimeError):
    """A part of the demo did not start; the message names the part and the fix."""

    def __init__(self, part: str, message: str, log_tail: str = "") -> None:
        self.part = part
        self.log_tail = log_tail
        super().__init__(f"{part}: {message}")


class Progress:
    """Prints `[  1.2s] what ... ok` lines so a newcomer sees what is starting."""

    def __init__(self) -> None:
        self.started = time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def line(self, text: str) -> None:
        click.echo(f"[{self.elapsed():5.1f}s] {text}", err=True)


def wait_until(
    predicate: Callable[[], T | None],
    *,
    timeout_s: float,
    part: str,
    what: str,
    alive: Callable[[], str | None] = lambda: None,
    log_tail: Callable[[], str] = lambda: "",
    interval_s: float = 0.1,
) -> T:
    """Poll `predicate` until it is truthy; `alive` returns why the part died, if it did."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value:
            return value
        died = alive()
        if died:
            raise DemoError(part, f"{died} before {what}", log_tail())
        if time.monotonic() > deadline:
            raise DemoError(part, f"no {what} within {timeout_s:.0f}s", log_tail())
        time.sleep(interval_s)
