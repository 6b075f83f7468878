"""The outbox: events for the fleet, written in the same transaction as what they describe.

Every event gets a UUID and a per-kiosk sequence number from a counter row, so numbers keep
rising across restarts even after acknowledged rows are deleted.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from kiosk.storage.engine import Database
from kiosk.storage.models import CounterRow, OutboxRow, SaleRow

SEQ_COUNTER = "outbox_seq"


@dataclass(frozen=True)
class OutboxEvent:
    seq: int
    event_id: str
    kind: str
    payload: dict[str, Any]
    created_at: datetime
    attempts: int


def next_value(session: Session, name: str) -> int:
    counter = session.get(CounterRow, name)
    if counter is None:
        counter = CounterRow(name=name, value=0)
        session.add(counter)
    counter.value += 1
    session.flush()
    return counter.value


def enqueue(
    session: Session, kind: str, payload: dict[str, Any], now: datetime | None = None
) -> OutboxRow:
    """Add an event inside the caller's transaction; it commits or vanishes with it."""
    row = OutboxRow(
        seq=next_value(session, SEQ_COUNTER),
        event_id=str(uuid.uuid4()),
        kind=kind,
        payload=json.dumps(payload, separators=(",", ":"), default=str, ensure_ascii=False),
        created_at=now or datetime.now(UTC),
        attempts=0,
    )
    session.add(row)
    return row


def _event(row: OutboxRow) -> OutboxEvent:
    return OutboxEvent(
        seq=row.seq,
        event_id=row.event_id,
        kind=row.kind,
        payload=json.loads(row.payload),
        created_at=row.created_at,
        attempts=row.attempts,
    )


class OutboxStore:
    """What the fleet agent uses: read pending events, mark them sent, delete them on ack."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def pending(self, limit: int = 100, *, unsent_only: bool = False) -> list[OutboxEvent]:
        with self.db.read() as s:
            query = select(OutboxRow).order_by(OutboxRow.seq).limit(limit)
            if unsent_only:
                query = query.where(OutboxRow.sent_at.is_(None))
            return [_event(r) for r in s.scalars(query)]

    def mark_sent(self, seqs: Iterable[int], now: datetime | None = None) -> None:
        seqs = list(seqs)
        if not seqs:
            return
        with self.db.write() as s:
            s.execute(
                update(OutboxRow)
                .where(OutboxRow.seq.in_(seqs))
                .values(sent_at=now or datetime.now(UTC), attempts=OutboxRow.attempts + 1)
            )

    def acknowledge(self, event_ids: Iterable[str], now: datetime | None = None) -> int:
        """Delete acknowledged events; returns how many were still here."""
        ids = list(event_ids)
        if not ids:
            return 0
        with self.db.write() as s:
            s.execute(
                update(SaleRow)
                .where(SaleRow.outbox_event_id.in_(ids))
                .values(synced_at=now or datetime.now(UTC))
            )
            result = s.execute(delete(OutboxRow).where(OutboxRow.event_id.in_(ids)))
            return int(getattr(result, "rowcount", 0) or 0)

    def resend_from(self, seq: int) -> int:
        """Mark events from `seq` on as unsent (the fleet noticed a gap)."""
        with self.db.write() as s:
            result = s.execute(update(OutboxRow).where(OutboxRow.seq >= seq).values(sent_at=None))
            return int(getattr(result, "rowcount", 0) or 0)

    def backlog(self) -> int:
        with self.db.read() as s:
            return int(s.scalar(select(func.count()).select_from(OutboxRow)) or 0)

    def last_seq(self) -> int:
        with self.db.read() as s:
            counter = s.get(CounterRow, SEQ_COUNTER)
            return counter.value if counter else 0
