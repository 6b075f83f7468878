"""Where the agent reads events: the kiosk's SQLite outbox, or an in-memory one for simulations."""

from __future__ import annotations

import bisect
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, Protocol

from kiosk.storage.outbox import OutboxEvent


class OutboxSource(Protocol):
    """What kiosk.storage.outbox.OutboxStore offers; the agent needs nothing else."""

    def pending(self, limit: int = 100, *, unsent_only: bool = False) -> list[OutboxEvent]: ...

    def mark_sent(self, seqs: Iterable[int], now: datetime | None = None) -> None: ...

    def acknowledge(self, event_ids: Iterable[str], now: datetime | None = None) -> int: ...

    def resend_from(self, seq: int) -> int: ...

    def backlog(self) -> int: ...

    def last_seq(self) -> int: ...


class MemoryOutbox:
    """The outbox contract in memory (simulated kiosks): same numbering, same semantics."""

    def __init__(self) -> None:
        self._rows: dict[int, OutboxEvent] = {}
        self._unsent: list[int] = []
        self._by_id: dict[str, int] = {}
        self._last = 0
        self.acknowledged = 0

    def enqueue(self, kind: str, payload: dict[str, Any], now: datetime | None = None) -> int:
        self._last += 1
        self._rows[self._last] = OutboxEvent(
            seq=self._last,
            event_id=str(uuid.uuid4()),
            kind=kind,
            payload=payload,
            created_at=now or datetime.now(UTC),
            attempts=0,
        )
        self._unsent.append(self._last)
        self._by_id[self._rows[self._last].event_id] = self._last
        return self._last

    def pending(self, limit: int = 100, *, unsent_only: bool = False) -> list[OutboxEvent]:
        seqs = self._unsent[:limit] if unsent_only else sorted(self._rows)[:limit]
        return [self._rows[s] for s in seqs]

    def mark_sent(self, seqs: Iterable[int], now: datetime | None = None) -> None:
        for seq in seqs:
            i = bisect.bisect_left(self._unsent, seq)
            if i < len(self._unsent) and self._unsent[i] == seq:
                del self._unsent[i]

    def acknowledge(self, event_ids: Iterable[str], now: datetime | None = None) -> int:
        gone = [seq for i in event_ids if (seq := self._by_id.pop(i, None)) is not None]
        for seq in gone:
            del self._rows[seq]
            i = bisect.bisect_left(self._unsent, seq)
            if i < len(self._unsent) and self._unsent[i] == seq:
                del self._unsent[i]
        self.acknowledged += len(gone)
        return len(gone)

    def resend_from(self, seq: int) -> int:
        again = [s for s in self._rows if s >= seq]
        self._unsent = sorted(set(self._unsent) | set(again))
        return len(again)

    def backlog(self) -> int:
        return len(self._rows)

    def last_seq(self) -> int:
        return self._last
