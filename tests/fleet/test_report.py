"""`fleet report daily`: per-kiosk and per-product CSV and a chart, for one store's day."""

from __future__ import annotations

import csv
import json
import random
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image

from fleet.config import AlertsConfig
from fleet.manager.inbound import Parser
from fleet.messages.events import event_body
from fleet.reports.daily import daily_report
from fleet.sim.workload import Workload
from fleet.store.database import open_store
from fleet.store.ingest import IngestStore
from fleet.store.projection import Projector
from fleet.topics import Topics


def test_daily_report(tmp_path: Path) -> None:
    db = open_store(f"sqlite:///{tmp_path}/f.db")
    ingest, parser = IngestStore(db, AlertsConfig()), Parser(Topics(), 1 << 20)
    tz = ZoneInfo("Asia/Shanghai")
    expected: dict[str, int] = {}
    times = {  # local day 2026-05-02 runs 2026-05-01 16:00 UTC to 2026-05-02 16:00 UTC
        "in-early": datetime(2026, 5, 1, 16, 30, tzinfo=UTC),
        "in-late": datetime(2026, 5, 2, 15, 59, tzinfo=UTC),
        "out": datetime(2026, 5, 2, 16, 1, tzinfo=UTC),
    }
    seq = 0
    for kiosk in ("k1", "k2"):
        work = Workload(kiosk, random.Random(kiosk == "k1"), {"sale": 1.0})
        for label, at in times.items():
            seq += 1
            _, sale = work.next(at)
            if label != "out":
                expected[kiosk] = expected.get(kiosk, 0) + sale["total"]
            body = event_body(
                kind="sale",
                event_id=str(uuid.uuid4()),
                seq=seq,
                store="s1",
                kiosk_id=kiosk,
                created_at=at.isoformat(),
                payload=sale,
            )
            topic = Topics().kiosk("s1", kiosk).event("sale")
            ingest.commit([parser.parse(topic, json.dumps(body).encode())], at)
    Projector(db, AlertsConfig()).catch_up()
    report = daily_report(db, "s1", date(2026, 5, 2), tz, tmp_path / "out")
    kiosk_csv, product_csv, chart = report.files
    rows = list(csv.DictReader(kiosk_csv.open()))
    assert [r["kiosk_id"] for r in rows] == ["k1", "k2"]
    assert [r["sales"] for r in rows] == ["2", "2"]
    for r in rows:
        assert r["revenue"] == f"{expected[r['kiosk_id']] / 100:.2f}"
        assert r["currency"] == "CNY"
    products = list(csv.DictReader(product_csv.open()))
    total = sum(round(float(p["revenue"]) * 100) for p in products)
    assert total == sum(expected.values())
    assert [float(p["revenue"]) for p in products] == sorted(
        (float(p["revenue"]) for p in products), reverse=True
    )
    with Image.open(chart) as img:
        assert img.size[0] > 800
    empty = daily_report(db, "nowhere", date(2026, 5, 2), tz, tmp_path / "out")
    assert empty.kiosks == []
    assert empty.files[2].exists()
