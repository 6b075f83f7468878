"""The last sale of every kiosk, kept up to date incrementally (the overview reads it each time).

A full scan of 100,000+ sales per overview request is too slow; instead only sales newer than
the watermark (minus an overlap for stragglers) are read, and a full pass runs every minute
so a kiosk delivering an old backlog late is caught up too.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from fleet.store.models import SaleRow

OVERLAP = timedelta(minutes=10)


class LastSales:
    def __init__(self, full_every_s: float = 60.0) -> None:
        self.full_every_s = full_every_s
        self._last: dict[str, datetime] = {}
        self._watermark: datetime | None = None
        self._full_at = float("-inf")
        self._lock = threading.Lock()

    def get(self, s: Session) -> dict[str, datetime]:
        """Up to date as of now: reads only recent sales (a full pass if never done)."""
        with self._lock:
            if self._watermark is None:
                return self._full(s)
            # Ungrouped (_merge keeps the max): a GROUP BY kiosk_id made SQLite scan all sales.
            query = select(SaleRow.kiosk_id, SaleRow.created_at).where(
                SaleRow.created_at > self._watermark - OVERLAP
            )
            fresh = dict(self._last)
            self._merge(fresh, s.execute(query).tuples())
            return fresh

    def refresh(self, s: Session) -> None:
        """The periodic full pass (run off the request path, by the console's feed thread)."""
        with self._lock:
            self._full(s)

    def due(self) -> bool:
        return time.monotonic() - self._full_at >= self.full_every_s

    @staticmethod
    def _query() -> Select[tuple[str, datetime]]:
        return select(SaleRow.kiosk_id, func.max(SaleRow.created_at)).group_by(SaleRow.kiosk_id)

    def _full(self, s: Session) -> dict[str, datetime]:
        self._full_at = time.monotonic()
        fresh: dict[str, datetime] = {}
        self._merge(fresh, s.execute(self._query()).tuples())
        return fresh

    def _merge(self, into: dict[str, datetime], rows: Iterable[tuple[str, datetime]]) -> None:
        for kiosk_id, at in rows:
            if kiosk_id not in into or at > into[kiosk_id]:
                into[kiosk_id] = at
        self._last = into
        self._watermark = max(into.values(), default=None)
