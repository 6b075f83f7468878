"""Faults: the broker killed mid-burst, a kiosk agent killed with unacknowledged events.
Afterwards the manager holds every event exactly once and the kiosks' outboxes are empty."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from fleet.agent.outbox import MemoryOutbox
from fleet.messages.base import utcnow
from fleet.sim.workload import Workload
from fleet.store.models import EventRow
from kiosk.storage.engine import Database
from kiosk.storage.outbox import OutboxStore, enqueue


def stored(h: Any) -> dict[str, list[int]]:
    with h.db.read() as s:
        rows = s.execute(select(EventRow.kiosk_id, EventRow.seq).order_by(EventRow.seq))
        out: dict[str, list[int]] = {}
        for kiosk, seq in rows:
            out.setdefault(kiosk, []).append(int(seq))
        return out


def test_broker_killed_during_a_10000_event_burst(harness, wait) -> None:
    kiosks = tuple(f"k{i}" for i in range(5))
    h = harness(kiosks=kiosks, agent={"window": 500, "ack_timeout_s": 2.0})
    h.start_worker()
    outboxes = {}
    rng = random.Random(11)
    for k in kiosks:
        outbox = MemoryOutbox()
        work = Workload(k, rng, {"session": 0.5, "alert": 0.5})
        for _ in range(2000):
            outbox.enqueue(*work.next(utcnow()))
        outboxes[k] = outbox
        h.agent(k, outbox=outbox, commands=False)
    wait(lambda: sum(len(v) for v in stored(h).values()) >= 1500, what="burst under way")
    h.broker.kill()  # SIGKILL: whatever it had not saved is gone
    killed_at = sum(len(v) for v in stored(h).values())
    time.sleep(1.0)
    h.broker.start()
    wait(
        lambda: all(o.backlog() == 0 for o in outboxes.values()),
        timeout_s=90,
        what="every outbox drained",
    )
    held = stored(h)
    assert killed_at < 10_000, "the kill happened mid-burst"
    for k in kiosks:
        assert held[k] == list(range(1, 2001)), f"{k}: each event exactly once"
    with h.db.read() as s:
        rows, distinct = s.execute(
            select(func.count(), func.count(func.distinct(EventRow.event_id)))
        ).one()
    assert rows == distinct == 10_000


AGENT = textwrap.dedent(
    """
    import json, sys, threading
    from pathlib import Path
    from fleet.agent.core import AgentCore, Identity
    from fleet.agent.health import FixedHealth
    from fleet.agent.hooks import AppHooks
    from fleet.agent.runner import KioskAgent
    from fleet.config import FleetConfig, LoadedFleetConfig
    from fleet.topics import Topics
    from kiosk.storage.engine import Database
    from kiosk.storage.outbox import OutboxStore

    cfg = FleetConfig.model_validate(json.loads(sys.argv[1]))
    db = Database.open(sys.argv[2])
    core = AgentCore(identity=Identity("s1", "k1"), topics=Topics(cfg.topics), config=cfg.agent,
                     broker=cfg.broker, outbox=OutboxStore(db), machine=FixedHealth(),
                     hooks=AppHooks(), password=sys.argv[3])
    KioskAgent(core).start()
    print("running", flush=True)
    threading.Event().wait()
    """
)


def _agent_process(h: Any, db_url: str) -> subprocess.Popen[str]:
    config = h.loaded.config.model_dump_json()
    proc = subprocess.Popen(
        [sys.executable, "-c", AGENT, config, db_url, h.users["k1"]],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "running"
    return proc


def test_agent_killed_with_unacknowledged_events_resends_them(
    harness, wait, tmp_path: Path
) -> None:
    h = harness(kiosks=("k1",))
    db_url = f"sqlite:///{tmp_path / 'kiosk.db'}"
    db = Database.open(db_url)
    outbox = OutboxStore(db)
    work = Workload("k1", random.Random(3), {"session": 1.0})
    with db.write() as s:
        for _ in range(50):
            kind, payload = work.next(utcnow())
            enqueue(s, kind, payload)
    first = _agent_process(h, db_url)  # no manager yet: nothing is acknowledged
    wait(lambda: len(outbox.pending(100, unsent_only=True)) == 0, what="all 50 sent")
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    assert outbox.backlog() == 50, "sent but unacknowledged: still in the outbox"
    with db.write() as s:  # the kiosk sold more while its agent was dead
        for _ in range(10):
            kind, payload = work.next(utcnow())
            enqueue(s, kind, payload)
    h.start_worker()
    second = _agent_process(h, db_url)
    try:
        wait(lambda: outbox.backlog() == 0, timeout_s=30, what="outbox drained after restart")
    finally:
        second.send_signal(signal.SIGKILL)
        second.wait(10)
    assert stored(h)["k1"] == list(range(1, 61))
    assert os.path.exists(tmp_path / "kiosk.db")
