"""Top products over a period, added up per UTC day and kept for the days that are complete.

Adding up 200,000 sale lines for 30 days on every page view is too slow. A complete day is
summed once and kept with its fingerprint (sales and revenue that day, from the hourly query
the page runs anyway); a sale delivered late changes the fingerprint and that day is summed
again. The partial first and last days of the period are always summed fresh.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fleet.store.models import SaleLineRow, SaleRow

Totals = dict[str, tuple[str, int, int]]  # gtin -> (name, quantity, net)
MAX_DAYS_KEPT = 5000


@dataclass(frozen=True)
class DayPrint:
    sales: int
    revenue: int


class TopProducts:
    def __init__(self) -> None:
        self._days: OrderedDict[Hashable, tuple[DayPrint, Totals]] = OrderedDict()
        self._lock = threading.Lock()

    def totals(
        self,
        s: Session,
        scope: Hashable,
        where: Sequence[Any],
        since: datetime,
        until: datetime,
        prints: dict[str, DayPrint],
    ) -> Totals:
        """Every product's totals in [since, until) under `where` (store and scope filters)."""
        since, until = since.astimezone(UTC), until.astimezone(UTC)
        first_full = (since + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        last_full = until.replace(hour=0, minute=0, second=0, microsecond=0)
        if first_full >= last_full:  # no whole day inside: sum it all fresh
            return _sum(s, where, since, until)
        out = _sum(s, where, since, first_full)
        self._add(out, _sum(s, where, last_full, until))
        day = first_full
        while day < last_full:
            name = day.date().isoformat()
            fingerprint = prints.get(name, DayPrint(0, 0))
            if fingerprint.sales:
                self._add(out, self._day(s, (scope, name), fingerprint, where, day))
            day += timedelta(days=1)
        return out

    def _day(
        self, s: Session, key: Hashable, fingerprint: DayPrint, where: Sequence[Any], day: datetime
    ) -> Totals:
        with self._lock:
            kept = self._days.get(key)
            if kept is not None and kept[0] == fingerprint:
                self._days.move_to_end(key)
                return kept[1]
        totals = _sum(s, where, day, day + timedelta(days=1))
        with self._lock:
            self._days[key] = (fingerprint, totals)
            while len(self._days) > MAX_DAYS_KEPT:
                self._days.popitem(last=False)
        return totals

    @staticmethod
    def _add(into: Totals, more: Totals) -> None:
        for gtin, (name, quantity, net) in more.items():
            _, q, n = into.get(gtin, (name, 0, 0))
            into[gtin] = (name, q + quantity, n + net)


def _sum(s: Session, where: Sequence[Any], lo: datetime, hi: datetime) -> Totals:
    period = select(SaleRow.sale_id).where(
        *where, SaleRow.created_at >= lo, SaleRow.created_at < hi
    )
    rows = s.execute(
        select(
            SaleLineRow.gtin,
            func.max(SaleLineRow.name),
            func.sum(SaleLineRow.quantity),
            func.sum(SaleLineRow.net),
        )
        .where(SaleLineRow.sale_id.in_(period))  # lines by primary key, sales by index
        .group_by(SaleLineRow.gtin)
    ).tuples()
    return {g: (n or "", int(q or 0), int(r or 0)) for g, n, q, r in rows}


def utc_day(hour_label: str) -> str:
    return hour_label[:10]  # 'YYYY-MM-DD HH' in UTC
