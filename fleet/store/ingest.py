"""Committing a batch of parsed messages in one transaction, and what to acknowledge after it.

Each event is stored once, unique by UUID and by (kiosk, seq). Duplicates are acknowledged
again (the kiosk may have missed the first ack); a different event reusing a (kiosk, seq)
goes to quarantine. Nothing is acknowledged before the commit. Sales, stock and alert rules
are derived from stored events afterwards by the projector (fleet.store.projection), which
keeps this path short: it is what sets the fleet's ingest rate.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, case, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fleet.alerts import rules
from fleet.config import AlertsConfig
from fleet.manager.inbound import EventIn, HealthIn, Item, Refused, ResultIn, SnapshotIn
from fleet.messages.acks import AckStatus
from fleet.messages.events import AlertEvent
from fleet.store import commands, stock, telemetry
from fleet.store.dialect import insert_ignore, insert_many, time_value
from fleet.store.models import EVENTS, KIOSKS, KioskRow, QuarantineRow
from kiosk.storage.engine import Database

EVENT_COLUMNS = (
    "event_id",
    "kiosk_id",
    "seq",
    "kind",
    "subkind",
    "created_at",
    "received_at",
    "body",
    "projected",
)


class _Rehearsal(Exception):
    """Rolls a rehearsal back."""


@dataclass
class BatchOutcome:
    acks: dict[tuple[str, str], list[tuple[int, str, AckStatus]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0
    unacknowledged: int = 0  # refused without a readable event header
    health: int = 0
    results: list[ResultIn] = field(default_factory=list)

    def ack(self, store: str, kiosk: str, seq: int, event_id: str, status: AckStatus) -> None:
        self.acks[(store, kiosk)].append((seq, event_id, status))


class IngestStore:
    def __init__(self, db: Database, alerts: AlertsConfig) -> None:
        self.db = db
        self.alerts = alerts

    def commit(self, items: Sequence[Item], now: datetime, attempts: int = 3) -> BatchOutcome:
        """One transaction. First optimistically (new events are the normal case); if a
        unique key objects, again with every event checked against what is stored."""
        for attempt in range(attempts):
            try:
                return self._commit(items, now, checked=attempt > 0)
            except IntegrityError:
                if attempt == attempts - 1:
                    raise
        raise AssertionError("unreachable")

    def rehearse(self, items: Sequence[Item], now: datetime) -> None:
        """Run the whole path on `items` and roll it back: warms every cache before the
        first real batch (a cold first batch takes several hundred milliseconds)."""
        with contextlib.suppress(_Rehearsal):
            self._commit(items, now, checked=True, rehearsal=True)

    def _commit(
        self, items: Sequence[Item], now: datetime, *, checked: bool, rehearsal: bool = False
    ) -> BatchOutcome:
        outcome = BatchOutcome()
        with self.db.write() as s:
            if rehearsal:
                self._events(s, [i for i in items if isinstance(i, EventIn)], now, outcome, False)
                telemetry.store_health(s, [i for i in items if isinstance(i, HealthIn)], now)
                raise _Rehearsal
            self._register(s, items, now)
            events = [i for i in items if isinstance(i, EventIn)]
            if events:
                self._events(s, events, now, outcome, checked)
            refused = [i for i in items if isinstance(i, Refused)]
            if refused:
                self._refused(s, refused, now, outcome)
            health = [i for i in items if isinstance(i, HealthIn)]
            if health:
                outcome.health = telemetry.store_health(s, health, now)
            for item in items:
                if isinstance(item, SnapshotIn):
                    stock.store_snapshot(s, self.alerts, item, now)
                elif isinstance(item, ResultIn):
                    commands.store_result(s, item, now)
                    outcome.results.append(item)
        return outcome

    # -- kiosks -------------------------------------------------------------------------

    @staticmethod
    def _register(s: Session, items: Sequence[Item], now: datetime) -> None:
        # Sorted: concurrent workers then lock kiosk rows in the same order (no deadlock).
        found = {i.address.kiosk: i.address.store for i in items if i.address is not None}
        kiosks = dict(sorted(found.items()))
        if not kiosks:
            return
        rows = [
            {
                "kiosk_id": k,
                "store": st,
                "first_seen": now,
                "last_seen": now,
                "online": False,
                "locked": False,
                "high_water": 0,
                "max_seq": 0,
                "reported_seq": 0,
                "backlog": 0,
            }
            for k, st in kiosks.items()
        ]
        s.execute(insert_ignore(s, KIOSKS), rows)
        s.execute(update(KioskRow).where(KioskRow.kiosk_id.in_(list(kiosks))).values(last_seen=now))

    # -- events -------------------------------------------------------------------------

    def _events(
        self, s: Session, items: list[EventIn], now: datetime, outcome: BatchOutcome, checked: bool
    ) -> None:
        unique: dict[str, EventIn] = {}
        for item in items:
            e = item.event
            event_id = str(e.event_id)
            if event_id in unique:  # the same event twice in one batch
                outcome.duplicates += 1
                outcome.ack(e.store, e.kiosk_id, e.seq, event_id, AckStatus.DUPLICATE)
            else:
                unique[event_id] = item
        by_id, by_seq = self._existing(s, unique) if checked else ({}, set())
        rows: list[tuple[object, ...]] = []
        top: dict[str, int] = {}
        when = time_value(s)
        received = when(now)
        for event_id, item in unique.items():
            e = item.event
            if by_id.get(event_id) == (e.kiosk_id, e.seq):
                outcome.duplicates += 1
                outcome.ack(e.store, e.kiosk_id, e.seq, event_id, AckStatus.DUPLICATE)
            elif event_id in by_id or (e.kiosk_id, e.seq) in by_seq:
                self._conflict(s, item, event_id in by_id, now, outcome)
            else:
                subkind = e.payload.kind if isinstance(e, AlertEvent) else None
                rows.append(
                    (
                        event_id,
                        e.kiosk_id,
                        e.seq,
                        e.kind,
                        subkind,
                        when(e.created_at),
                        received,
                        item.body,
                        False,
                    )
                )
                outcome.ack(e.store, e.kiosk_id, e.seq, event_id, AckStatus.STORED)
                top[e.kiosk_id] = max(top.get(e.kiosk_id, 0), e.seq)
        if not rows:
            return
        # A plain INSERT: if one of these is stored already (a resend, or another worker a
        # moment ago), a unique key raises, the batch rolls back and is retried `checked`.
        insert_many(s, EVENTS, EVENT_COLUMNS, rows)
        outcome.stored += len(rows)
        t = KIOSKS.c
        s.execute(
            update(KIOSKS)
            .where(t.kiosk_id == bindparam("k"))
            .values(max_seq=case((t.max_seq < bindparam("m"), bindparam("m")), else_=t.max_seq)),
            [{"k": k, "m": m} for k, m in sorted(top.items())],
        )

    @staticmethod
    def _existing(
        s: Session, unique: dict[str, EventIn]
    ) -> tuple[dict[str, tuple[str, int]], set[tuple[str, int]]]:
        """Stored events with these ids, and (kiosk, seq) pairs already taken."""
        c = EVENTS.c
        by_id = {
            r.event_id: (r.kiosk_id, int(r.seq))
            for r in s.execute(
                select(c.event_id, c.kiosk_id, c.seq).where(c.event_id.in_(list(unique)))
            )
        }
        pairs = {(i.event.kiosk_id, i.event.seq) for i in unique.values()}
        by_seq = {
            (r.kiosk_id, int(r.seq))
            for r in s.execute(
                select(c.kiosk_id, c.seq).where(tuple_(c.kiosk_id, c.seq).in_(list(pairs)))
            )
        }
        return by_id, by_seq

    def _conflict(
        self, s: Session, item: EventIn, id_taken: bool, now: datetime, outcome: BatchOutcome
    ) -> None:
        e, event_id = item.event, str(item.event.event_id)
        reason = (
            f"event id {event_id} already stored under another kiosk or sequence number"
            if id_taken
            else f"sequence number {e.seq} already used by another event "
            "(was the kiosk database replaced?)"
        )
        refused = Refused(item.topic, reason, len(item.body), item.body, item.address)
        self._quarantine(s, refused, e.kiosk_id, event_id, e.seq, now)
        rules.quarantined(s, e.kiosk_id, e.store, reason, now)
        outcome.quarantined += 1
        outcome.ack(e.store, e.kiosk_id, e.seq, event_id, AckStatus.QUARANTINED)

    # -- refused ------------------------------------------------------------------------

    def _refused(
        self, s: Session, items: list[Refused], now: datetime, outcome: BatchOutcome
    ) -> None:
        ids = [str(i.header.event_id) for i in items if i.header is not None]
        known = set(
            s.scalars(select(QuarantineRow.event_id).where(QuarantineRow.event_id.in_(ids)))
            if ids
            else ()
        )
        for item in items:
            header, address = item.header, item.address
            if header is None or address is None:
                self._quarantine(s, item, address.kiosk if address else None, None, None, now)
                outcome.unacknowledged += 1
                continue
            event_id = str(header.event_id)
            if event_id not in known:
                self._quarantine(s, item, address.kiosk, event_id, header.seq, now)
                rules.quarantined(s, address.kiosk, address.store, item.reason, now)
                known.add(event_id)
            outcome.quarantined += 1
            outcome.ack(address.store, address.kiosk, header.seq, event_id, AckStatus.QUARANTINED)

    @staticmethod
    def _quarantine(
        s: Session,
        item: Refused,
        kiosk_id: str | None,
        event_id: str | None,
        seq: int | None,
        now: datetime,
    ) -> None:
        s.add(
            QuarantineRow(
                received_at=now,
                topic=item.topic[:300],
                kiosk_id=kiosk_id,
                event_id=event_id,
                seq=seq,
                reason=item.reason[:500],
                size=item.size,
                sample=item.sample,
            )
        )
