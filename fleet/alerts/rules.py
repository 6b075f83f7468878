"""The alert rules: what raises and what clears each kind of fleet alert."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fleet.alerts.book import Rule, Subject, raise_alert, resolve_subject, resolve_subjects
from fleet.config import AlertsConfig
from fleet.messages.events import Severity
from fleet.messages.telemetry import DeviceState
from fleet.store.models import EventRow

WEIGHT_MISMATCH = "weight_mismatch"
PAYMENT_FAILURE = "payment_failure"
DEVICE_FAULT = "device_fault"


@dataclass(frozen=True)
class KioskAlerts:
    """Alert events of one kind from one kiosk in one batch."""

    kiosk_id: str
    store: str
    kind: str
    count: int
    latest_at: datetime
    severity: Severity
    device: str


@dataclass(frozen=True)
class StockLevel:
    kiosk_id: str
    store: str
    gtin: str
    name: str
    stock: int


def _in_window(s: Session, kiosk_id: str, kind: str, end: datetime, seconds: int) -> int:
    return int(
        s.scalar(
            select(func.count())
            .select_from(EventRow)
            .where(
                EventRow.kiosk_id == kiosk_id,
                EventRow.kind == "alert",
                EventRow.subkind == kind,
                EventRow.created_at > end - timedelta(seconds=seconds),
                EventRow.created_at <= end,
            )
        )
        or 0
    )


def on_alert_events(
    s: Session, cfg: AlertsConfig, groups: Iterable[KioskAlerts], now: datetime
) -> None:
    """Kiosk alerts just stored: device faults, and the two counting rules."""
    for g in groups:
        if g.kind == DEVICE_FAULT:
            subject = Subject(Rule.DEVICE_FAULT, g.kiosk_id, g.store, g.device or "unknown")
            raise_alert(s, subject, g.severity, {"device": g.device, "source": "kiosk"}, now)
            continue
        if g.kind == WEIGHT_MISMATCH:
            rule, limit, window = (
                Rule.WEIGHT_MISMATCHES,
                cfg.weight_mismatch_count,
                cfg.weight_mismatch_window_s,
            )
        elif g.kind == PAYMENT_FAILURE:
            rule, limit, window = (
                Rule.PAYMENT_FAILURES,
                cfg.payment_failure_count,
                cfg.payment_failure_window_s,
            )
        else:
            continue
        seen = _in_window(s, g.kiosk_id, g.kind, g.latest_at, window)
        if seen >= limit:
            detail = {"in_window": seen, "window_s": window, "threshold": limit}
            raise_alert(
                s, Subject(rule, g.kiosk_id, g.store), Severity.WARNING, detail, now, count=g.count
            )


def on_devices(
    s: Session,
    kiosk_id: str,
    store: str,
    devices: Mapping[str, DeviceState],
    before: Mapping[str, str],
    now: datetime,
) -> None:
    """Health reported device states: raise faults, resolve the ones that cleared."""
    for device, state in devices.items():
        subject = Subject(Rule.DEVICE_FAULT, kiosk_id, store, device)
        was_fault = DeviceState(before[device]).is_fault if device in before else False
        if state.is_fault and not was_fault:
            detail = {"device": device, "state": state.value, "source": "health"}
            raise_alert(s, subject, Severity.CRITICAL, detail, now)
        elif not state.is_fault and (was_fault or device not in before):
            resolve_subject(s, subject, now)


def on_stock_levels(
    s: Session, cfg: AlertsConfig, levels: Iterable[StockLevel], now: datetime, *, clear: bool
) -> None:
    """Raise low-stock alerts; with `clear` (restocks, snapshots) resolve the ones above it."""
    above: dict[str, list[str]] = defaultdict(list)
    for level in levels:
        if level.stock <= cfg.low_stock_at:
            subject = Subject(Rule.LOW_STOCK, level.kiosk_id, level.store, level.gtin)
            detail = {"gtin": level.gtin, "name": level.name, "stock": level.stock}
            raise_alert(s, subject, Severity.WARNING, detail, now, count=0)
        elif clear:
            above[level.kiosk_id].append(level.gtin)
    for kiosk_id, gtins in above.items():
        resolve_subjects(s, Rule.LOW_STOCK, kiosk_id, gtins, now)


def kiosk_offline(s: Session, kiosk_id: str, store: str, reason: str, now: datetime) -> None:
    """A clean stop is a warning (someone stopped it); a lost kiosk is critical."""
    subject = Subject(Rule.KIOSK_OFFLINE, kiosk_id, store)
    severity = Severity.WARNING if reason == "clean_stop" else Severity.CRITICAL
    raise_alert(s, subject, severity, {"reason": reason}, now)


def kiosk_online(s: Session, kiosk_id: str, store: str, now: datetime) -> None:
    resolve_subject(s, Subject(Rule.KIOSK_OFFLINE, kiosk_id, store), now)


def events_lost(
    s: Session, kiosk_id: str, store: str, first: int, last: int, now: datetime
) -> None:
    subject = Subject(Rule.EVENTS_LOST, kiosk_id, store, f"{first}-{last}")
    detail = {"from_seq": first, "to_seq": last}
    raise_alert(s, subject, Severity.CRITICAL, detail, now)


def quarantined(s: Session, kiosk_id: str, store: str, reason: str, now: datetime) -> None:
    subject = Subject(Rule.QUARANTINED, kiosk_id, store)
    raise_alert(s, subject, Severity.WARNING, {"last_reason": reason[:300]}, now)
