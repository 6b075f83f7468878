"""An ingest worker: takes its share of kiosk messages, commits them in batches, then acks.

The network side is one thread driving paho through its external-loop API (a second
thread, as loop_start gives, would fight this one for the GIL on every message). It reads a
batch, hands it to the store side (fleet.manager.sink: inline, or a process of its own),
and when the batch is committed publishes the end-to-end acknowledgements and only then
the MQTT PUBACKs (manual ack): a worker that dies mid-batch gets the batch redelivered.
"""

from __future__ import annotations

import collections
import gc
import logging
import os
import select
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

from fleet.agent.backoff import Backoff
from fleet.config import LoadedFleetConfig
from fleet.lifecycle import StopFlag
from fleet.manager.inbound import Parser
from fleet.manager.sink import Done, InlineSink, Sink
from fleet.messages.acks import ack_payload
from fleet.mqtt import connect_properties, end_session, new_client
from fleet.store.database import open_store
from fleet.store.ingest import IngestStore
from fleet.topics import Topics
from kiosk.storage.engine import Database

logger = logging.getLogger(__name__)

FULL_GC_EVERY_S = 60.0
MAX_BATCHES_IN_FLIGHT = 2  # one being committed, one waiting: reading never stops
READS_PER_WAKEUP = 256


@dataclass(frozen=True)
class Received:
    topic: str
    payload: bytes
    mid: int
    qos: int
    connection: int  # PUBACK only on the connection that delivered it


