"""Where a worker's batches are stored: in its own thread, or in a store process beside it.

paho's receive path (about 100 us a message in MQTT v5) and validating plus committing a
message (about 50 us) do not fit in one core at the rate a bare paho subscriber reaches. So
in `fleet serve` each worker is a pipeline of two processes: the network side (this
module's caller) reads batch N+1 while the store side parses and commits batch N. Results
come back in order; the network side then acknowledges.
"""

from __future__ import annotations

import collections
import gc
import json
import logging
import random
import signal
import time
import uuid
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Protocol

from fleet.config import LoadedFleetConfig
from fleet.lifecycle import StopFlag
from fleet.manager.batching import commit_resilient
from fleet.manager.inbound import Parser
from fleet.messages.acks import AckStatus
from fleet.messages.base import utcnow
from fleet.messages.events import event_body
from fleet.messages.telemetry import Health
from fleet.sim.workload import Workload
from fleet.store.database import open_store
from fleet.store.ingest import IngestStore
from fleet.topics import Topics

logger = logging.getLogger(__name__)

Acks = dict[tuple[str, str], list[tuple[int, str, AckStatus]]]
STARTED = "started"


@dataclass
class Done:
    """What the network side needs once a batch is committed."""

    acks: Acks
    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0
    health: int = 0
    store_retries: int = 0
    committed: bool = True  # False: the store side stopped before the store came back


@dataclass
class _Retries:
    store_retries: int = 0


class Sink(Protocol):
    def submit(self, messages: list[tuple[str, bytes]]) -> None: ...

    def ready(self, timeout_s: float) -> Done | None:
        """The oldest submitted batch's result if done within `timeout_s`."""
        ...

    def wait_started(self, timeout_s: float) -> bool:
        """True once the store side can take batches."""
        ...

    @property
    def in_flight(self) -> int: ...


def rehearsal_messages(topics: Topics) -> list[tuple[str, bytes]]:
    """A sale and a health message, as a kiosk would send them (never committed)."""
    kiosk = topics.kiosk("rehearsal", "rehearsal")
    now = utcnow()
    kind, payload = Workload("rehearsal", random.Random(0), {"sale": 1.0}).next(now)
    body = event_body(
        kind=kind,
        event_id=str(uuid.UUID(int=0, version=4)),
        seq=1,
        store="rehearsal",
        kiosk_id="rehearsal",
        created_at=now.isoformat(),
        payload=payload,
    )
    health = Health(
        store="rehearsal",
        kiosk_id="rehearsal",
        boot_id="rehearsal",
        beat=1,
        at=now,
        uptime_s=1,
        app_uptime_s=1,
        outbox_backlog=0,
        last_seq=0,
    )
    return [(kiosk.event(kind), json.dumps(body).encode()), (kiosk.health, health.to_json())]


def store_batch(
    parser: Parser, ingest: IngestStore, batch: list[tuple[str, bytes]], stop: StopFlag
) -> Done:
    items = [parser.parse(topic, payload) for topic, payload in batch]
    retries = _Retries()
    outcome = commit_resilient(ingest, items, stop, retries)
    if outcome is None:
        return Done({}, committed=False, store_retries=retries.store_retries)
    return Done(
        dict(outcome.acks),
        outcome.stored,
        outcome.duplicates,
        outcome.quarantined,
        outcome.health,
        retries.store_retries,
    )


class InlineSink:
    """Stores on the caller's thread (tests, and `processes=False`)."""

    def __init__(self, parser: Parser, ingest: IngestStore, stop: StopFlag) -> None:
        self.parser = parser
        self.ingest = ingest
        self.stop = stop
        self._done: collections.deque[Done] = collections.deque()

    def submit(self, messages: list[tuple[str, bytes]]) -> None:
        self._done.append(store_batch(self.parser, self.ingest, messages, self.stop))

    def ready(self, timeout_s: float) -> Done | None:
        return self._done.popleft() if self._done else None

    def wait_started(self, timeout_s: float) -> bool:
        return True

    @property
    def in_flight(self) -> int:
        return len(self._done)


class PipeSink:
    """Stores in the store process at the other end of `conn`."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._in_flight = 0
        self._started = False

    def wait_started(self, timeout_s: float) -> bool:
        if not self._started and self.conn.poll(timeout_s):
            self._started = self.conn.recv() == STARTED
        return self._started

    def submit(self, messages: list[tuple[str, bytes]]) -> None:
        self.conn.send(messages)
        self._in_flight += 1

    def ready(self, timeout_s: float) -> Done | None:
        if self._in_flight and self.conn.poll(timeout_s):
            done: Done = self.conn.recv()
            self._in_flight -= 1
            return done
        return None

    @property
    def in_flight(self) -> int:
        return self._in_flight


def store_process(
    loaded: LoadedFleetConfig, conn: Connection, stop: StopFlag, log_level: int
) -> None:
    """The store side of one worker (a process of its own)."""
    logging.basicConfig(level=log_level, format="%(asctime)s store-%(process)d %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    cfg = loaded.config
    parser = Parser(Topics(cfg.topics), cfg.broker.max_payload_kb * 1024)
    ingest = IngestStore(open_store(loaded.store_url, migrate=False), cfg.alerts)
    ingest.rehearse(
        [parser.parse(t, p) for t, p in rehearsal_messages(Topics(cfg.topics))], utcnow()
    )
    conn.send(STARTED)
    gc.freeze()
    gc.disable()  # see IngestWorker.run: collect between batches, not inside them
    next_full = time.monotonic() + 60
    while not stop.is_set():
        if not conn.poll(0.2):
            continue
        try:
            batch = conn.recv()
        except EOFError:
            return  # the network side is gone
        conn.send(store_batch(parser, ingest, batch, stop))
        del batch
        gc.collect(0)
        if time.monotonic() >= next_full:
            gc.collect()
            next_full = time.monotonic() + 60
