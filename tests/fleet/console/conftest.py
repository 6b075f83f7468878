"""Console test harness: a real uvicorn console on a free loopback port over a real fleet store
(and, for the end-to-end tests, real Mosquitto, a real ingest worker, monitor and agents)."""

from __future__ import annotations

import random
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from fleet.config import FleetConfig, LoadedFleetConfig
from fleet.console.accounts import add_user
from fleet.console.component import ConsoleServer
from fleet.console.config import ConsoleConfig
from fleet.console.models import Role
from fleet.manager.service import ManagerContext
from fleet.messages.base import utcnow
from fleet.store.database import open_store
from fleet.store.models import AlertRow, HealthRow, KioskRow, SaleLineRow, SaleRow, StockRow
from fleet.topics import Topics
from kiosk.storage.engine import Database

PASSWORD = "correct horse battery"
USERS = {"olga": (Role.OPERATOR, None), "ann": (Role.STAFF, "s1"), "bob": (Role.STAFF, "s2")}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Console:
    url: str
    db: Database
    server: ConsoleServer

    def session(self, user: str | None = None, password: str = PASSWORD) -> requests.Session:
        """A requests session, logged in as `user` (with its CSRF header set) when given."""
        s = requests.Session()
        if user is not None:
            r = s.post(f"{self.url}/api/session", json={"username": user, "password": password})
            assert r.status_code == 200, r.text
            s.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        return s


def seed_users(db: Database) -> None:
    with db.write() as s:
        for name, (role, store) in USERS.items():
            add_user(s, name, role, store, PASSWORD)


def seed_fleet(db: Database, rng: random.Random, kiosks: dict[str, str]) -> None:
    """Kiosks (id -> store), a day of sales with lines, stock, and one alert per store."""
    now = utcnow()
    with db.write() as s:
        for kiosk_id, store in kiosks.items():
            s.add(
                KioskRow(
                    kiosk_id=kiosk_id,
                    store=store,
                    first_seen=now,
                    last_seen=now,
                    online=True,
                    last_health={"devices": {"camera": "ok", "scale": "ok"}},
                )
            )
            for gtin, name, level in (
                ("04006381333931", "Pencils", 3),
                ("06901234567892", "Tea", 40),
            ):
                s.add(
                    StockRow(kiosk_id=kiosk_id, gtin=gtin, name=name, stock=level, updated_at=now)
                )
            for i in range(20):
                sale_id = f"{kiosk_id}-{i}"
                s.add(
                    SaleRow(
                        sale_id=sale_id,
                        event_id=str(uuid.UUID(int=rng.getrandbits(128))),
                        kiosk_id=kiosk_id,
                        store=store,
                        created_at=now - timedelta(minutes=rng.randrange(1, 60 * 24)),
                        currency="EUR",
                        exponent=2,
                        items=1,
                        total=250 + i,
                        tax_total=0,
                        discount_total=0,
                        amount_due=250 + i,
                        method="card",
                    )
                )
                s.add(
                    SaleLineRow(
                        sale_id=sale_id,
                        line_no=1,
                        gtin="06901234567892",
                        name="Tea",
                        quantity=1,
                        net=250 + i,
                    )
                )
        for store in sorted(set(kiosks.values())):
            kiosk_id = min(k for k, st in kiosks.items() if st == store)
            s.add(
                AlertRow(
                    rule="low_stock",
                    kiosk_id=kiosk_id,
                    store=store,
                    subject="04006381333931",
                    severity="warning",
                    status="open",
                    count=1,
                    detail={"stock": 3},
                    opened_at=now,
                    last_at=now,
                )
            )


def start_console(context: ManagerContext, stop: threading.Event, **config: Any) -> Console:
    cfg = ConsoleConfig(host="127.0.0.1", port=free_port(), live_poll_s=0.1, **config)
    server = ConsoleServer(context, cfg)
    threading.Thread(target=server.run, args=(stop,), daemon=True, name="console").start()
    assert server.wait_started(15), "the console did not start"
    return Console(server.url, context.db, server)


@pytest.fixture
def console(tmp_path: Path) -> Iterator[Callable[..., Console]]:
    """A console over a seeded store with no broker (commands unavailable)."""
    stop = threading.Event()
    made: list[Database] = []

    def make(**config: Any) -> Console:
        loaded = LoadedFleetConfig(FleetConfig(), tmp_path / "fleet.toml")
        db = open_store(f"sqlite:///{tmp_path / f'fleet{len(made)}.db'}")
        made.append(db)
        seed_users(db)
        seed_fleet(db, random.Random(8), {"k1": "s1", "k2": "s1", "k3": "s2"})
        return start_console(
            ManagerContext(loaded, db, Topics(loaded.config.topics), None), stop, **config
        )

    yield make
    stop.set()
    for db in made:
        db.close()


def health_row(kiosk_id: str, beat: int, at: Any, received_at: Any) -> HealthRow:
    """One health report of a quiet kiosk; `beat % 100` as its CPU, for charts to show."""
    return HealthRow(
        kiosk_id=kiosk_id,
        boot_id="b",
        beat=beat,
        at=at,
        received_at=received_at,
        cpu_percent=beat % 100,
        memory_percent=1.0,
        disk_percent=1.0,
        temperature_c=40.0,
        devices={},
        backlog=0,
        last_seq=beat,
    )
