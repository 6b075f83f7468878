"""An ingest worker: takes its share of kiosk messages, commits them in batches, then acks.

The paho thread only queues messages. This thread parses a batch, commits it in one
transaction, then publishes the end-to-end acknowledgements and only then the MQTT PUBACKs
(manual ack): a worker that dies mid-batch gets the batch redelivered on reconnect. A
message that breaks the store on its own is quarantined, so one bad message never stalls
the worker; a store that is down is retried until it is back.
"""

from __future__ import annotations

import collections
import logging
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

import paho.mqtt.client as mqtt
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode
from sqlalchemy.exc import DBAPIError, OperationalError

from fleet.config import LoadedFleetConfig
from fleet.manager.inbound import EventIn, Item, Parser, Refused
from fleet.messages.acks import EventAck
from fleet.messages.base import utcnow
from fleet.messages.events import EventHeader
from fleet.mqtt import connect_properties, new_client
from fleet.store.database import open_store
from fleet.store.ingest import BatchOutcome, IngestStore
from fleet.topics import Topics
from kiosk.storage.engine import Database

logger = logging.getLogger(__name__)

STORE_RETRY_S = (0.2, 0.5, 1.0, 2.0, 5.0)


class StopFlag(Protocol):
    """threading.Event or multiprocessing.Event."""

    def is_set(self) -> bool: ...

    def set(self) -> None: ...

    def wait(self, timeout: float | None = None) -> bool: ...


@dataclass(frozen=True)
class Received:
    topic: str
    payload: bytes
    mid: int
    qos: int


@dataclass
class WorkerStats:
    received: int = 0
    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0
    health: int = 0
    batches: int = 0
    store_retries: int = 0
    started: float = field(default_factory=time.monotonic)


def worker_client_id(prefix: str, index: int) -> str:
    return f"{prefix}-{socket.gethostname()[:20]}-w{index}"


