"""The console pages' data fetched with hand-written SQL through the raw sqlite3 module (baseline).

One function per page, returning the rows and aggregates the page shows and nothing less: the
console benchmark times these beside the pages and checks they agree with the console's JSON API.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fleet.console.config import ConsoleConfig
from fleet.console.fleetview import MAX_POINTS  # the kiosk page's health chart, thinned

PAGE_ROWS = ConsoleConfig().page_rows  # the overview's first page
LIST_ROWS = 20  # the kiosk page's sales, events, alerts and commands
TOP = 10  # products on the sales page
HOURS_SHOWN = 72  # the sales page's hourly chart

# Health state as fleet.console.fleetview.health_state has it: the worst device wins, an
# unknown device state counts as degraded, no health report at all is "unknown".
OVERVIEW = """
WITH open_alerts AS (
    SELECT kiosk_id, count(*) AS n FROM alerts
    WHERE status IN ('open', 'acknowledged') GROUP BY kiosk_id
), rows AS (
    SELECT k.kiosk_id, k.store, k.online, k.locked, k.last_seen, k.backlog,
           coalesce(a.n, 0) AS open_alerts,
           -- one seek per kiosk on the (kiosk_id, created_at) index
           (SELECT max(created_at) FROM sales WHERE kiosk_id = k.kiosk_id) AS last_sale_at,
           CASE WHEN k.last_health IS NULL OR k.last_health IN ('null', '{}') THEN 'unknown'
           ELSE CASE (SELECT coalesce(max(CASE d.value WHEN 'fault' THEN 3 WHEN 'offline' THEN 3
                                          WHEN 'ok' THEN 1 WHEN 'absent' THEN 0 ELSE 2 END), 1)
                      FROM json_each(k.last_health, '$.devices') AS d)
                WHEN 3 THEN 'fault' WHEN 2 THEN 'degraded' ELSE 'ok' END
           END AS health
    FROM kiosks AS k
    LEFT JOIN open_alerts AS a ON a.kiosk_id = k.kiosk_id
)
SELECT *, count(*) OVER () AS total, sum(online) OVER () AS n_online,
       sum(open_alerts) OVER () AS n_alerts
FROM rows
ORDER BY online, health != 'fault', kiosk_id
LIMIT ?
"""

KIOSK = """
SELECT kiosk_id, store, online, locked, last_seen, backlog, app_version, status_reason,
       last_health
FROM kiosks WHERE kiosk_id = ?
"""
# Every n-th report of the last day, n chosen so that at most MAX_POINTS are left.
HEALTH = """
SELECT at, cpu_percent, memory_percent, disk_percent, temperature_c, backlog FROM health
WHERE kiosk_id = :k AND at >= :since
  AND id % max(1, ((SELECT count(*) FROM health WHERE kiosk_id = :k AND at >= :since)
                   + :points - 1) / :points) = 0
ORDER BY at
"""
KIOSK_SALES = """
SELECT sale_id, kiosk_id, store, created_at, items, total, currency, exponent, method
FROM sales WHERE kiosk_id = ? ORDER BY created_at DESC LIMIT ?
"""
KIOSK_EVENTS = """
SELECT seq, kind, subkind, created_at FROM events WHERE kiosk_id = ? ORDER BY seq DESC LIMIT ?
"""
KIOSK_ALERTS = """
SELECT id, rule, kiosk_id, store, subject, severity, status, count, detail, opened_at, last_at,
       acknowledged_at, acknowledged_by, resolved_at, resolved_by