@dataclass
class WorkerStats:
    received: int = 0
    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0
    health: int = 0
    batches: int = 0
    store_retries: int = 0
    connects: int = 0
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
        sink: Sink | None = None,
    ) -> None:
        cfg = loaded.config
        self.loaded = loaded
        self.index = index
        self.topics = Topics(cfg.topics)
        self.parser = Parser(self.topics, cfg.broker.max_payload_kb * 1024)
        self._db = db
        self.sink = sink
        self._meta: collections.deque[list[tuple[int, int, int]]] = collections.deque()
        self.batch_max = cfg.manager.batch_max
        self.batch_wait_s = cfg.manager.batch_wait_ms / 1000
        self.stats = WorkerStats()
        self.ready: StopFlag = ready if ready is not None else threading.Event()
        self.backoff = Backoff(cfg.broker.reconnect_min_s, cfg.broker.reconnect_max_s)
        self._batch: list[Received] = []
        self._connection = 0
        self._connected = False
        self._next_misc = 0.0
        self._next_collect = 0.0
        password = password if password is not None else os.environ.get(cfg.manager.password_env)
        self.client = new_client(
            client_id or worker_client_id(cfg.manager.client_id, index),
            cfg.broker,
            username=cfg.manager.username,
            password=password,
            ca_file=loaded.ca_file,
            manual_ack=True,
        )
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message
        self.client.on_disconnect = self._on_disconnect
        self.client.on_subscribe = self._on_subscribe

    # -- paho callbacks (this thread) ---------------------------------------------------

    def _on_connect(
        self, client: mqtt.Client, _u: Any, _f: Any, reason: ReasonCode, _p: Properties | None
    ) -> None:
        if reason.is_failure:
            logger.error("worker %d: broker refused the connection: %s", self.index, reason)
            return
        # Always subscribe: a broker that lost its state (killed) has lost our session too.
        client.subscribe([(f, 1) for f in self.topics.worker_subscriptions()])
        self._connected = True
        self.stats.connects += 1
        self.backoff.reset()
        logger.info("worker %d connected", self.index)

    def _on_subscribe(
        self, _c: mqtt.Client, _u: Any, _mid: int, codes: list[ReasonCode], _p: Properties | None
    ) -> None:
        refused = [str(c) for c in codes if c.is_failure]
        if refused:
            logger.error("worker %d: subscriptions refused: %s", self.index, refused)
            return
        self.ready.set()  # from here on the broker keeps our share of messages for us

    def _on_disconnect(
        self, _c: mqtt.Client, _u: Any, _f: Any, reason: ReasonCode, _p: Properties | None
    ) -> None:
        if self._connected:
            logger.warning("worker %d disconnected: %s", self.index, reason)
        self._connected = False

    def _on_message(self, _c: mqtt.Client, _u: Any, msg: mqtt.MQTTMessage) -> None:
        self._batch.append(
            Received(msg.topic, bytes(msg.payload), msg.mid, msg.qos, self._connection)
        )

    # -- network ------------------------------------------------------------------------

    def _connect(self, stop: StopFlag) -> bool:
        cfg = self.loaded.config
        try:
            self.client.connect(
                cfg.broker.host,
                cfg.manager.port or cfg.broker.port,
                keepalive=cfg.broker.keepalive_s,
                clean_start=False,
                # A whole batch may wait for its commit before we PUBACK it.
                properties=connect_properties(
                    cfg.manager.session_expiry_s, min(65_535, self.batch_max * 4)
                ),
            )
        except (OSError, ssl.SSLError) as e:
            if self.backoff.attempt == 0:  # once per outage
                logger.warning("worker %d: broker unreachable (%s), retrying", self.index, e)
            stop.wait(self.backoff.next())
            return False
        self._connection += 1
        return True

    def _lost(self) -> None:
        self._connected = False
        # Not PUBACKed: the broker redelivers them on the next connection.
        self._batch = [r for r in self._batch if r.connection != self._connection]

    def _pump(self, timeout_s: float) -> bool:
        """Wait up to `timeout_s` for the socket; read, write, keep alive. False if lost."""
        client = self.client
        sock = client.socket()
        if sock is None:
            return False
        pending = isinstance(sock, ssl.SSLSocket) and sock.pending() > 0
        wlist = [sock] if client.want_write() else []
        readable, writable, _ = select.select([sock], wlist, [], 0 if pending else timeout_s)
        if readable or pending:
            # paho reads one packet per call: keep reading while messages keep coming,
            # rather than one select() per message.
            for _ in range(READS_PER_WAKEUP):
                before = len(self._batch)
                if client.loop_read() != mqtt.MQTT_ERR_SUCCESS:
                    return False
                if len(self._batch) == before or len(self._batch) >= self.batch_max:
                    break
        if (writable or client.want_write()) and client.loop_write() != mqtt.MQTT_ERR_SUCCESS:
            return False
        now = time.monotonic()
        if now >= self._next_misc:
            self._next_misc = now + 0.1
            if client.loop_misc() != mqtt.MQTT_ERR_SUCCESS:
                return False
        return client.socket() is not None

    def _gather(self, stop: StopFlag) -> bool:
        """Fill the batch: until batch_max, or batch_wait after its first message."""
        first: float | None = None
        while len(self._batch) < self.batch_max and not stop.is_set():
            now = time.monotonic()
            if self._batch and first is None:
                first = now
            if first is not None and now - first >= self.batch_wait_s:
                break
            wait = 0.2 if first is None else max(0.0, first + self.batch_wait_s - now)
            if self.sink is not None and self.sink.in_flight:
                wait = min(wait, 0.002)
            if not self._pump(wait):
                return False
            if now >= self._next_collect:  # a poll() per message would cost more than it saves
                self._next_collect = now + 0.002
                self._collect(0)
        return True

    # -- the loop -----------------------------------------------------------------------

    @property
    def db(self) -> Database:
        if self._db is None:
            self._db = open_store(self.loaded.store_url)
        return self._db

    def run(self, stop: StopFlag, *, own_process: bool = False) -> None:
        """Blocking until `stop` is set.

        In its own process the worker manages garbage collection itself: automatic
        collections in the middle of a batch scan the thousands of live objects a batch
        holds and cost more than the ingest work (measured: 4x on parsing alone), so it
        collects the young generation between batches, when they are garbage.
        """
        if self.sink is None:
            self.sink = InlineSink(
                self.parser, IngestStore(self.db, self.loaded.config.alerts), stop
            )
        if not self.sink.wait_started(120):
            logger.error("worker %d: the store side did not start", self.index)
            return
        if own_process:
            gc.freeze()
            gc.disable()
        next_full = time.monotonic() + FULL_GC_EVERY_S
        try:
            while not stop.is_set():
                if self.client.socket() is None and not self._connect(stop):
                    continue
                if not self._gather(stop) or not self._submit(stop):
                    up = self._connected
                    self._lost()
                    if not up:  # refused (or cut) before CONNACK: do not hammer the broker
                        stop.wait(self.backoff.next())
                    continue
                self._collect(0)
                if own_process:
                    gc.collect(0)
                    if time.monotonic() >= next_full:
                        gc.collect()
                        next_full = time.monotonic() + FULL_GC_EVERY_S
        finally:
            self._leave()
            self._drain()
            self._close()
            logger.info("worker %d stopped: %s", self.index, self.stats)

    def _submit(self, stop: StopFlag) -> bool:
        if not self._batch:
            return True
        assert self.sink is not None
        while self.sink.in_flight >= MAX_BATCHES_IN_FLIGHT and not stop.is_set():
            if not self._pump(0.002):
                return False
            self._collect(0.002)
        batch, self._batch = self._batch, []
        self._meta.append([(r.mid, r.qos, r.connection) for r in batch])
        self.sink.submit([(r.topic, r.payload) for r in batch])
        self.stats.received += len(batch)
        return True

    def _collect(self, timeout_s: float) -> None:
        assert self.sink is not None
        done = self.sink.ready(timeout_s)
        while done is not None:
            self._finish(done, self._meta.popleft())
            done = self.sink.ready(0)

    def _finish(self, done: Done, meta: list[tuple[int, int, int]]) -> None:
        s = self.stats
        s.store_retries += done.store_retries
        if not done.committed:
            return  # stopping before the store came back: no acks, the broker redelivers
        for (store, kiosk), acks in done.acks.items():
            self.client.publish(
                self.topics.kiosk(store, kiosk).events_ack, ack_payload(kiosk, acks), qos=1
            )
        for mid, qos, connection in meta:
            if qos > 0 and connection == self._connection and self._connected:
                self.client.ack(mid, qos)
        s.batches += 1
        s.stored += done.stored
        s.duplicates += done.duplicates
        s.quarantined += done.quarantined
        s.health += done.health

    def _drain(self, timeout_s: float = 5.0) -> None:
        """At stop: acknowledge what the store side finishes in time."""
        deadline = time.monotonic() + timeout_s
        while self.sink is not None and self.sink.in_flight and time.monotonic() < deadline:
            self._collect(0.05)
            if self.client.socket() is not None:
                self._pump(0)

    def _leave(self, grace_s: float = 1.0) -> None:
        """Clean stop: no new deliveries, store what already came, then end the session.

        A persistent session left behind would keep receiving its share of the $share
        group's messages, to wait there for a worker that may never come back.
        """
        if self.client.socket() is None or not self._connected:
            return
        self.client.unsubscribe(self.topics.worker_subscriptions())
        never = threading.Event()
        deadline = time.monotonic() + grace_s
        while time.monotonic() < deadline:
            if not self._pump(0.05) or not self._submit(never):
                return
            self._collect(0)

    def _close(self) -> None:
        if self.client.socket() is not None:
            self.client.disconnect(properties=end_session())
            self.client.loop_write()

    def wait_ready(self, timeout_s: float) -> bool:
        return self.ready.wait(timeout_s)
