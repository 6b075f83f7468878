"""The agent inside a real kiosk: real sales from the checkout runtime reach the fleet store
once, even across a broker outage; price, catalog and config commands change the kiosk."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from fleet.agent.hooks import AppHooks
from fleet.agent.kiosk_bridge import build_kiosk_agent
from fleet.manager.commands import CommandSender
from fleet.messages.commands import (
    CatalogUpdateAction,
    ConfigUpdateAction,
    PriceChange,
    PriceChangeAction,
)
from fleet.store.models import CommandRow, CommandStatus, EventRow, QuarantineRow, SaleRow
from fleet.store.projection import Projector
from kiosk.assembly import build_kiosk
from kiosk.config import load_config
from kiosk.simulator.runner import ScenarioRunner, VirtualClock
from kiosk.simulator.scenario import load_scenario
from kiosk.storage.models import ProductRow
from kiosk.storage.models import SaleRow as KioskSaleRow
from kiosk.storage.outbox import OutboxStore


@pytest.fixture
def kiosk_dir(tmp_path: Path, repo_root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "kiosk-config"
    d.mkdir()
    for name in ("kiosk.toml", "promotions.toml", "catalog.csv"):
        shutil.copy(repo_root / "config" / name, d / name)
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path / "kiosk-data"))
    return d


class RealKiosk:
    def __init__(self, kiosk_dir: Path, repo_root: Path, harness: Any) -> None:
        self.loaded = load_config(kiosk_dir / "kiosk.toml")
        self.clock = VirtualClock()
        self.kiosk = build_kiosk(
            self.loaded, clock=self.clock.monotonic, wall=self.clock.wall, instant_payments=True
        )
        self.scenario = load_scenario(repo_root / "config" / "scenarios" / "normal.toml")
        self.runner = ScenarioRunner(self.kiosk, self.scenario, self.clock)
        self.runs = 0
        self.catalog_reloads = 0
        hooks = AppHooks(catalog_changed=self._reload)
        self.agent = build_kiosk_agent(
            self.loaded,
            self.kiosk.db,
            harness.loaded,
            hooks,
            password=harness.users[self.loaded.config.kiosk.id],
        )
        self.outbox = OutboxStore(self.kiosk.db)

    def _reload(self) -> None:
        self.catalog_reloads += 1

    def sell(self, n: int) -> None:
        for _ in range(n):
            result = self.runner.run(self.runs)
            self.runs += 1
            assert result.sale_id is not None, result.failures

    def close(self) -> None:
        self.agent.stop(3)
        self.kiosk.close()


@pytest.fixture
def real_kiosk(kiosk_dir: Path, repo_root: Path, harness: Any) -> Any:
    made: list[RealKiosk] = []

    def make(h: Any) -> RealKiosk:
        k = RealKiosk(kiosk_dir, repo_root, h)
        made.append(k)
        return k

    yield make
    for k in made:
        k.close()


def _events(h: Any, kiosk: str) -> list[int]:
    with h.db.read() as s:
        return list(
            s.scalars(select(EventRow.seq).where(EventRow.kiosk_id == kiosk).order_by(EventRow.id))
        )


def test_sales_survive_a_broker_outage_and_drain_in_order(harness, real_kiosk, wait) -> None:
    h = harness(kiosks=("demo-01",))
    h.start_worker()
    k = real_kiosk(h)
    k.agent.start()
    wait(lambda: k.agent.connected, what="agent connected")
    k.sell(2)
    wait(lambda: k.outbox.backlog() == 0, what="first sales acknowledged")

    h.broker.stop()
    down_at = time.monotonic()
    k.sell(4)  # the kiosk keeps selling: sales commit locally, events wait in the outbox
    assert k.outbox.backlog() >= 4
    while time.monotonic() - down_at < 12:
        time.sleep(0.5)
        assert not k.agent.connected
    h.broker.start()

    wait(lambda: k.outbox.backlog() == 0, timeout_s=40, what="outbox drained")
    seqs = _events(h, "demo-01")
    assert seqs == list(range(1, k.outbox.last_seq() + 1)), "stored once each, in order"
    with k.kiosk.db.read() as s:
        assert (
            s.scalar(
                select(func.count())
                .select_from(KioskSaleRow)
                .where(KioskSaleRow.synced_at.is_(None))
            )
            == 0
        )
        kiosk_total = s.scalar(select(func.sum(KioskSaleRow.total)))
    with h.db.read() as s:
        assert s.scalar(select(func.count()).select_from(QuarantineRow)) == 0
    Projector(h.db, h.loaded.config.alerts).catch_up()
    with h.db.read() as s:
        assert s.scalar(select(func.count()).select_from(SaleRow)) == 6
        assert s.scalar(select(func.sum(SaleRow.total))) == kiosk_total


def test_price_catalog_and_config_commands(harness, real_kiosk, wait, kiosk_dir) -> None:
    h = harness(kiosks=("demo-01",))
    worker = h.start_worker()
    k = real_kiosk(h)
    k.agent.start()
    wait(lambda: k.agent.connected, what="agent connected")
    wait(lambda: _has_status(h), what="kiosk known to the fleet")
    sender = CommandSender(
        h.db, h.signer, h.topics, lambda t, p: worker.client.publish(t, p, qos=1), ttl_s=60
    )

    def run(action: Any) -> CommandRow:
        sent = sender.send("demo-01", action, issued_by="op")
        return wait(lambda: _result(h, str(sent.command_id)), what=f"{action.name} result")

    row = run(PriceChangeAction(changes=(PriceChange(gtin="5449000039231", price=399),)))
    assert row.status == "ok"
    assert row.result_data == {"changed": 1}
    with k.kiosk.db.read() as s:
        assert s.get(ProductRow, "05449000039231").price == 399
    assert k.catalog_reloads == 1

    row = run(
        PriceChangeAction(
            changes=(
                PriceChange(gtin="5449000039231", price=1),
                PriceChange(gtin="4006381333931", price=2),
            )
        )
    )
    assert row.status == "refused"
    assert "unknown products" in (row.result_detail or "")
    with k.kiosk.db.read() as s:
        assert s.get(ProductRow, "05449000039231").price == 399, "all or nothing"

    csv = (
        "gtin,name_en,name_zh,price,tax_category,stock\n4006381333931,Pencil,铅笔,2.50,standard,9\n"
    )
    row = run(CatalogUpdateAction(csv=csv))
    assert row.status == "ok"
    assert row.result_data["added"] == 1
    row = run(CatalogUpdateAction(csv="gtin,name_en\n123,x\n"))
    assert row.status == "refused"
    assert "catalog refused" in (row.result_detail or "")

    original = (kiosk_dir / "kiosk.toml").read_text()
    row = run(ConfigUpdateAction(toml=original.replace("session]", "session]\nbogus = 1", 1)))
    assert row.status == "refused"
    assert "kiosk.toml: checkout.session.bogus: unknown key" in (row.result_detail or "")
    assert (kiosk_dir / "kiosk.toml").read_text() == original
    changed = original.replace('name = "Open Market"', 'name = "Open Market North"')
    row = run(ConfigUpdateAction(toml=changed))
    assert row.status == "ok", row.result_detail
    assert (kiosk_dir / "kiosk.toml").read_text() == changed
    assert (kiosk_dir / "kiosk.toml.bak").read_text() == original
    moved = original.replace('id = "demo-01"', 'id = "demo-02"')
    assert run(ConfigUpdateAction(toml=moved)).status == "refused"


def _has_status(h: Any) -> bool:
    from fleet.store.models import KioskRow

    with h.db.read() as s:
        return s.get(KioskRow, "demo-01") is not None


def _result(h: Any, command_id: str) -> CommandRow | None:
    with h.db.read() as s:
        row = s.get(CommandRow, command_id)
        return row if row and row.status != CommandStatus.SENT.value else None
