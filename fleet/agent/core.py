"""The kiosk agent's protocol logic, independent of how its network loop is driven.

One AgentCore per kiosk. A driver (runner.KioskAgent: one thread per kiosk; or
fleet.sim.multiplex: thousands of kiosks on one selector) connects its paho client and
calls `tick()`. Everything the fleet sees from a kiosk, and every rule about when an
outbox row may go, lives here:

* events leave in sequence order, at most `window` unacknowledged at a time, at QoS 1;
* a row is deleted only when the manager's acknowledgement names it (never on PUBACK);
* after a reconnect everything unacknowledged is sent again (the broker may have lost it);
* with no acknowledgement for `ack_timeout_s` the oldest are sent again, backing off.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import paho.mqtt.client as mqtt
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode
from pydantic import JsonValue, ValidationError

from fleet.agent.commands import CommandProcessor
from fleet.agent.config import AgentConfig
from fleet.agent.health import MachineHealth
from fleet.agent.hooks import AppHooks
from fleet.agent.outbox import OutboxSource
from fleet.config import BrokerConfig
from fleet.messages.acks import EventAck
from fleet.messages.base import utcnow
from fleet.messages.events import event_body
from fleet.messages.telemetry import (
    Health,
    Presence,
    Status,
    StatusReason,
    StockLevel,
    StockSnapshot,
)
from fleet.mqtt import Payload, connect, expiring, new_client
from fleet.topics import KioskTopics, TopicError, Topics

logger = logging.getLogger(__name__)

MAX_BACKOFF_FACTOR = 16


class StockSource(Protocol):
    def __call__(self) -> tuple[int, list[StockLevel]]:
        """(outbox last_seq, stock levels), read in one transaction."""
        ...


@dataclass(frozen=True)
class Identity:
    store: str
    kiosk_id: str
    app_version: str | None = None
    config_hash: str | None = None


@dataclass
class AgentStats:
    connects: int = 0
    published: int = 0  # event publishes, first sends and resends
    resent: int = 0
    acknowledged: int = 0  # outbox rows deleted on the manager's ack
    duplicate_acks: int = 0  # the manager had it already (a resend reached it twice)
    health: int = 0
    commands: int = 0


class AgentCore:
    def __init__(
        self,
        *,
        identity: Identity,
        topics: Topics,
        config: AgentConfig,
        broker: BrokerConfig,
        outbox: OutboxSource,
        machine: MachineHealth,
        hooks: AppHooks,
        password: str | None = None,
        ca_file: Path | None = None,
        stock: StockSource | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], datetime] = utcnow,
    ) -> None:
        self.identity = identity
        self.topics: KioskTopics = topics.kiosk(identity.store, identity.kiosk_id)
        self.config = config
        self.broker = broker
        self.outbox = outbox
        self.machine = machine
        self.hooks = hooks
        self.stock = stock
        self.clock = clock
        self.wall = wall
        self.commands: CommandProcessor | None = None
        self.stats = AgentStats()
        self.boot_id = uuid.uuid4().hex
        self.connected = False
        self._started = clock()
        self._beat = 0
        self._in_flight: dict[int, float] = {}  # seq -> when sent, oldest first
        self._ack_timeout = config.ack_timeout_s
        self._health_due = 0.0
        self._snapshot_due = 0.0
        self._after: list[tuple[mqtt.MQTTMessageInfo, Callable[[], None], float]] = []
        self._unroutable: set[str] = set()
        self.client = self._make_client(password, ca_file)

    # -- client -------------------------------------------------------------------------

    def _make_client(self, password: str | None, ca_file: Path | None) -> mqtt.Client:
        client = new_client(
            self.identity.kiosk_id,
            self.broker,
            username=self.identity.kiosk_id,
            password=password,
            ca_file=ca_file,
        )
        client.max_inflight_messages_set(100)
        client.max_queued_messages_set(0)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message
        return client

    def connect(self) -> None:
        """Blocking TCP (and TLS) connect; the CONNACK arrives through the loop."""
        self._set_will()
        connect(self.client, self.broker)

    def _status(self, state: Presence, reason: StatusReason) -> bytes:
        return Status(
            store=self.identity.store,
            kiosk_id=self.identity.kiosk_id,
            state=state,
            reason=reason,
            at=self.wall(),
            boot_id=self.boot_id,
            app_version=self.identity.app_version,
            config_hash=self.identity.config_hash,
        ).to_json()

    def _set_will(self) -> None:
        will = self._status(Presence.OFFLINE, StatusReason.CONNECTION_LOST)
        self.client.will_set(self.topics.status, will, qos=1, retain=True)

    def goodbye(self) -> mqtt.MQTTMessageInfo:
        """The explicit offline status of a clean stop (then the driver disconnects)."""
        status = self._status(Presence.OFFLINE, StatusReason.CLEAN_STOP)
        return self.client.publish(self.topics.status, status, qos=1, retain=True)

    # -- paho callbacks (driver's thread) -----------------------------------------------

    def _on_connect(
        self,
        client: mqtt.Client,
        _userdata: Any,
        _flags: mqtt.ConnectFlags,
        reason: ReasonCode,
        _props: Properties | None,
    ) -> None:
        if reason.is_failure:
            logger.warning("broker refused %s: %s", self.identity.kiosk_id, reason)
            return
        self.connected = True
        self.stats.connects += 1
        client.subscribe([(self.topics.cmd, 1), (self.topics.events_ack, 1)])
        status = self._status(Presence.ONLINE, StatusReason.CONNECTED)
        client.publish(self.topics.status, status, qos=1, retain=True)
        # The broker may have lost whatever was unacknowledged: all of it goes again.
        self._in_flight.clear()
        self.outbox.resend_from(1)
        self._ack_timeout = self.config.ack_timeout_s
        self._health_due = self._snapshot_due = self.clock()

    def _on_disconnect(
        self,
        _client: mqtt.Client,
        _userdata: Any,
        _flags: mqtt.DisconnectFlags,
        reason: ReasonCode,
        _props: Properties | None,
    ) -> None:
        if self.connected:
            logger.info("%s disconnected: %s", self.identity.kiosk_id, reason)
        self.connected = False
        self._in_flight.clear()

    def _on_message(self, client: mqtt.Client, _userdata: Any, msg: mqtt.MQTTMessage) -> None:
        try:
            if msg.topic == self.topics.events_ack:
                self._on_ack(msg.payload)
            elif msg.topic == self.topics.cmd:
                self._on_command(client, msg.payload)
        except Exception:  # a bad message must never stop the agent
            logger.exception(
                "%s: could not handle a message on %s", self.identity.kiosk_id, msg.topic
            )

    def _on_ack(self, payload: Payload) -> None:
        try:
            ack = EventAck.model_validate_json(payload)
        except ValidationError as e:
            logger.warning("unreadable acknowledgement: %s", e.errors()[0]["msg"])
            return
        self.stats.acknowledged += self.outbox.acknowledge([a.event_id for a in ack.acks])
        for item in ack.acks:
            self._in_flight.pop(item.seq, None)
            if item.status == "duplicate":
                self.stats.duplicate_acks += 1
        self._ack_timeout = self.config.ack_timeout_s

    def _on_command(self, client: mqtt.Client, payload: Payload) -> None:
        if self.commands is None:
            logger.warning("%s got a command but takes none", self.identity.kiosk_id)
            return
        self.stats.commands += 1
        outcome = self.commands.handle(payload)
        info = client.publish(self.topics.cmd_ack, outcome.result.to_json(), qos=1)
        if outcome.after is not None:
            self._after.append((info, outcome.after, self.clock() + 5.0))

    # -- resend (a command from the manager) --------------------------------------------

    def resend(self, from_seq: int) -> dict[str, JsonValue]:
        marked = self.outbox.resend_from(from_seq)
        for seq in [s for s in self._in_flight if s >= from_seq]:
            del self._in_flight[seq]
        first = self.outbox.pending(1)
        return {
            "marked": marked,
            "first_available": first[0].seq if first else None,
            "last_seq": self.outbox.last_seq(),
        }

    # -- the periodic work --------------------------------------------------------------

    def tick(self) -> float:
        """Do what is due; returns when the next thing is due (clock seconds)."""
        now = self.clock()
        if not self.connected:
            return now + 1.0
        self._expire(now)
        self._pump(now)
        if now >= self._health_due:
            self._publish_health(now)
            self._health_due = now + self.config.health_interval_s
        if self.stock is not None and now >= self._snapshot_due:
            self._publish_snapshot()
            self._snapshot_due = now + self.config.stock_snapshot_interval_s
        if self._after:
            self._run_after(now)
        due = min(self._health_due, now + self.config.poll_s)
        if self._in_flight:
            due = min(due, next(iter(self._in_flight.values())) + self._ack_timeout)
        return due

    def _send(self, event: Any, now: float) -> None:
        try:
            topic = self.topics.event(event.kind)
        except TopicError:
            if event.kind not in self._unroutable:
                logger.error("outbox event kind %r has no topic; it stays unsent", event.kind)
                self._unroutable.add(event.kind)
            return
        created = event.created_at
        if created.tzinfo is None:  # SQLite hands back the kiosk's UTC times without a zone
            created = created.replace(tzinfo=UTC)
        body = event_body(
            kind=event.kind,
            event_id=event.event_id,
            seq=event.seq,
            store=self.identity.store,
            kiosk_id=self.identity.kiosk_id,
            created_at=created.isoformat(),
            payload=event.payload,
        )
        payload = json.dumps(body, separators=(",", ":"), ensure_ascii=False, default=str)
        self.client.publish(topic, payload, qos=1)
        self._in_flight[event.seq] = now
        self.stats.published += 1

    def _pump(self, now: float) -> None:
        room = self.config.window - len(self._in_flight)
        if room <= 0:
            return
        events = self.outbox.pending(room, unsent_only=True)
        if not events:
            return
        for event in events:
            self._send(event, now)
        self.outbox.mark_sent([e.seq for e in events])

    def _expire(self, now: float) -> None:
        """No acknowledgement for the oldest event in time: send the whole window again."""
        if not self._in_flight:
            return
        oldest_seq, oldest_sent = next(iter(self._in_flight.items()))
        if now - oldest_sent < self._ack_timeout:
            return
        logger.info(
            "%s: no acknowledgement for %.0fs, sending %d events again",
            self.identity.kiosk_id,
            self._ack_timeout,
            len(self._in_flight),
        )
        self.stats.resent += len(self._in_flight)
        self.outbox.resend_from(min(oldest_seq, *self._in_flight))
        self._in_flight.clear()
        self._ack_timeout = min(
            self._ack_timeout * 2, self.config.ack_timeout_s * MAX_BACKOFF_FACTOR
        )

    def _publish_health(self, now: float) -> None:
        sample = self.machine.sample()
        try:
            devices = dict(self.hooks.device_states())
        except Exception:
            logger.exception("device_states() failed; health goes without devices")
            devices = {}
        self._beat += 1
        health = Health(
            store=self.identity.store,
            kiosk_id=self.identity.kiosk_id,
            boot_id=self.boot_id,
            beat=self._beat,
            at=self.wall(),
            uptime_s=sample.uptime_s,
            app_uptime_s=max(0.0, now - self._started),
            cpu_percent=sample.cpu_percent,
            memory_percent=sample.memory_percent,
            disk_percent=sample.disk_percent,
            temperature_c=sample.temperature_c,
            devices=devices,
            outbox_backlog=self.outbox.backlog(),
            last_seq=self.outbox.last_seq(),
            locked=self.commands.locked if self.commands else False,
        )
        # Stale health is worthless: the broker drops it rather than queue it for long.
        props = expiring(int(max(60, 3 * self.config.health_interval_s)))
        self.client.publish(self.topics.health, health.to_json(), qos=1, properties=props)
        self.stats.health += 1

    def _publish_snapshot(self) -> None:
        assert self.stock is not None
        try:
            last_seq, levels = self.stock()
        except Exception:
            logger.exception("stock snapshot failed")
            return
        snapshot = StockSnapshot(
            store=self.identity.store,
            kiosk_id=self.identity.kiosk_id,
            at=self.wall(),
            last_seq=last_seq,
            items=tuple(levels),
        )
        self.client.publish(self.topics.stock_snapshot, snapshot.to_json(), qos=1)

    def _run_after(self, now: float) -> None:
        waiting = []
        for info, action, deadline in self._after:
            if info.is_published() or now >= deadline:
                try:
                    action()
                except Exception:
                    logger.exception("post-command action failed")
            else:
                waiting.append((info, action, deadline))
        self._after = waiting

    @property
    def in_flight(self) -> int:
        return len(self._in_flight)