class IngestWorker:
    def __init__(
        self,
        loaded: LoadedFleetConfig,
        index: int = 0,
        *,
        db: Database | None = None,
        password: str | None = None,
        client_id: str | None = None,
        ready: StopFlag | None = None,
    ) -> None:
        cfg = loaded.config
        self.loaded = loaded
        self.index = index
        self.topics = Topics(cfg.topics)
        self.parser = Parser(self.topics, cfg.broker.max_payload_kb * 1024)
        self.db = db or open_store(loaded.store_url)
        self.ingest = IngestStore(self.db, cfg.alerts)
        self.batch_max = cfg.manager.batch_max
        self.batch_wait_s = cfg.manager.batch_wait_ms / 1000
        self.stats = WorkerStats()
        self._queue: collections.deque[Received] = collections.deque()
        self._ready = threading.Event()
        self._connected = threading.Event()
        self.ready: StopFlag = ready if ready is not None else threading.Event()
        password = password if password is not None else os.environ.get(cfg.manager.password_env)
        self.client = new_client(
            client_id or worker_client_id(cfg.manager.client_id, index),
            cfg.broker,
            username=cfg.manager.username,
            password=password,
            ca_file=loaded.ca_file,
            manual_ack=True,
            reconnect=True,
        )
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message
        self.client.on_disconnect = self._on_disconnect
        self.client.on_subscribe = self._on_subscribe

    # -- MQTT (paho thread) -------------------------------------------------------------

    def _on_connect(
        self, client: mqtt.Client, _u: Any, _f: Any, reason: ReasonCode, _p: Properties | None
    ) -> None:
        if reason.is_failure:
            logger.error("worker %d: broker refused the connection: %s", self.index, reason)
            return
        # Always subscribe: a broker that lost its state (killed) has lost our session too.
        client.subscribe([(f, 1) for f in self.topics.worker_subscriptions()])
        self._connected.set()
        logger.info("worker %d connected", self.index)

    def _on_subscribe(
        self, _c: mqtt.Client, _u: Any, _mid: int, codes: list[ReasonCode], _p: Properties | None
    ) -> None:
        refused = [str(c) for c in codes if c.is_failure]
        if refused:
            logger.error("worker %d: subscriptions refused: %s", self.index, refused)
            return
        self.ready.set()  # from here on the broker holds our share of messages for us

    def _on_disconnect(
        self, _c: mqtt.Client, _u: Any, _f: Any, reason: ReasonCode, _p: Properties | None
    ) -> None:
        self._connected.clear()
        logger.warning("worker %d disconnected: %s", self.index, reason)

    def _on_message(self, _c: mqtt.Client, _u: Any, msg: mqtt.MQTTMessage) -> None:
        self._queue.append(Received(msg.topic, bytes(msg.payload), msg.mid, msg.qos))
        self._ready.set()

    # -- the batch loop -----------------------------------------------------------------

    def start_mqtt(self) -> None:
        cfg = self.loaded.config
        port = cfg.manager.port or cfg.broker.port
        self.client.connect_async(
            cfg.broker.host,
            port,
            keepalive=cfg.broker.keepalive_s,
            clean_start=False,
            properties=connect_properties(
                cfg.broker.session_expiry_s, min(65_535, self.batch_max * 4)
            ),
        )
        self.client.loop_start()

    def wait_ready(self, timeout_s: float) -> bool:
        return self.ready.wait(timeout_s)

    def run(self, stop: StopFlag) -> None:
        """Blocking: until `stop` is set. Messages of an unfinished batch are redelivered."""
        self.start_mqtt()
        try:
            while not stop.is_set():
                batch = self._take(stop)
                if batch:
                    self.process(batch, stop)
        finally:
            self.client.disconnect()
            self.client.loop_stop()
            logger.info("worker %d stopped: %s", self.index, self.stats)

    def _take(self, stop: StopFlag) -> list[Received]:
        if not self._queue:
            self._ready.wait(0.2)
            self._ready.clear()
            if not self._queue:
                return []
        deadline = time.monotonic() + self.batch_wait_s
        while len(self._queue) < self.batch_max and time.monotonic() < deadline:
            if stop.is_set():
                break
            time.sleep(min(0.002, self.batch_wait_s))
        batch: list[Received] = []
        while self._queue and len(batch) < self.batch_max:
            batch.append(self._queue.popleft())
        return batch

    def process(self, batch: list[Received], stop: StopFlag) -> BatchOutcome | None:
        items = [self.parser.parse(r.topic, r.payload) for r in batch]
        outcome = self._commit(items, stop)
        if outcome is None:
            return None  # stopping before the store came back: no acks, the broker redelivers
        self._acknowledge(outcome)
        for r in batch:
            if r.qos > 0:
                self.client.ack(r.mid, r.qos)
        s = self.stats
        s.received += len(batch)
        s.batches += 1
        s.stored += outcome.stored
        s.duplicates += outcome.duplicates
        s.quarantined += outcome.quarantined
        s.health += outcome.health
        return outcome

    def _acknowledge(self, outcome: BatchOutcome) -> None:
        for (store, kiosk), acks in outcome.acks.items():
            ack = EventAck.model_construct(v=1, kiosk_id=kiosk, acks=tuple(acks))
            self.client.publish(self.topics.kiosk(store, kiosk).events_ack, ack.to_json(), qos=1)

    # -- committing ---------------------------------------------------------------------

    def _commit(self, items: list[Item], stop: StopFlag) -> BatchOutcome | None:
        attempt = 0
        while True:
            try:
                return self._commit_splitting(items)
            except (OperationalError, DBAPIError) as e:
                if not _is_unavailable(e):
                    raise
                delay = STORE_RETRY_S[min(attempt, len(STORE_RETRY_S) - 1)]
                logger.warning("store unavailable (%s); retrying in %.1fs", e.orig, delay)
                self.stats.store_retries += 1
                attempt += 1
                if stop.wait(delay):
                    return None

    def _commit_splitting(self, items: list[Item]) -> BatchOutcome:
        """Commit; if the batch breaks the store, find the message that does and quarantine it."""
        try:
            return self.ingest.commit(items, utcnow())
        except (OperationalError, DBAPIError) as e:
            if _is_unavailable(e):
                raise
            failure: Exception = e
        except Exception as e:  # a bug meeting odd data: isolate it
            failure = e
        if len(items) == 1:
            logger.error("message on %s breaks the store: %s", _topic(items[0]), failure)
            return self.ingest.commit([_as_refused(items[0], failure)], utcnow())
        half = len(items) // 2
        first = self._commit_splitting(items[:half])
        second = self._commit_splitting(items[half:])
        return _merge(first, second)


def _is_unavailable(e: Exception) -> bool:
    """Locked, disconnected or down: worth waiting for (unlike a constraint or a bug)."""
    if isinstance(e, DBAPIError) and e.connection_invalidated:
        return True
    text = str(getattr(e, "orig", e)).lower()
    return isinstance(e, OperationalError) and any(
        w in text for w in ("locked", "connect", "closed", "terminat", "timeout", "busy")
    )


def _topic(item: Item) -> str:
    return item.topic if isinstance(item, EventIn | Refused) else str(item.address)


def _as_refused(item: Item, error: Exception) -> Refused:
    reason = f"the store refused it: {type(error).__name__}: {error}"[:480]
    if isinstance(item, EventIn):
        e = item.event
        header = EventHeader(event_id=e.event_id, seq=e.seq, kiosk_id=e.kiosk_id)
        return Refused(item.topic, reason, len(item.body), item.body, item.address, header)
    if isinstance(item, Refused):
        return Refused(item.topic, reason, item.size, item.sample, item.address, item.header)
    return Refused(str(item.address), reason, 0, "", item.address)


def _merge(a: BatchOutcome, b: BatchOutcome) -> BatchOutcome:
    for key, acks in b.acks.items():
        a.acks[key].extend(acks)
    a.stored += b.stored
    a.duplicates += b.duplicates
    a.quarantined += b.quarantined
    a.unacknowledged += b.unacknowledged
    a.health += b.health
    a.results.extend(b.results)
    return a
