"""Stock and sales for the console: levels per store and product, sales per hour and day, CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, String, cast, func, select
from sqlalchemy.orm import Session

from fleet.console.accounts import User
from fleet.console.fleetview import scoped
from fleet.console.schemas import Bucket, ProductView, SalesReport, StockView
from fleet.console.topproducts import DayPrint, TopProducts, utc_day
from fleet.reports.daily import major
from fleet.store.models import KioskRow, SaleRow, StockRow


def stock(
    s: Session,
    user: User,
    low_at: int,
    *,
    store: str | None = None,
    low_only: bool = False,
    search: str | None = None,
    limit: int = 500,
) -> list[StockView]:
    query = scoped(
        select(KioskRow.store, StockRow).join(KioskRow, KioskRow.kiosk_id == StockRow.kiosk_id),
        KioskRow.store,
        user,
    ).order_by(StockRow.stock, KioskRow.store, StockRow.gtin)
    if store:
        query = query.where(KioskRow.store == store)
    if low_only:
        query = query.where(StockRow.stock <= low_at)
    if search:
        query = query.where(
            StockRow.name.contains(search, autoescape=True)
            | StockRow.gtin.contains(search, autoescape=True)
        )
    return [
        StockView(
            store=st,
            kiosk_id=r.kiosk_id,
            gtin=r.gtin,
            name=r.name,
            stock=r.stock,
            low=r.stock <= low_at,
            updated_at=r.updated_at,
        )
        for st, r in s.execute(query.limit(limit)).tuples()
    ]


def _utc_hour(s: Session, column: Any) -> ColumnElement[str]:
    """created_at truncated to its UTC hour as text: cheap in SQL, read off a covering index."""
    if s.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD HH24")
    return cast(func.substr(column, 1, 13), String)  # SQLite keeps 'YYYY-MM-DD HH:MM:SS' UTC


def _local(hour: str, tz: ZoneInfo) -> datetime:
    return datetime.fromisoformat(f"{hour}:00+00:00").astimezone(tz)


def sales_report(
    s: Session,
    user: User,
    since: datetime,
    until: datetime,
    tz_name: str,
    *,
    store: str | None = None,
    top: int = 10,
    cache: TopProducts | None = None,
) -> SalesReport:
    tz = ZoneInfo(tz_name)
    where = [SaleRow.created_at >= since, SaleRow.created_at < until]
    if store:
        where.append(SaleRow.store == store)
    label = _utc_hour(s, SaleRow.created_at)
    hourly = s.execute(
        scoped(
            select(label, func.count(), func.coalesce(func.sum(SaleRow.total), 0)).where(*where),
            SaleRow.store,
            user,
        ).group_by(label)
    ).all()
    prints: dict[str, DayPrint] = {}
    for h, n, r in hourly:
        p = prints.get(utc_day(h), DayPrint(0, 0))
        prints[utc_day(h)] = DayPrint(p.sales + n, p.revenue + r)
    # UTC hours become local ones here, per hour, so daylight-saving days come out right.
    per_hour = sorted(
        (Bucket(label=f"{_local(h, tz):%Y-%m-%d %H:%M}", sales=n, revenue=r) for h, n, r in hourly),
        key=lambda b: b.label,
    )
    days: dict[str, tuple[int, int]] = {}
    for bucket in per_hour:
        n, r = days.get(bucket.label[:10], (0, 0))
        days[bucket.label[:10]] = (n + bucket.sales, r + bucket.revenue)
    per_day = [Bucket(label=d, sales=n, revenue=r) for d, (n, r) in sorted(days.items())]
    per_hour = per_hour[-72:]
    scoped_where = [*where] + ([SaleRow.store.in_(user.stores)] if user.stores is not None else [])
    totals = (cache or TopProducts()).totals(
        s, (user.stores, store), scoped_where, since, until, prints
    )
    products = sorted(totals.items(), key=lambda kv: (-kv[1][2], kv[0]))[:top]
    currency = s.execute(
        scoped(select(SaleRow.currency, SaleRow.exponent).where(*where), SaleRow.store, user).limit(
            1
        )
    ).first()
    return SalesReport(
        since=since,
        until=until,
        store=store,
        currency=currency[0] if currency else None,
        exponent=currency[1] if currency else 2,
        sales=sum(b.sales for b in per_day),
        revenue=sum(b.revenue for b in per_day),
        per_hour=per_hour,
        per_day=per_day,
        top_products=[
            ProductView(gtin=g, name=n, quantity=q, revenue=r) for g, (n, q, r) in products
        ],
    )


CSV_HEADER = ["sale_id", "store", "kiosk_id", "created_at", "items", "total", "currency", "method"]


def sales_csv(
    s: Session, user: User, since: datetime, until: datetime, store: str | None = None
) -> Iterator[str]:
    """Every sale in the range, one CSV row each, streamed in chunks (amounts in major units)."""
    query = scoped(
        select(SaleRow).where(SaleRow.created_at >= since, SaleRow.created_at < until),
        SaleRow.store,
        user,
    ).order_by(SaleRow.created_at)
    if store:
        query = query.where(SaleRow.store == store)
    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow(CSV_HEADER)
    for i, r in enumerate(s.scalars(query.execution_options(yield_per=2000))):
        out.writerow(
            [
                r.sale_id,
                r.store,
                r.kiosk_id,
                r.created_at.isoformat(),
                r.items,
                major(r.total, r.exponent),
                r.currency,
                r.method or "",
            ]
        )
        if i % 2000 == 1999:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()
