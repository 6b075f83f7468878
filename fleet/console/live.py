"""The live channel: a watcher notices new alerts, kiosk states and command results in the
store (whichever process wrote them) and pushes their names to every open page (SSE)."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import Integer, cast, func, select

from fleet.console.lastsale import LastSales
from fleet.console.models import AuditRow
from fleet.store.models import AlertRow, CommandRow, KioskRow
from kiosk.storage.engine import Database

logger = logging.getLogger(__name__)

CHANNELS = ("alerts", "kiosks", "commands", "audit")
KEEPALIVE_S = 15.0


def fingerprints(db: Database) -> dict[str, tuple[Any, ...]]:
    """A small summary per channel that changes whenever one of its rows is added or moves on."""
    with db.read() as s:
        alerts = select(
            func.max(AlertRow.id),
            func.max(AlertRow.last_at),
            func.max(AlertRow.acknowledged_at),
            func.max(AlertRow.resolved_at),
            func.sum(AlertRow.count),
        )
        kiosks = select(
            func.max(KioskRow.status_at),
            func.max(KioskRow.health_at),
            func.max(KioskRow.last_seen),
            func.sum(cast(KioskRow.online, Integer)),
            func.sum(cast(KioskRow.locked, Integer)),
            func.count(),
        )
        commands = select(
            func.count(), func.max(CommandRow.result_at), func.max(CommandRow.issued_at)
        )
        return {
            "alerts": tuple(s.execute(alerts).one()),
            "kiosks": tuple(s.execute(kiosks).one()),
            "commands": tuple(s.execute(commands).one()),
            "audit": tuple(s.execute(select(func.max(AuditRow.id))).one()),
        }


class ChangeFeed:
    """Polls the store every `poll_s` and tells each subscriber which channels changed."""

    def __init__(self, db: Database, poll_s: float, last_sales: LastSales | None = None) -> None:
        self.db = db
        self.poll_s = poll_s
        self.last_sales = last_sales
        self._subscribers: set[tuple[asyncio.AbstractEventLoop, asyncio.Queue[str]]] = set()
        self._lock = threading.Lock()
        self._last: dict[str, tuple[Any, ...]] = {}

    def run(self, stop: threading.Event) -> None:
        while not stop.wait(self.poll_s):
            try:
                self.poll()
                if self.last_sales is not None and self.last_sales.due():
                    with self.db.read() as s:
                        self.last_sales.refresh(s)
            except Exception:  # a locked or restarting store: try again next period
                logger.exception("console live feed: reading the store failed")

    def poll(self) -> list[str]:
        now = fingerprints(self.db)
        changed = [c for c in CHANNELS if self._last and now[c] != self._last.get(c)]
        self._last = now
        for channel in changed:
            self.publish(channel)
        return changed

    def publish(self, channel: str) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for loop, queue in subscribers:
            loop.call_soon_threadsafe(queue.put_nowait, channel)

    @property
    def subscribers(self) -> int:
        return len(self._subscribers)

    async def stream(self, is_disconnected: Any) -> AsyncIterator[str]:
        """Server-sent events for one page: `event: <channel>` per change, keep-alives between."""
        queue: asyncio.Queue[str] = asyncio.Queue(maxsize=1000)
        entry = (asyncio.get_running_loop(), queue)
        with self._lock:
            self._subscribers.add(entry)
        try:
            yield "retry: 2000\nevent: hello\ndata: {}\n\n"
            while not await is_disconnected():
                try:
                    channel = await asyncio.wait_for(queue.get(), KEEPALIVE_S)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                yield f"event: {channel}\ndata: {{}}\n\n"
        finally:
            with self._lock:
                self._subscribers.discard(entry)