FROM alerts WHERE kiosk_id = ? ORDER BY last_at DESC LIMIT ?
"""
KIOSK_OPEN_ALERTS = """
SELECT count(*) FROM alerts WHERE kiosk_id = ? AND status IN ('open', 'acknowledged')
"""
KIOSK_COMMANDS = """
SELECT command_id, kiosk_id, action, args, issued_by, issued_at, status, result_detail, result_at
FROM commands WHERE kiosk_id = ? ORDER BY issued_at DESC LIMIT ?
"""

SALES_HOURLY = """
SELECT substr(created_at, 1, 13) AS hour, count(*), coalesce(sum(total), 0) FROM sales
WHERE created_at >= :since AND created_at < :until GROUP BY hour
"""
TOP_PRODUCTS = """
SELECT gtin, max(name), sum(quantity), sum(net) AS revenue FROM sale_lines
WHERE sale_id IN (SELECT sale_id FROM sales WHERE created_at >= :since AND created_at < :until)
GROUP BY gtin ORDER BY revenue DESC, gtin LIMIT :top
"""
CURRENCY = """
SELECT currency, exponent FROM sales WHERE created_at >= :since AND created_at < :until LIMIT 1
"""


def connect(path: str) -> sqlite3.Connection:
    """A read-only connection to the store file, in autocommit mode (BEGIN is ours to issue)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    conn.execute("PRAGMA busy_timeout=10000")
    return conn


