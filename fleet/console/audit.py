"""The console's audit log: logins, commands and alert changes, with who, when and from where."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from fleet.console.accounts import User
from fleet.console.models import AuditRow
from fleet.messages.base import utcnow


def record(
    s: Session,
    user: str,
    action: str,
    *,
    store: str | None = None,
    target: str = "",
    ok: bool = True,
    detail: str = "",
    address: str = "",
) -> None:
    s.add(
        AuditRow(
            at=utcnow(),
            user=user[:64],
            store=store,
            action=action,
            target=target[:120],
            ok=ok,
            detail=detail[:2000],
            address=address[:64],
        )
    )


def recent(s: Session, viewer: User, limit: int, action: str | None = None) -> list[AuditRow]:
    """Newest first. Staff see their store's rows and their own logins, nothing else."""
    query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
    if viewer.stores is not None:
        query = query.where(or_(AuditRow.store.in_(viewer.stores), AuditRow.user == viewer.name))
    if action:
        query = query.where(AuditRow.action == action)
    return list(s.scalars(query))
