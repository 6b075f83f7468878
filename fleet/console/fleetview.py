"""Reading the fleet for the console: kiosks with their state, one kiosk in detail, alerts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from fleet.alerts.book import UNRESOLVED
from fleet.console.accounts import User
from fleet.console.lastsale import LastSales
from fleet.console.schemas import (
    AlertView,
    CommandView,
    EventView,
    HealthPoint,
    HealthState,
    KioskDetail,
    KioskSummary,
    Overview,
    SaleSummary,
)
from fleet.messages.base import utcnow
from fleet.store.models import AlertRow, AlertStatus, CommandRow, EventRow, HealthRow, KioskRow
from fleet.store.models import SaleRow as SaleRowModel

_WORST = {"fault": 3, "offline": 3, "degraded": 2, "ok": 1, "absent": 0}


class SortKey(StrEnum):
    KIOSK = "kiosk"
    STORE = "store"
    STATE = "state"
    ALERTS = "alerts"
    LAST_SALE = "last_sale"
    LAST_SEEN = "last_seen"


def health_state(last_health: dict[str, Any] | None) -> HealthState:
    if not last_health:
        return HealthState.UNKNOWN
    worst = max((_WORST.get(str(v), 2) for v in last_health.get("devices", {}).values()), default=1)
    return {3: HealthState.FAULT, 2: HealthState.DEGRADED}.get(worst, HealthState.OK)


def scoped(query: Select[Any], column: Any, user: User) -> Select[Any]:
    """Every query the console runs goes through this: staff see their store only."""
    return query if user.stores is None else query.where(column.in_(user.stores))


def _summary(k: KioskRow, alerts: int, last_sale: Any) -> KioskSummary:
    return KioskSummary(
        kiosk_id=k.kiosk_id,
        store=k.store,
        online=k.online,
        locked=k.locked,
        health=health_state(k.last_health),
        last_seen=k.last_seen,
        open_alerts=alerts,
        last_sale_at=last_sale,
        backlog=k.backlog,
    )


def _sort(rows: list[KioskSummary], key: SortKey, descending: bool) -> list[KioskSummary]:
    far = utcnow() - timedelta(days=36_500)
    keys = {
        SortKey.KIOSK: lambda r: (r.kiosk_id,),
        SortKey.STORE: lambda r: (r.store, r.kiosk_id),
        SortKey.STATE: lambda r: (r.online, r.health != HealthState.FAULT, r.kiosk_id),
        SortKey.ALERTS: lambda r: (r.open_alerts, r.kiosk_id),
        SortKey.LAST_SALE: lambda r: (r.last_sale_at or far, r.kiosk_id),
        SortKey.LAST_SEEN: lambda r: (r.last_seen, r.kiosk_id),
    }
    return sorted(rows, key=keys[key], reverse=descending)


def overview(
    s: Session,
    user: User,
    *,
    store: str | None = None,
    state: str | None = None,
    search: str | None = None,
    sort: SortKey = SortKey.STATE,
    descending: bool = False,
    limit: int = 200,
    offset: int = 0,
    last_sales: LastSales | None = None,
) -> Overview:
    query = scoped(select(KioskRow), KioskRow.store, user)
    if store:
        query = query.where(KioskRow.store == store)
    if search:
        query = query.where(KioskRow.kiosk_id.contains(search, autoescape=True))
    kiosks = list(s.scalars(query))
    alerts: dict[str, int] = {
        k: n
        for k, n in s.execute(
            scoped(
                select(AlertRow.kiosk_id, func.count()).where(AlertRow.status.in_(UNRESOLVED)),
                AlertRow.store,
                user,
            ).group_by(AlertRow.kiosk_id)
        ).tuples()
    }
    last = last_sales.get(s) if last_sales is not None else _all_last_sales(s)
    rows = [_summary(k, alerts.get(k.kiosk_id, 0), last.get(k.kiosk_id)) for k in kiosks]
    if state:
        rows = [r for r in rows if _matches(r, state)]
    rows = _sort(rows, sort, descending)
    return Overview(
        kiosks=rows[offset : offset + limit],
        total=len(rows),
        online=sum(r.online for r in rows),
        open_alerts=sum(r.open_alerts for r in rows),
    )


def _all_last_sales(s: Session) -> dict[str, Any]:
    query = select(SaleRowModel.kiosk_id, func.max(SaleRowModel.created_at))
    return {k: at for k, at in s.execute(query.group_by(SaleRowModel.kiosk_id)).tuples()}


def _matches(row: KioskSummary, state: str) -> bool:
    return {
        "online": row.online,
        "offline": not row.online,
        "locked": row.locked,
        "alerts": row.open_alerts > 0,
        "fault": row.health == HealthState.FAULT,
    }.get(state, True)


def alert_view(a: AlertRow) -> AlertView:
    return AlertView.model_validate(a, from_attributes=True)


def alerts(
    s: Session, user: User, status: str = "unresolved", store: str | None = None, limit: int = 200
) -> list[AlertView]:
    query = scoped(select(AlertRow), AlertRow.store, user).order_by(AlertRow.last_at.desc())
    if status == "unresolved":
        query = query.where(AlertRow.status.in_(UNRESOLVED))
    elif status in {a.value for a in AlertStatus}:
        query = query.where(AlertRow.status == status)
    if store:
        query = query.where(AlertRow.store == store)
    return [alert_view(a) for a in s.scalars(query.limit(limit))]


MAX_POINTS = 600


def _point(r: Any) -> HealthPoint:
    return HealthPoint(
        at=r[0],
        cpu_percent=r[1],
        memory_percent=r[2],
        disk_percent=r[3],
        temperature_c=r[4],
        backlog=r[5],
    )


def kiosk_row(s: Session, user: User, kiosk_id: str) -> KioskRow | None:
    """The kiosk, or None when it does not exist or this user may not see it (same answer)."""
    row = s.get(KioskRow, kiosk_id)
    return row if row is not None and user.can_see(row.store) else None


def command_view(c: CommandRow) -> CommandView:
    return CommandView.model_validate(c, from_attributes=True)


def detail(s: Session, user: User, kiosk_id: str, hours: float = 24) -> KioskDetail | None:
    k = kiosk_row(s, user, kiosk_id)
    if k is None:
        return None
    since = utcnow() - timedelta(hours=hours)
    in_range = (HealthRow.kiosk_id == kiosk_id, HealthRow.at >= since)
    reports = s.scalar(select(func.count()).where(*in_range)) or 0
    step = max(1, -(-reports // MAX_POINTS))  # a day at 10 s is 8,640 reports: chart every n-th
    health = s.execute(
        select(
            HealthRow.at,
            HealthRow.cpu_percent,
            HealthRow.memory_percent,
            HealthRow.disk_percent,
            HealthRow.temperature_c,
            HealthRow.backlog,
        )
        .where(*in_range, (HealthRow.id % step) == 0)
        .order_by(HealthRow.at)
    ).all()
    sales = s.scalars(
        select(SaleRowModel)
        .where(SaleRowModel.kiosk_id == kiosk_id)
        .order_by(SaleRowModel.created_at.desc())
        .limit(20)
    )
    events = s.scalars(
        select(EventRow)
        .where(EventRow.kiosk_id == kiosk_id)
        .order_by(EventRow.seq.desc())
        .limit(20)
    )
    kiosk_alerts: Sequence[AlertRow] = list(
        s.scalars(
            select(AlertRow)
            .where(AlertRow.kiosk_id == kiosk_id)
            .order_by(AlertRow.last_at.desc())
            .limit(20)
        )
    )
    commands = s.scalars(
        select(CommandRow)
        .where(CommandRow.kiosk_id == kiosk_id)
        .order_by(CommandRow.issued_at.desc())
        .limit(20)
    )
    sale_list = [SaleSummary.model_validate(x, from_attributes=True) for x in sales]
    open_count = s.scalar(  # all of them, as the overview counts, not only the listed ones
        select(func.count())
        .select_from(AlertRow)
        .where(AlertRow.kiosk_id == kiosk_id, AlertRow.status.in_(UNRESOLVED))
    )
    last_sale = s.scalar(
        select(func.max(SaleRowModel.created_at)).where(SaleRowModel.kiosk_id == kiosk_id)
    )
    return KioskDetail(
        kiosk=_summary(k, open_count or 0, last_sale),
        app_version=k.app_version,
        status_reason=k.status_reason,
        devices={str(a): str(b) for a, b in (k.last_health or {}).get("devices", {}).items()},
        health=[_point(r) for r in health],
        sales=sale_list,
        events=[EventView.model_validate(e, from_attributes=True) for e in events],
        alerts=[alert_view(a) for a in kiosk_alerts],
        commands=[command_view(c) for c in commands],
    )
