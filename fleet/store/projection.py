"""The projector: sales, stock and alert rules derived from stored events, after the ack.

Ingest workers only append events (that is what bounds the fleet's ingest rate); the
projector then reads events not yet projected, in arrival order, and applies their effects
in one transaction per batch. Several projectors (one per manager host, and `fleet report`)
may run at once: on PostgreSQL they take turns on an advisory lock; on SQLite rows are read
and parsed outside the write lock and re-checked under it.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Row, Select, not_, select, text, update
from sqlalchemy.orm import Session

from fleet.alerts import rules
from fleet.config import AlertsConfig
from fleet.lifecycle import StopFlag
from fleet.messages.base import utcnow
from fleet.messages.events import (
    EVENT_ADAPTER,
    AlertEvent,
    Event,
    SaleEvent,
    Severity,
    StockEvent,
)
from fleet.store import stock
from fleet.store.models import EVENTS, QuarantineRow
from kiosk.storage.engine import Database

logger = logging.getLogger(__name__)

PROJECTION_LOCK = 0x466C656574  # "Fleet": the advisory lock key of the projectors
_SEVERITY_ORDER = {Severity.INFO: 0, Severity.WARNING: 1, Severity.CRITICAL: 2}


class Projector:
    """`duty` bounds the share of time it holds the write lock (SQLite has one writer), so
    a burst is ingested first and projected right after."""

    def __init__(
        self, db: Database, alerts: AlertsConfig, batch: int = 500, duty: float = 0.3
    ) -> None:
        self.db = db
        self.alerts = alerts
        self.batch = batch
        self.duty = duty
        self.projected = 0
        self.last_write_s = 0.0

    def run_once(self, now: datetime | None = None) -> int:
        """Project up to one batch; returns how many events it took."""
        now = now or utcnow()
        if self.db.is_sqlite:
            # Read and parse outside the write lock; only one projector runs per SQLite file.
            with self.db.read() as s:
                rows = s.execute(self._pending()).all()
            if not rows:
                return 0
            parsed = [_parse(r) for r in rows]
            started = time.monotonic()
            with self.db.write() as s:
                # Under the write lock: skip what another projector did meanwhile.
                c = EVENTS.c
                still = set(
                    s.scalars(select(c.id).where(c.id.in_([r.id for r in rows]), not_(c.projected)))
                )
                keep = [(r, p) for r, p in zip(rows, parsed, strict=True) if r.id in still]
                if keep:
                    self._apply_rows(s, [r for r, _ in keep], [p for _, p in keep], now)
            self.last_write_s = time.monotonic() - started
        else:
            with self.db.write() as s:
                # One projector applies at a time (they share stock and alert rows, and two
                # taking them in different orders would deadlock); others wait here.
                s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PROJECTION_LOCK})
                rows = s.execute(self._pending().with_for_update(skip_locked=True)).all()
                if not rows:
                    return 0
                self._apply_rows(s, rows, [_parse(r) for r in rows], now)
        self.projected += len(rows)
        return len(rows)

    def _pending(self) -> Select[Any]:
        c = EVENTS.c
        return (
            select(c.id, c.kiosk_id, c.seq, c.event_id, c.body)
            .where(not_(c.projected))
            .order_by(c.id)
            .limit(self.batch)
        )

    def _apply_rows(
        self, s: Session, rows: Sequence[Row[Any]], parsed: list[Event | str], now: datetime
    ) -> None:
        events: list[Event] = []
        for row, result in zip(rows, parsed, strict=True):
            if isinstance(result, str):  # stored under an older model: keep it, say so
                s.add(
                    QuarantineRow(
                        received_at=now,
                        topic="(projection)",
                        kiosk_id=row.kiosk_id,
                        event_id=row.event_id,
                        seq=row.seq,
                        reason=f"stored but cannot be projected: {result}",
                        size=len(row.body),
                        sample=row.body[:4000],
                    )
                )
            else:
                events.append(result)
        self.apply(s, events, now)
        s.execute(
            update(EVENTS).where(EVENTS.c.id.in_([r.id for r in rows])).values(projected=True)
        )

    def apply(self, s: Session, events: Sequence[Event], now: datetime) -> None:
        sales = [e for e in events if isinstance(e, SaleEvent)]
        if sales:
            stock.store_sales(s, self.alerts, sales, now)
        changes = [e for e in events if isinstance(e, StockEvent)]
        if changes:
            stock.store_stock_events(s, self.alerts, changes, now)
        alerts = [e for e in events if isinstance(e, AlertEvent)]
        if alerts:
            rules.on_alert_events(s, self.alerts, group_alerts(alerts), now)

    def catch_up(self) -> int:
        done = 0
        while n := self.run_once():
            done += n
        return done

    def run(self, stop: StopFlag) -> None:
        while not stop.is_set():
            try:
                n = self.run_once()
            except Exception:  # the store may be down; try again shortly
                logger.exception("projection pass failed")
                stop.wait(2.0)
                continue
            if n < self.batch:
                stop.wait(0.5)
            elif self.last_write_s:
                stop.wait(self.last_write_s * (1 - self.duty) / self.duty)


def _parse(row: Row[Any]) -> Event | str:
    try:
        return EVENT_ADAPTER.validate_json(row.body)
    except ValidationError as e:
        return str(e)[:400]


def group_alerts(events: list[AlertEvent]) -> list[rules.KioskAlerts]:
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
