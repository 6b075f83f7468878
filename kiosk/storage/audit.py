"""The audit log: staff actions, overrides and system decisions, for loss prevention."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.storage.engine import Database
from kiosk.storage.models import AuditRow


def record(
    s: Session,
    action: str,
    *,
    staff_id: str | None = None,
    session_id: str | None = None,
    detail: dict[str, str] | None = None,
    now: datetime | None = None,
) -> None:
    s.add(
        AuditRow(
            at=now or datetime.now(UTC),
            action=action,
            staff_id=staff_id,
            session_id=session_id,
            detail=detail or {},
        )
    )


def recent(db: Database, limit: int = 50) -> list[AuditRow]:
    with db.read() as s:
        return list(s.scalars(select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)))