@contextmanager
def snapshot(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One read transaction per page, as the console's db.read() gives it."""
    conn.execute("BEGIN")
    try:
        yield conn
    finally:
        conn.execute("COMMIT")


def stored(at: datetime) -> str:
    """A datetime as the store keeps it on SQLite: naive UTC text with microseconds."""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def overview(conn: sqlite3.Connection, limit: int = PAGE_ROWS) -> dict[str, Any]:
    """The overview's first page (offline, then faulty kiosks first) and the fleet's totals."""
    with snapshot(conn):
        cur = conn.execute(OVERVIEW, (limit,))
        names = [c[0] for c in cur.description]
        rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    first = rows[0] if rows else {"total": 0, "n_online": 0, "n_alerts": 0}
    return {
        "total": first["total"],
        "online": first["n_online"] or 0,
        "open_alerts": first["n_alerts"] or 0,
        "kiosks": rows,
    }


def kiosk_detail(conn: sqlite3.Connection, kiosk_id: str, hours: float = 24) -> dict[str, Any]:
    """One kiosk: its row, a thinned day of health, its latest sales, events, alerts, commands."""
    since = stored(datetime.now(UTC) - timedelta(hours=hours))
    with snapshot(conn):
        kiosk = conn.execute(KIOSK, (kiosk_id,)).fetchone()
        if kiosk is None:
            raise LookupError(f"no kiosk {kiosk_id}")
        health = conn.execute(HEALTH, {"k": kiosk_id, "since": since, "points": MAX_POINTS})
        out = {
            "kiosk": kiosk,
            "health": health.fetchall(),
            "sales": conn.execute(KIOSK_SALES, (kiosk_id, LIST_ROWS)).fetchall(),
            "events": conn.execute(KIOSK_EVENTS, (kiosk_id, LIST_ROWS)).fetchall(),
            "alerts": conn.execute(KIOSK_ALERTS, (kiosk_id, LIST_ROWS)).fetchall(),
            "commands": conn.execute(KIOSK_COMMANDS, (kiosk_id, LIST_ROWS)).fetchall(),
        }
        out["open_alerts"] = conn.execute(KIOSK_OPEN_ALERTS, (kiosk_id,)).fetchone()[0]
    # its last sale is the newest listed
    out["last_sale_at"] = out["sales"][0][3] if out["sales"] else None
    return out


def sales(
    conn: sqlite3.Connection, since: datetime, until: datetime, tz_name: str = "UTC"
) -> dict[str, Any]:
    """Sales per hour (last 72) and per local day, their totals, and the top products."""
    tz = ZoneInfo(tz_name)
    span = {"since": stored(since), "until": stored(until)}
    with snapshot(conn):
        hourly = conn.execute(SALES_HOURLY, span).fetchall()
        top = conn.execute(TOP_PRODUCTS, {**span, "top": TOP}).fetchall()
        currency = conn.execute(CURRENCY, span).fetchone()
    # UTC hours to local ones in Python, as the page does (SQLite has no time zone database).
    per_hour = sorted(
        (f"{datetime.fromisoformat(h + ':00+00:00').astimezone(tz):%Y-%m-%d %H:%M}", n, r)
        for h, n, r in hourly
    )
    days: dict[str, tuple[int, int]] = {}
    for label, n, r in per_hour:
        dn, dr = days.get(label[:10], (0, 0))
        days[label[:10]] = (dn + n, dr + r)
    return {
        "sales": sum(n for n, _ in days.values()),
        "revenue": sum(r for _, r in days.values()),
        "per_hour": per_hour[-HOURS_SHOWN:],
        "per_day": [(d, n, r) for d, (n, r) in sorted(days.items())],
        "top_products": top,
        "currency": currency,
    }


# -- agreement with the console ---------------------------------------------------------------


class Disagree(AssertionError):
    """The raw baseline does not show what the page shows: its timing would mean nothing."""


def _at(value: str | None) -> datetime | None:
    """API (ISO, aware) and store (naive UTC text) datetimes, made comparable."""
    if value is None:
        return None
    when = datetime.fromisoformat(value)
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _same(page: str, what: str, console: Any, raw: Any) -> None:
    if console != raw:
        raise Disagree(f"{page}: {what} differs: console {console!r:.300}, raw SQL {raw!r:.300}")


def check_overview(api: dict[str, Any], raw: dict[str, Any]) -> None:
    """GET /api/kiosks (the overview's data) against overview()."""
    for key in ("total", "online", "open_alerts"):
        _same("overview", key, api[key], raw[key])

    def row(k: dict[str, Any]) -> tuple[Any, ...]:
        at = _at(k["last_sale_at"])
        return (k["kiosk_id"], bool(k["online"]), k["health"], k["open_alerts"], at)

    _same(
        "overview", "kiosk rows", [row(k) for k in api["kiosks"]], [row(k) for k in raw["kiosks"]]
    )


def check_kiosk(api: dict[str, Any], raw: dict[str, Any]) -> None:
    """GET /api/kiosks/{id} against kiosk_detail()."""
    k = api["kiosk"]
    _same("kiosk", "kiosk id", k["kiosk_id"], raw["kiosk"][0])
    _same("kiosk", "open alerts", k["open_alerts"], raw["open_alerts"])
    _same("kiosk", "last sale", _at(k["last_sale_at"]), _at(raw["last_sale_at"]))
    _same(
        "kiosk",
        "health points",
        [(_at(h["at"]), h["cpu_percent"]) for h in api["health"]],
        [(_at(h[0]), h[1]) for h in raw["health"]],
    )
    _same("kiosk", "sales", [s["sale_id"] for s in api["sales"]], [s[0] for s in raw["sales"]])
    _same("kiosk", "events", [e["seq"] for e in api["events"]], [e[0] for e in raw["events"]])
    _same("kiosk", "alerts", [a["id"] for a in api["alerts"]], [a[0] for a in raw["alerts"]])
    _same(
        "kiosk",
        "commands",
        [c["command_id"] for c in api["commands"]],
        [c[0] for c in raw["commands"]],
    )


def check_sales(api: dict[str, Any], raw: dict[str, Any]) -> None:
    """GET /api/sales?days=n against sales() over the same since/until the API answered for."""
    for key in ("sales", "revenue"):
        _same("sales", key, api[key], raw[key])
    for key in ("per_day", "per_hour"):
        buckets = [(b["label"], b["sales"], b["revenue"]) for b in api[key]]
        _same("sales", key, buckets, raw[key])
    _same(
        "sales",
        "top products",
        [(p["gtin"], p["name"], p["quantity"], p["revenue"]) for p in api["top_products"]],
        raw["top_products"],
    )
    _same("sales", "currency", api["currency"], raw["currency"][0] if raw["currency"] else None)
