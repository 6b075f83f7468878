"""Health in the fleet store: history rows, the kiosk's latest state, device-fault rules."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from fleet.alerts import rules
from fleet.manager.inbound import HealthIn
from fleet.store.dialect import insert_ignore
from fleet.store.models import HEALTH, KIOSKS, KioskRow


def store_health(s: Session, items: Sequence[HealthIn], now: datetime) -> int:
    """History rows (a redelivered beat is skipped) and the latest state per kiosk."""
    rows = []
    latest: dict[str, HealthIn] = {}
    for item in items:
        h = item.health
        rows.append(
            {
                "kiosk_id": h.kiosk_id,
                "boot_id": h.boot_id,
                "beat": h.beat,
                "at": h.at,
                "received_at": now,
                "cpu_percent": h.cpu_percent,
                "memory_percent": h.memory_percent,
                "disk_percent": h.disk_percent,
                "temperature_c": h.temperature_c,
                "devices": {k: v.value for k, v in h.devices.items()},
                "backlog": h.outbox_backlog,
                "last_seq": h.last_seq,
            }
        )
        current = latest.get(h.kiosk_id)
        if current is None or h.at >= current.health.at:
            latest[h.kiosk_id] = item
    s.execute(insert_ignore(s, HEALTH), rows)
    before = {
        k: (v or {}).get("devices", {})
        for k, v in s.execute(
            select(KioskRow.kiosk_id, KioskRow.last_health).where(
                KioskRow.kiosk_id.in_(list(latest))
            )
        ).tuples()
    }
    t = KIOSKS.c
    s.execute(
        update(KIOSKS)
        .where(t.kiosk_id == bindparam("k"))
        .values(
            health_at=bindparam("at"),
            last_health=bindparam("h"),
            reported_seq=bindparam("sq"),
            backlog=bindparam("b"),
            locked=bindparam("lk"),
        ),
        [
            {
                "k": k,
                "at": i.health.at,
                "h": i.health.model_dump(mode="json"),
                "sq": i.health.last_seq,
                "b": i.health.outbox_backlog,
                "lk": i.health.locked,
            }
            for k, i in sorted(latest.items())
        ],
    )
    for kiosk_id, item in latest.items():
        devices = item.health.devices
        if devices or before.get(kiosk_id):
            rules.on_devices(
                s, kiosk_id, item.address.store, devices, before.get(kiosk_id, {}), now
            )
    return len(rows)
