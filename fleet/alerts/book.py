"""The alert book: raise (or bump) an alert, acknowledge it, resolve it; one unresolved per subject.

A partial unique index (rule, kiosk, subject) over unresolved alerts makes raising idempotent
even when several workers or monitors raise the same alert at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fleet.messages.events import Severity
from fleet.store.models import AlertRow, AlertStatus

UNRESOLVED = (AlertStatus.OPEN.value, AlertStatus.ACKNOWLEDGED.value)


class Rule(StrEnum):
    KIOSK_OFFLINE = "kiosk_offline"
    DEVICE_FAULT = "device_fault"
    LOW_STOCK = "low_stock"
    WEIGHT_MISMATCHES = "weight_mismatches"  # repeated at one kiosk: loss-prevention risk
    PAYMENT_FAILURES = "payment_failures"  # a spike at one kiosk
    EVENTS_LOST = "events_lost"  # a sequence hole the kiosk can no longer fill
    QUARANTINED = "quarantined"  # the manager refused a kiosk's message


class AlertTransitionError(Exception):
    """The alert does not exist or cannot move to that state."""


@dataclass(frozen=True)
class Subject:
    rule: Rule
    kiosk_id: str
    store: str
    subject: str = ""


def _unresolved(s: Session, subject: Subject) -> AlertRow | None:
    return s.scalar(
        select(AlertRow).where(
            AlertRow.rule == subject.rule.value,
            AlertRow.kiosk_id == subject.kiosk_id,
            AlertRow.subject == subject.subject,
            AlertRow.status.in_(UNRESOLVED),
        )
    )


def raise_alert(
    s: Session,
    subject: Subject,
    severity: Severity,
    detail: dict[str, Any],
    now: datetime,
    *,
    count: int = 1,
) -> AlertRow:
    """Open an alert, or bump the unresolved one for the same subject."""
    row = _unresolved(s, subject)
    if row is None:
        row = AlertRow(
            rule=subject.rule.value,
            kiosk_id=subject.kiosk_id,
            store=subject.store,
            subject=subject.subject,
            severity=severity.value,
            status=AlertStatus.OPEN.value,
            count=count,
            detail=detail,
            opened_at=now,
            last_at=now,
        )
        try:
            with s.begin_nested():
                s.add(row)
                s.flush()
            return row
        except IntegrityError:  # another worker opened it a moment ago
            row = _unresolved(s, subject)
            if row is None:
                raise
    row.count += count
    row.last_at = now
    row.detail = detail
    if severity == Severity.CRITICAL:
        row.severity = severity.value
    return row


def resolve_subject(s: Session, subject: Subject, now: datetime, by: str = "rule") -> bool:
    """Resolve the unresolved alert for this subject, if any (the condition cleared)."""
    result = s.execute(
        update(AlertRow)
        .where(
            AlertRow.rule == subject.rule.value,
            AlertRow.kiosk_id == subject.kiosk_id,
            AlertRow.subject == subject.subject,
            AlertRow.status.in_(UNRESOLVED),
        )
        .values(status=AlertStatus.RESOLVED.value, resolved_at=now, resolved_by=by)
    )
    return bool(getattr(result, "rowcount", 0))


def resolve_subjects(
    s: Session, rule: Rule, kiosk_id: str, subjects: Iterable[str], now: datetime
) -> int:
    """Resolve many subjects of one rule at one kiosk in one statement."""
    subjects = list(subjects)
    if not subjects:
        return 0
    result = s.execute(
        update(AlertRow)
        .where(
            AlertRow.rule == rule.value,
            AlertRow.kiosk_id == kiosk_id,
            AlertRow.subject.in_(subjects),
            AlertRow.status.in_(UNRESOLVED),
        )
        .values(status=AlertStatus.RESOLVED.value, resolved_at=now, resolved_by="rule")
    )
    return int(getattr(result, "rowcount", 0) or 0)


def acknowledge(s: Session, alert_id: int, by: str, now: datetime) -> AlertRow:
    row = s.get(AlertRow, alert_id)
    if row is None:
        raise AlertTransitionError(f"no alert {alert_id}")
    if row.status != AlertStatus.OPEN.value:
        raise AlertTransitionError(f"alert {alert_id} is {row.status}, not open")
    row.status = AlertStatus.ACKNOWLEDGED.value
    row.acknowledged_at = now
    row.acknowledged_by = by
    return row


def resolve(s: Session, alert_id: int, by: str, now: datetime) -> AlertRow:
    row = s.get(AlertRow, alert_id)
    if row is None:
        raise AlertTransitionError(f"no alert {alert_id}")
    if row.status == AlertStatus.RESOLVED.value:
        raise AlertTransitionError(f"alert {alert_id} is already resolved")
    row.status = AlertStatus.RESOLVED.value
    row.resolved_at = now
    row.resolved_by = by
    return row
