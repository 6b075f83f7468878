"""What the console's pages compute: sales per local hour and day, top products, thinned health
history, the incrementally kept last sale, and the live feed noticing changes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fleet.console import fleetview, salesview
from fleet.console.accounts import User
from fleet.console.lastsale import LastSales
from fleet.console.live import ChangeFeed
from fleet.console.models import Role
from fleet.console.topproducts import TopProducts
from fleet.store.database import open_store
from fleet.store.models import AlertRow, KioskRow, SaleLineRow, SaleRow
from kiosk.storage.engine import Database

from .conftest import health_row

OPERATOR = User("olga", Role.OPERATOR, None)
T0 = datetime(2026, 11, 21, 15, 30, tzinfo=UTC)


def sale(
    db: Database, kiosk: str, store: str, at: datetime, total: int, gtin: str = "06901234567892"
) -> None:
    sale_id = str(uuid.uuid4())
    with db.write() as s:
        s.add(
            SaleRow(
                sale_id=sale_id,
                event_id=str(uuid.uuid4()),
                kiosk_id=kiosk,
                store=store,
                created_at=at,
                currency="CNY",
                exponent=2,
                items=1,
                total=total,
                tax_total=0,
                discount_total=0,
                amount_due=total,
                method="qr",
            )
        )
        s.add(
            SaleLineRow(
                sale_id=sale_id, line_no=1, gtin=gtin, name=f"P{gtin[-3:]}", quantity=2, net=total
            )
        )


def store(tmp_path: Path) -> Database:
    return open_store(f"sqlite:///{tmp_path / 'fleet.db'}")


def test_sales_per_local_hour_and_day_and_top_products(tmp_path: Path) -> None:
    db = store(tmp_path)
    sale(db, "k1", "s1", T0, 100)  # 23:30 in Shanghai, 21 November
    sale(db, "k1", "s1", T0 + timedelta(hours=1), 250, "04006381333931")  # 00:30, 22 November
    sale(db, "k2", "s1", T0 + timedelta(hours=1, minutes=10), 300)
    sale(db, "k3", "s2", T0 + timedelta(hours=1), 999)  # another store
    with db.read() as s:
        r = salesview.sales_report(
            s, OPERATOR, T0 - timedelta(days=1), T0 + timedelta(days=1), "Asia/Shanghai", store="s1"
        )
        staff = salesview.sales_report(
            s, User("bob", Role.STAFF, "s2"), T0 - timedelta(days=1), T0 + timedelta(days=1), "UTC"
        )
    assert [(b.label, b.sales, b.revenue) for b in r.per_hour] == [
        ("2026-11-21 23:00", 1, 100),
        ("2026-11-22 00:00", 2, 550),
    ]
    assert [(b.label, b.sales, b.revenue) for b in r.per_day] == [
        ("2026-11-21", 1, 100),
        ("2026-11-22", 2, 550),
    ]
    assert (r.sales, r.revenue, r.currency) == (3, 650, "CNY")
    assert [(p.gtin, p.quantity, p.revenue) for p in r.top_products] == [
        ("06901234567892", 4, 400),
        ("04006381333931", 2, 250),
    ]
    assert (staff.sales, staff.revenue) == (1, 999)


def test_kiosk_detail_thins_a_day_of_health(tmp_path: Path) -> None:
    db = store(tmp_path)
    now = datetime.now(UTC)
    with db.write() as s:
        s.add(KioskRow(kiosk_id="k1", store="s1", first_seen=now, last_seen=now, online=True))
        for beat in range(1, 3001):
            s.add(health_row("k1", beat, now - timedelta(seconds=20 * beat), now))
    with db.read() as s:
        d = fleetview.detail(s, OPERATOR, "k1", hours=24)
        assert fleetview.detail(s, User("bob", Role.STAFF, "s2"), "k1") is None
    assert d is not None
    assert 500 <= len(d.health) <= fleetview.MAX_POINTS
    times = [h.at for h in d.health]
    assert times == sorted(times)
    assert times[-1] - times[0] > timedelta(hours=16)  # the whole day, not the last stretch


def test_last_sale_follows_new_sales_and_catches_late_ones(tmp_path: Path) -> None:
    db = store(tmp_path)
    sale(db, "k1", "s1", T0, 100)
    last = LastSales()
    with db.read() as s:
        assert last.get(s) == {"k1": T0}
    sale(db, "k1", "s1", T0 + timedelta(minutes=5), 100)
    sale(db, "k2", "s1", T0 - timedelta(days=2), 100)  # a backlog delivered late
    with db.read() as s:
        seen = last.get(s)
    assert seen == {"k1": T0 + timedelta(minutes=5)}  # the late one waits for the full pass
    with db.read() as s:
        last.refresh(s)
        assert last.get(s) == {"k1": T0 + timedelta(minutes=5), "k2": T0 - timedelta(days=2)}


def test_change_feed_names_what_changed(tmp_path: Path) -> None:
    db = store(tmp_path)
    feed = ChangeFeed(db, 0.1)
    assert feed.poll() == []  # the first look only remembers
    assert feed.poll() == []
    with db.write() as s:
        s.add(
            AlertRow(
                rule="kiosk_offline",
                kiosk_id="k1",
                store="s1",
                subject="",
                severity="critical",
                status="open",
                count=1,
                detail={},
                opened_at=T0,
                last_at=T0,
            )
        )
    assert feed.poll() == ["alerts"]
    with db.write() as s:
        s.add(KioskRow(kiosk_id="k1", store="s1", first_seen=T0, last_seen=T0, online=True))
    assert feed.poll() == ["kiosks"]
    assert feed.poll() == []


def test_top_products_kept_per_day_match_a_fresh_sum_and_see_late_sales(tmp_path: Path) -> None:
    db = store(tmp_path)
    gtins = ["06901234567892", "04006381333931", "05000112637922"]
    for i in range(60):  # five days, three products, two stores
        at = T0 - timedelta(hours=2 * i, minutes=7)
        sale(db, f"k{i % 3}", "s1" if i % 4 else "s2", at, 100 + i, gtins[i % 3])
    cache = TopProducts()
    since, until = T0 - timedelta(days=6), T0 + timedelta(hours=1)

    def report(user: User, kept: TopProducts | None) -> list[tuple[str, int, int]]:
        with db.read() as s:
            r = salesview.sales_report(s, user, since, until, "UTC", cache=kept)
        return [(p.gtin, p.quantity, p.revenue) for p in r.top_products]

    staff = User("ann", Role.STAFF, "s1")
    assert report(OPERATOR, cache) == report(OPERATOR, None)
    assert report(staff, cache) == report(staff, None)  # kept apart from the operator's days
    assert report(staff, cache) != report(OPERATOR, cache)
    assert len(cache._days) >= 8  # whole days were kept for both scopes
    sale(db, "k1", "s1", T0 - timedelta(days=3), 5000, gtins[2])  # delivered late
    assert report(OPERATOR, cache) == report(OPERATOR, None)
    assert report(OPERATOR, cache)[0] == (gtins[2], 42, report(OPERATOR, None)[0][2])


def test_kiosk_detail_counts_every_open_alert_as_the_overview_does(tmp_path: Path) -> None:
    db = store(tmp_path)
    with db.write() as s:
        s.add(KioskRow(kiosk_id="k1", store="s1", first_seen=T0, last_seen=T0, online=True))
        for i in range(30):  # more than the page lists (20); the newest five are resolved
            s.add(
                AlertRow(
                    rule="device_fault",
                    kiosk_id="k1",
                    store="s1",
                    subject=f"plate-{i}",
                    severity="warning",
                    status="resolved" if i >= 25 else ("acknowledged" if i % 2 else "open"),
                    count=1,
                    detail={},
                    opened_at=T0 + timedelta(minutes=i),
                    last_at=T0 + timedelta(minutes=i),
                )
            )
    with db.read() as s:
        d = fleetview.detail(s, OPERATOR, "k1")
        o = fleetview.overview(s, OPERATOR)
    assert d is not None
    assert len(d.alerts) == 20
    assert d.kiosk.open_alerts == 25
    assert [k.open_alerts for k in o.kiosks] == [25]
