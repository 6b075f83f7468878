"""`fleet simulate`: N simulated kiosks over real MQTT, then an account of every event.

Each kiosk is a real AgentCore with an in-memory outbox, selling at a shared rate and
sending health every `heartbeat_s`. At the end: events sent, acknowledged (deleted from the
outbox by the manager's ack), lost (neither stored by the manager nor still held by the
kiosk), duplicated (stored more than once), and the same for health messages.
"""

from __future__ import annotations

import logging
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func, select

from fleet.agent.config import AgentConfig
from fleet.agent.core import AgentCore, Identity
from fleet.agent.health import FixedHealth
from fleet.agent.hooks import AppHooks
from fleet.agent.outbox import MemoryOutbox
from fleet.config import LoadedFleetConfig
from fleet.messages.base import utcnow
from fleet.sim.multiplex import Multiplexer
from fleet.sim.workload import Workload
from fleet.store.models import EventRow, HealthRow
from fleet.topics import Topics
from kiosk.storage.engine import Database

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class SimSettings:
    kiosks: int
    rate: float  # outbox events per second, all kiosks together
    duration_s: float
    heartbeat_s: float = 10.0
    drain_s: float = 60.0
    seed: int = 1
    connects_per_s: float = 1000.0


@dataclass
class SimReport:
    kiosks: int
    connected_at_end: int
    duration_s: float
    sent: int
    acknowledged: int
    unacknowledged: int
    lost: int | None
    duplicated: int | None
    redelivered: int
    health_sent: int
    health_stored: int | None
    health_lost: int | None
    reconnects: int
    elapsed_s: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def kiosk_ids(n: int) -> list[str]:
    return [f"sim-{i:05d}" for i in range(n)]


def store_of(kiosk_id: str) -> str:
    return f"sim-store-{int(kiosk_id[4:]) % 20:02d}"


class Simulation:
    def __init__(
        self,
        loaded: LoadedFleetConfig,
        settings: SimSettings,
        *,
        password: str | None = None,
        progress: Progress | None = None,
    ) -> None:
        cfg = loaded.config
        self.settings = settings
        self.progress = progress or (lambda _m: None)
        self.rng = random.Random(settings.seed)
        agent = AgentConfig.model_validate(
            {**cfg.agent.model_dump(), "health_interval_s": settings.heartbeat_s, "poll_s": 1.0}
        )
        topics = Topics(cfg.topics)
        self.outboxes: list[MemoryOutbox] = []
        self.workloads: list[Workload] = []
        cores = []
        for kiosk_id in kiosk_ids(settings.kiosks):
            outbox = MemoryOutbox()
            core = AgentCore(
                identity=Identity(store_of(kiosk_id), kiosk_id, "sim", "sim"),
                topics=topics,
                config=agent,
                broker=cfg.broker,
                outbox=outbox,
                machine=FixedHealth(),
                hooks=AppHooks(),
                password=password,
                ca_file=loaded.ca_file,
            )
            core.client.max_inflight_messages_set(20)
            cores.append(core)
            self.outboxes.append(outbox)
            self.workloads.append(Workload(kiosk_id, self.rng))
        self.cores = cores
        self.mux = Multiplexer(cores, rng=self.rng, connects_per_s=settings.connects_per_s)

    def run(self) -> SimReport:
        s = self.settings
        started = time.monotonic()
        self._connect_all(started)
        t0 = time.monotonic()
        emitted = 0
        next_note = t0 + 5
        while (now := time.monotonic()) - t0 < s.duration_s:
            self.mux.step(0.02)
            due = int((now - t0) * s.rate) - emitted
            for _ in range(max(0, due)):
                i = self.rng.randrange(len(self.cores))
                kind, payload = self.workloads[i].next(utcnow())
                self.outboxes[i].enqueue(kind, payload)
                self.mux.wake(i)
            emitted += max(0, due)
            if now >= next_note:
                self._note(f"{now - t0:.0f}s")
                next_note = now + 5
        self._drain()
        self.mux.close()
        return self._report(time.monotonic() - started)

    def _connect_all(self, started: float) -> None:
        deadline = started + max(60.0, 3 * len(self.cores) / self.settings.connects_per_s)
        while self.mux.connected < len(self.cores) and time.monotonic() < deadline:
            self.mux.step(0.02)
        self.progress(f"{self.mux.connected}/{len(self.cores)} kiosks connected")

    def _drain(self) -> None:
        deadline = time.monotonic() + self.settings.drain_s
        while time.monotonic() < deadline:
            if sum(o.backlog() for o in self.outboxes) == 0:
                break
            self.mux.step(0.05)
        self._note("drained")

    def _note(self, when: str) -> None:
        sent = sum(o.last_seq() for o in self.outboxes)
        acked = sum(o.acknowledged for o in self.outboxes)
        health = sum(c.stats.health for c in self.cores)
        self.progress(
            f"{when}: {self.mux.connected} connected, {sent} events, {acked} acknowledged, "
            f"{health} health"
        )

    def _report(self, elapsed: float) -> SimReport:
        return SimReport(
            kiosks=len(self.cores),
            connected_at_end=self.mux.connected,
            duration_s=self.settings.duration_s,
            sent=sum(o.last_seq() for o in self.outboxes),
            acknowledged=sum(o.acknowledged for o in self.outboxes),
            unacknowledged=sum(o.backlog() for o in self.outboxes),
            lost=None,
            duplicated=None,
            redelivered=sum(c.stats.duplicate_acks for c in self.cores),
            health_sent=sum(c.stats.health for c in self.cores),
            health_stored=None,
            health_lost=None,
            reconnects=sum(max(0, c.stats.connects - 1) for c in self.cores),
            elapsed_s=round(elapsed, 1),
        )

    def audit(self, db: Database, report: SimReport, settle_s: float = 30.0) -> SimReport:
        """Check the manager's store: every event stored once or still held by its kiosk."""
        boots = {c.boot_id for c in self.cores}
        ids = {c.identity.kiosk_id for c in self.cores}
        deadline = time.monotonic() + settle_s
        while True:
            stored_health = self._health_rows(db, boots)
            stored = self._event_rows(db, ids)
            done = stored_health >= report.health_sent and sum(stored.values()) >= (
                report.sent - report.unacknowledged
            )
            if done or time.monotonic() >= deadline:
                break
            time.sleep(0.5)
        with db.read() as s:
            rows, distinct = s.execute(
                select(func.count(), func.count(func.distinct(EventRow.event_id))).where(
                    EventRow.kiosk_id.like("sim-%")
                )
            ).one()
        held = {
            (c.identity.kiosk_id, e.seq)
            for c, o in zip(self.cores, self.outboxes, strict=True)
            for e in o.pending(10**9)
        }
        accounted = set(stored) | held
        report.lost = report.sent - len(accounted)
        report.duplicated = int(rows) - int(distinct)
        report.health_stored = stored_health
        report.health_lost = max(0, report.health_sent - stored_health)
        return report

    @staticmethod
    def _health_rows(db: Database, boots: set[str]) -> int:
        with db.read() as s:
            counts = s.execute(select(HealthRow.boot_id, func.count()).group_by(HealthRow.boot_id))
            return sum(int(n) for boot, n in counts if boot in boots)

    @staticmethod
    def _event_rows(db: Database, ids: set[str]) -> Counter[tuple[str, int]]:
        with db.read() as s:
            rows = s.execute(
                select(EventRow.kiosk_id, EventRow.seq).where(EventRow.kiosk_id.like("sim-%"))
            )
            return Counter((k, int(q)) for k, q in rows if k in ids)
