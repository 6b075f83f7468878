"""Committing a batch of parsed messages in one transaction, and what to acknowledge after it.

Each event is stored once: the insert skips any row whose UUID or (kiosk, seq) exists, and
only rows that were really inserted get their side effects (sales, stock, alert rules).
Duplicates are acknowledged again (the kiosk may have missed the first ack); a different
event reusing a (kiosk, seq) goes to quarantine. Nothing is acknowledged before the commit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, case, select, update
from sqlalchemy.orm import Session

from fleet.alerts import rules
from fleet.config import AlertsConfig
from fleet.manager.inbound import EventIn, HealthIn, Item, Refused, ResultIn, SnapshotIn
from fleet.messages.acks import AckItem, AckStatus
from fleet.messages.events import AlertEvent, SaleEvent, Severity, StockEvent
from fleet.store import commands, stock, telemetry
from fleet.store.dialect import insert_ignore
from fleet.store.models import EVENTS, KIOSKS, EventRow, KioskRow, QuarantineRow
from kiosk.storage.engine import Database

_SEVERITY_ORDER = {Severity.INFO: 0, Severity.WARNING: 1, Severity.CRITICAL: 2}


@dataclass
class BatchOutcome:
    acks: dict[tuple[str, str], list[AckItem]] = field(default_factory=lambda: defaultdict(list))
    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0
    unacknowledged: int = 0  # refused without a readable event header
    health: int = 0
    results: list[ResultIn] = field(default_factory=list)

    def ack(self, store: str, kiosk: str, seq: int, event_id: str, status: AckStatus) -> None:
        self.acks[(store, kiosk)].append(
            AckItem.model_construct(seq=seq, event_id=event_id, status=status)
        )


class IngestStore:
    def __init__(self, db: Database, alerts: AlertsConfig) -> None:
        self.db = db
        self.alerts = alerts

    def commit(self, items: Sequence[Item], now: datetime) -> BatchOutcome:
        outcome = BatchOutcome()
        with self.db.write() as s:
            self._register(s, items, now)
            events = [i for i in items if isinstance(i, EventIn)]
            if events:
                self._events(s, events, now, outcome)
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
        kiosks = {i.address.kiosk: i.address.store for i in items if i.address is not None}
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
        self, s: Session, items: list[EventIn], now: datetime, outcome: BatchOutcome
    ) -> None:
        rows, unique = [], {}
        for item in items:
            e = item.event
            event_id = str(e.event_id)
            if event_id in unique:
                outcome.duplicates += 1
                outcome.ack(e.store, e.kiosk_id, e.seq, event_id, AckStatus.DUPLICATE)
                continue
            unique[event_id] = item
            rows.append(
                {
                    "event_id": event_id,
                    "kiosk_id": e.kiosk_id,
                    "seq": e.seq,
                    "kind": e.kind,
                    "subkind": e.payload.kind if isinstance(e, AlertEvent) else None,
                    "created_at": e.created_at,
                    "received_at": now,
                    "body": item.body,
                }
            )
        table = EVENTS
        inserted = set(s.scalars(insert_ignore(s, table).returning(table.c.event_id), rows))
        new = [unique[i] for i in unique if i in inserted]
        for item in new:
            e = item.event
            outcome.ack(e.store, e.kiosk_id, e.seq, str(e.event_id), AckStatus.STORED)
        outcome.stored += len(new)
        skipped = [item for i, item in unique.items() if i not in inserted]
        if skipped:
            self._not_inserted(s, skipped, now, outcome)
        if new:
            self._effects(s, new, now)

    def _not_inserted(
        self, s: Session, items: list[EventIn], now: datetime, outcome: BatchOutcome
    ) -> None:
        ids = [str(i.event.event_id) for i in items]
        existing = {
            r.event_id: (r.kiosk_id, r.seq)
            for r in s.execute(
                select(EventRow.event_id, EventRow.kiosk_id, EventRow.seq).where(
                    EventRow.event_id.in_(ids)
                )
            )
        }
        for item in items:
            e, event_id = item.event, str(item.event.event_id)
            if existing.get(event_id) == (e.kiosk_id, e.seq):
                outcome.duplicates += 1
                outcome.ack(e.store, e.kiosk_id, e.seq, event_id, AckStatus.DUPLICATE)
                continue
            reason = (
                f"event id {event_id} already stored under another kiosk or sequence number"
                if event_id in existing
                else f"sequence number {e.seq} already used by another event "
                "(was the kiosk database replaced?)"
            )
            refused = Refused(item.topic, reason, len(item.body), item.body, item.address)
            self._quarantine(s, refused, e.kiosk_id, event_id, e.seq, now)
            rules.quarantined(s, e.kiosk_id, e.store, reason, now)
            outcome.quarantined += 1
            outcome.ack(e.store, e.kiosk_id, e.seq, event_id, AckStatus.QUARANTINED)

    def _effects(self, s: Session, new: list[EventIn], now: datetime) -> None:
        sales = [i.event for i in new if isinstance(i.event, SaleEvent)]
        if sales:
            stock.store_sales(s, self.alerts, sales, now)
        changes = [i.event for i in new if isinstance(i.event, StockEvent)]
        if changes:
            stock.store_stock_events(s, self.alerts, changes, now)
        alerts = [i.event for i in new if isinstance(i.event, AlertEvent)]
        if alerts:
            rules.on_alert_events(s, self.alerts, _group_alerts(alerts), now)
        top: dict[str, int] = {}
        for item in new:
            top[item.event.kiosk_id] = max(top.get(item.event.kiosk_id, 0), item.event.seq)
        t = KIOSKS.c
        s.execute(
            update(KIOSKS)
            .where(t.kiosk_id == bindparam("k"))
            .values(max_seq=case((t.max_seq < bindparam("m"), bindparam("m")), else_=t.max_seq)),
            [{"k": k, "m": m} for k, m in top.items()],
        )

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


def _group_alerts(events: list[AlertEvent]) -> list[rules.KioskAlerts]:
    groups: dict[tuple[str, str], list[AlertEvent]] = defaultdict(list)
    for e in events:
        groups[(e.kiosk_id, e.payload.kind)].append(e)
    out = []
    for (kiosk_id, kind), group in groups.items():
        worst = max(group, key=lambda e: _SEVERITY_ORDER[e.payload.severity])
        device = next((str(e.payload.detail.get("device", "")) for e in group), "")
        out.append(
            rules.KioskAlerts(
                kiosk_id=kiosk_id,
                store=group[0].store,
                kind=kind,
                count=len(group),
                latest_at=max(e.created_at for e in group),
                severity=worst.payload.severity,
                device=device,
            )
        )
    return out
