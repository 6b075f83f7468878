"""The fleet store on PostgreSQL: migrations, each event once under concurrent workers,
concurrent projectors (FOR UPDATE SKIP LOCKED), and a kiosk through MQTT into PostgreSQL.

A throwaway server is started when the PostgreSQL binaries are installed (run as the
`postgres` user when the tests run as root); otherwise these tests skip, saying why.
"""

from __future__ import annotations

import glob
import json
import os
import random
import shutil
import subprocess
import tempfile
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from fleet.agent.outbox import MemoryOutbox
from fleet.broker.local import free_port
from fleet.config import AlertsConfig
from fleet.manager.inbound import Parser
from fleet.messages.events import event_body
from fleet.sim.workload import Workload
from fleet.store.database import open_store
from fleet.store.ingest import IngestStore
from fleet.store.migrate import current_revision, head_revision
from fleet.store.models import EventRow, SaleRow
from fleet.store.projection import Projector
from fleet.topics import Topics

NOW = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    bindir = _binaries()
    if bindir is None:
        pytest.skip(
            "PostgreSQL binaries not found (/usr/lib/postgresql/*/bin/initdb); "
            "apt install postgresql to run these tests"
        )
    root = Path(tempfile.mkdtemp(prefix="fleet-pg-", dir="/tmp"))
    prefix: list[str] = []
    if os.geteuid() == 0:  # postgres refuses to run as root
        if shutil.which("runuser") is None:
            pytest.skip("running as root without runuser: cannot start PostgreSQL")
        shutil.chown(root, "postgres", "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    data = root / "data"

    def run(*args: str) -> None:
        done = subprocess.run([*prefix, *args], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {done.stderr or done.stdout}")

    run(
        str(bindir / "initdb"),
        "-D",
        str(data),
        "-A",
        "trust",
        "-U",
        "postgres",
        "--no-sync",
        "-E",
        "UTF8",
    )
    run(
        str(bindir / "pg_ctl"),
        "-D",
        str(data),
        "-w",
        "-l",
        str(root / "log"),
        "-o",
        f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off",
        "start",
    )
    try:
        run(str(bindir / "createdb"), "-h", str(root), "-p", str(port), "-U", "postgres", "fleet")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/fleet"
    finally:
        run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg_url(postgres: str) -> str:
    db = open_store(postgres, migrate=False)
    with db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    db.close()
    return postgres


def messages(kiosk: str, n: int, kinds: dict[str, float]) -> list[tuple[str, bytes]]:
    work = Workload(kiosk, random.Random(kiosk), kinds)
    out = []
    for seq in range(1, n + 1):
        kind, payload = work.next(NOW)
        body = event_body(
            kind=kind,
            event_id=str(uuid.uuid4()),
            seq=seq,
            store="s1",
            kiosk_id=kiosk,
            created_at=NOW.isoformat(),
            payload=payload,
        )
        out.append((Topics().kiosk("s1", kiosk).event(kind), json.dumps(body).encode()))
    return out


def test_migrations_and_each_event_once_under_concurrent_workers(pg_url: str) -> None:
    db = open_store(pg_url)
    assert current_revision(db.engine) == head_revision()
    msgs = messages("k1", 400, {"sale": 0.5, "alert": 0.3, "session": 0.2})
    parser = Parser(Topics(), 1 << 20)
    items = [parser.parse(*m) for m in msgs]
    errors: list[BaseException] = []

    def worker(order: int) -> None:
        ingest = IngestStore(open_store(pg_url, migrate=False), AlertsConfig())
        mine = items if order == 0 else list(reversed(items))  # overlapping, racing batches
        try:
            for i in range(0, len(mine), 50):
                ingest.commit(mine[i : i + 50], NOW)
        except BaseException as e:  # surfaced below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with db.read() as s:
        rows, distinct = s.execute(
            select(func.count(), func.count(func.distinct(EventRow.seq)))
        ).one()
    assert rows == distinct == 400

    done: list[int] = []
    projectors = [
        Projector(open_store(pg_url, migrate=False), AlertsConfig(), batch=40) for _ in range(2)
    ]
    threads = [threading.Thread(target=lambda p=p: done.append(p.catch_up())) for p in projectors]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sales = sum(1 for m in msgs if m[0].endswith("/sales"))
    assert sum(done) == 400, "every event projected by exactly one projector"
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(SaleRow)) == sales
    db.close()


def test_a_kiosk_through_mqtt_into_postgres(pg_url: str, harness, wait) -> None:
    h = harness(kiosks=("k1",), store={"url": pg_url})
    h.start_worker()
    outbox = MemoryOutbox()
    work = Workload("k1", random.Random(9), {"session": 0.5, "alert": 0.5})
    for _ in range(300):
        outbox.enqueue(*work.next(NOW))
    h.agent("k1", outbox=outbox)
    wait(lambda: outbox.backlog() == 0, timeout_s=30, what="all acknowledged")
    with h.db.read() as s:
        seqs = list(s.scalars(select(EventRow.seq).order_by(EventRow.seq)))
    assert seqs == list(range(1, 301))
