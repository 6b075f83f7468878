"""The projector derives sales, stock and alerts from stored events; alert rules and their
open -> acknowledged -> resolved lifecycle."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from fleet.alerts.book import AlertTransitionError, Rule, acknowledge, resolve
from fleet.config import AlertsConfig
from fleet.manager.inbound import Parser
from fleet.messages.events import event_body
from fleet.messages.telemetry import StockLevel, StockSnapshot
from fleet.sim.workload import PRODUCTS, Workload
from fleet.store.database import open_store
from fleet.store.ingest import IngestStore
from fleet.store.models import AlertRow, AlertStatus, SaleLineRow, SaleRow, StockRow
from fleet.store.projection import Projector
from fleet.topics import Topics

T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


class Fleet:
    def __init__(self, tmp_path: Any) -> None:
        self.db = open_store(f"sqlite:///{tmp_path}/f.db")
        cfg = AlertsConfig(
            weight_mismatch_count=3,
            weight_mismatch_window_s=600,
            payment_failure_count=2,
            payment_failure_window_s=300,
            low_stock_at=5,
        )
        self.ingest = IngestStore(self.db, cfg)
        self.projector = Projector(self.db, cfg)
        self.parser = Parser(Topics(), 1 << 20)
        self.seq: dict[str, int] = {}

    def send(self, kind: str, payload: dict[str, Any], at: datetime, kiosk: str = "k1") -> None:
        self.seq[kiosk] = self.seq.get(kiosk, 0) + 1
        body = event_body(
            kind=kind,
            event_id=str(uuid.uuid4()),
            seq=self.seq[kiosk],
            store="s1",
            kiosk_id=kiosk,
            created_at=at.isoformat(),
            payload=payload,
        )
        topic = Topics().kiosk("s1", kiosk).event(kind)
        self.ingest.commit([self.parser.parse(topic, json.dumps(body).encode())], at)
        self.projector.catch_up()

    def alert(self, kind: str, at: datetime, kiosk: str = "k1", **detail: Any) -> None:
        self.send(
            "alert",
            {
                "kind": kind,
                "severity": "warning",
                "detail": detail,
                "session_id": None,
                "kiosk_id": kiosk,
                "at": at.isoformat(),
            },
            at,
            kiosk,
        )

    def alerts(self) -> list[AlertRow]:
        with self.db.read() as s:
            return list(s.scalars(select(AlertRow).order_by(AlertRow.id)))


@pytest.fixture
def fleet(tmp_path: Any) -> Fleet:
    return Fleet(tmp_path)


def test_sales_are_projected_once(fleet: Fleet) -> None:
    import random

    _, sale = Workload("k1", random.Random(2), {"sale": 1.0}).next(T0)
    fleet.send("sale", sale, T0)
    assert fleet.projector.catch_up() == 0  # nothing left, nothing twice
    with fleet.db.read() as s:
        row = s.scalars(select(SaleRow)).one()
        assert (row.sale_id, row.total, row.kiosk_id) == (sale["sale_id"], sale["total"], "k1")
        lines = s.scalar(select(func.count()).select_from(SaleLineRow))
        assert lines == len(sale["lines"])


def test_repeated_weight_mismatches_raise_one_alert(fleet: Fleet) -> None:
    fleet.alert("weight_mismatch", T0)
    fleet.alert("weight_mismatch", T0 + timedelta(minutes=20))  # outside the 10-min window
    fleet.alert("weight_mismatch", T0 + timedelta(minutes=21))
    assert fleet.alerts() == []
    fleet.alert("weight_mismatch", T0 + timedelta(minutes=22))
    fleet.alert("weight_mismatch", T0 + timedelta(minutes=23))
    fleet.alert("weight_mismatch", T0 + timedelta(minutes=23), kiosk="k2")  # another kiosk
    [alert] = fleet.alerts()
    assert (alert.rule, alert.kiosk_id, alert.status) == (Rule.WEIGHT_MISMATCHES, "k1", "open")
    assert alert.detail["in_window"] == 4
    assert alert.count == 2


def test_payment_failure_spike_and_device_fault(fleet: Fleet) -> None:
    fleet.alert("payment_failure", T0)
    fleet.alert("payment_failure", T0 + timedelta(seconds=30))
    fleet.alert("device_fault", T0, device="printer")
    rules = {(a.rule, a.subject) for a in fleet.alerts()}
    assert rules == {(Rule.PAYMENT_FAILURES, ""), (Rule.DEVICE_FAULT, "printer")}


def test_low_stock_raises_and_a_restock_resolves(fleet: Fleet) -> None:
    import random

    product = PRODUCTS[0]
    snapshot = StockSnapshot(
        store="s1",
        kiosk_id="k1",
        at=T0,
        last_seq=0,
        items=(StockLevel(gtin=product.gtin, name=product.name, stock=7),),
    )
    from fleet.manager.inbound import SnapshotIn
    from fleet.store.stock import store_snapshot
    from fleet.topics import Address, TopicKind

    with fleet.db.write() as s:
        store_snapshot(
            s,
            AlertsConfig(),
            SnapshotIn(Address("s1", "k1", TopicKind.STOCK_SNAPSHOT), snapshot),
            T0,
        )
    _, sale = Workload("k1", random.Random(1), {"sale": 1.0}).next(T0)
    sale["lines"] = [dict(sale["lines"][0], gtin=product.gtin, quantity=3, line_no=1)]
    fleet.send("sale", sale, T0)
    with fleet.db.read() as s:
        assert s.get(StockRow, ("k1", product.gtin)).stock == 4
    [low] = fleet.alerts()
    assert (low.rule, low.subject, low.status) == (Rule.LOW_STOCK, product.gtin, "open")
    fleet.send(
        "stock",
        {"gtin": product.gtin, "stock": 40, "delta": 36, "reason": "restock", "staff_id": "s1"},
        T0 + timedelta(minutes=1),
    )
    [done] = fleet.alerts()
    assert done.status == AlertStatus.RESOLVED.value
    assert done.resolved_by == "rule"


def test_alert_lifecycle(fleet: Fleet) -> None:
    fleet.alert("device_fault", T0, device="scale")
    [alert] = fleet.alerts()
    with fleet.db.write() as s:
        acknowledge(s, alert.id, "ana", T0)
    with fleet.db.write() as s, pytest.raises(AlertTransitionError, match="not open"):
        acknowledge(s, alert.id, "bo", T0)
    fleet.alert("device_fault", T0 + timedelta(minutes=1), device="scale")  # still the same one
    [again] = fleet.alerts()
    assert (again.status, again.count, again.acknowledged_by) == ("acknowledged", 2, "ana")
    with fleet.db.write() as s:
        resolve(s, alert.id, "ana", T0)
    fleet.alert("device_fault", T0 + timedelta(minutes=2), device="scale")  # a new incident
    assert [a.status for a in fleet.alerts()] == ["resolved", "open"]
