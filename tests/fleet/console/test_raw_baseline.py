"""The console benchmark's raw-SQL baseline shows what the pages show, and its check catches a
baseline that does less (alert states, unknown health, a shorter period, a shifted time zone)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from benchmarks import console_raw
from fleet.console import fleetview, salesview
from fleet.console.accounts import User
from fleet.console.models import Role
from fleet.store.database import open_store
from fleet.store.models import (
    AlertRow,
    CommandRow,
    EventRow,
    KioskRow,
    SaleLineRow,
    SaleRow,
)
from kiosk.storage.engine import Database

from .conftest import health_row

OPERATOR = User("olga", Role.OPERATOR, None)
HEALTHS: list[dict[str, Any] | None] = [
    None,
    {},
    {"devices": {}},
    {"devices": {"camera": "ok", "scale": "ok"}},
    {"devices": {"camera": "ok", "scale": "fault"}},
    {"devices": {"camera": "offline"}},
    {"devices": {"camera": "ok", "printer": "paper low"}},  # unknown: degraded
    {"devices": {"camera": "absent"}},
]
TZ = "Asia/Kolkata"  # +05:30: local hours and days are not UTC ones


def seed(db: Database, now: datetime) -> None:
    with db.write() as s:
        for i in range(16):
            s.add(
                KioskRow(
                    kiosk_id=f"k{i:02d}",
                    store=f"s{i % 2}",
                    first_seen=now,
                    last_seen=now - timedelta(minutes=i),
                    online=i % 3 != 0,
                    locked=i == 5,
                    last_health=HEALTHS[i % len(HEALTHS)],
                    backlog=i,
                )
            )
        for n in range(40):  # k00 has more alerts than its page lists; some are unresolved
            kiosk = "k00" if n < 25 else f"k{n % 16:02d}"
            s.add(
                AlertRow(
                    rule="low_stock",
                    kiosk_id=kiosk,
                    store="s0" if kiosk == "k00" else f"s{n % 2}",
                    subject=str(n),
                    severity="warning",
                    status=("open", "acknowledged", "resolved")[n % 3],
                    detail={},
                    opened_at=now - timedelta(hours=n),
                    last_at=now - timedelta(hours=n),
                )
            )
        for seq in range(1, 26):
            at = now - timedelta(minutes=seq)
            s.add(
                EventRow(
                    event_id=str(uuid.uuid4()),
                    kiosk_id="k00",
                    seq=seq,
                    kind="alert",
                    subkind="door",
                    created_at=at,
                    received_at=at,
                    body="{}",
                )
            )
            s.add(
                CommandRow(
                    command_id=str(uuid.uuid4()),
                    kiosk_id="k00",
                    store="s0",
                    action="lock",
                    args={},
                    issued_by="olga",
                    issued_at=at,
                    expires_at=at + timedelta(minutes=5),
                )
            )
        for beat in range(1, 1500):  # a minute apart: some older than the day shown
            s.add(health_row("k00", beat, now - timedelta(seconds=60 * beat - 30), now))
        for n in range(900):  # 45 days of sales, none for k15
            sale_id = f"sale-{n}"
            total = 100 + (n * 37) % 900
            s.add(
                SaleRow(
                    sale_id=sale_id,
                    event_id=str(uuid.uuid4()),
                    kiosk_id=f"k{n % 15:02d}",
                    store=f"s{n % 15 % 2}",
                    created_at=now - timedelta(minutes=72 * n + 7),
                    currency="EUR",
                    exponent=2,
                    items=2,
                    total=total,
                    tax_total=0,
                    discount_total=0,
                    amount_due=total,
                    method="card",
                )
            )
            for line in (1, 2):
                gtin = f"{4000000000000 + (n * line) % 13:014d}"
                s.add(
                    SaleLineRow(
                        sale_id=sale_id,
                        line_no=line,
                        gtin=gtin,
                        name=f"P{gtin[-2:]}",
                        quantity=line,
                        net=total // 2 + line,
                    )
                )


@pytest.fixture
def store(tmp_path: Path) -> Database:
    db = open_store(f"sqlite:///{tmp_path / 'fleet.db'}")
    seed(db, datetime.now(UTC))
    return db


def test_overview_agrees_with_the_console_and_a_miscount_is_caught(
    store: Database, tmp_path: Path
) -> None:
    with store.read() as s:
        api = fleetview.overview(s, OPERATOR, limit=10).model_dump(mode="json")
    raw = console_raw.overview(console_raw.connect(str(tmp_path / "fleet.db")), limit=10)
    console_raw.check_overview(api, raw)
    assert {k["health"] for k in raw["kiosks"]} >= {"unknown", "fault", "degraded", "ok"}
    raw["kiosks"][3]["open_alerts"] += 1
    with pytest.raises(console_raw.Disagree, match="overview: kiosk rows"):
        console_raw.check_overview(api, raw)


def test_kiosk_detail_agrees_with_the_console(store: Database, tmp_path: Path) -> None:
    with store.read() as s:
        detail = fleetview.detail(s, OPERATOR, "k00")
    assert detail is not None
    api = detail.model_dump(mode="json")
    conn = console_raw.connect(str(tmp_path / "fleet.db"))
    raw = console_raw.kiosk_detail(conn, "k00")
    console_raw.check_kiosk(api, raw)
    assert len(raw["health"]) == 1440 // 3  # a day a minute apart, every 3rd: at most 600
    assert len(raw["commands"]) == len(raw["events"]) == console_raw.LIST_ROWS
    with pytest.raises(LookupError, match="no kiosk k99"):
        console_raw.kiosk_detail(conn, "k99")


@pytest.mark.parametrize("days", [7, 30])
def test_sales_agree_with_the_console_and_a_shorter_period_is_caught(
    store: Database, tmp_path: Path, days: int
) -> None:
    until = datetime.now(UTC)
    since = until - timedelta(days=days)
    with store.read() as s:
        api = salesview.sales_report(s, OPERATOR, since, until, TZ).model_dump(mode="json")
    conn = console_raw.connect(str(tmp_path / "fleet.db"))
    console_raw.check_sales(api, console_raw.sales(conn, since, until, TZ))
    assert api["sales"] > 100
    assert len(api["top_products"]) == console_raw.TOP
    with pytest.raises(console_raw.Disagree, match="sales: sales"):
        console_raw.check_sales(api, console_raw.sales(conn, since + timedelta(hours=2), until, TZ))
    with pytest.raises(console_raw.Disagree, match="sales: per_day"):
        console_raw.check_sales(api, console_raw.sales(conn, since, until, "UTC"))
