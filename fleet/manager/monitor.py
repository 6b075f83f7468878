"""The monitor: kiosk presence (birth, will, missed heartbeats), sequence holes, command expiry.

It subscribes to `status` without $share: shared subscriptions never get retained messages,
and the retained status is how a restarted manager learns who is up. Everything it writes is
idempotent, so several monitors (one per manager host) may run side by side.
"""

from __future__ import annotations

import collections
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode
from pydantic import ValidationError
from sqlalchemy import select

from fleet.alerts import rules
from fleet.config import LoadedFleetConfig
from fleet.manager.commands import CommandSender
from fleet.messages.base import utcnow
from fleet.messages.commands import ResendAction
from fleet.messages.telemetry import Presence, Status
from fleet.mqtt import connect_properties, new_client
from fleet.signing import Signer
from fleet.store import commands as command_log
from fleet.store import gaps
from fleet.store.database import open_store
from fleet.store.models import GapRow, KioskRow
from fleet.topics import TopicError, Topics
from kiosk.storage.engine import Database

logger = logging.getLogger(__name__)

MISSED_HEARTBEAT = "missed_heartbeat"


class Monitor:
    def __init__(
        self,
        loaded: LoadedFleetConfig,
        *,
        db: Database | None = None,
        signer: Signer | None = None,
        password: str | None = None,
        client_id: str | None = None,
        wall: Callable[[], datetime] = utcnow,
    ) -> None:
        cfg = loaded.config
        self.loaded = loaded
        self.cfg = cfg.manager
        self.topics = Topics(cfg.topics)
        self.db = db or open_store(loaded.store_url)
        self.wall = wall
        self._statuses: collections.deque[tuple[str, bytes]] = collections.deque()
        self._started = wall()
        # Health reaches the ingest workers, not the monitor: until they are subscribed (a
        # spawned worker can take half a minute on a busy machine) silence says nothing.
        self.ingest_ready: Callable[[], bool] = lambda: True
        self._connected = threading.Event()
        password = password if password is not None else os.environ.get(self.cfg.password_env)
        self.client = new_client(
            client_id or f"{self.cfg.client_id}-{socket.gethostname()[:20]}-monitor",
            cfg.broker,
            username=self.cfg.username,
            password=password,
            ca_file=loaded.ca_file,
            reconnect=True,
        )
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message
        self.sender = (
            CommandSender(self.db, signer, self.topics, self._publish, ttl_s=self.cfg.command_ttl_s)
            if signer is not None
            else None
        )
        if signer is None:
            logger.warning(
                "no signing key: the monitor cannot ask kiosks to resend (they still resend "
                "on their own after ack_timeout_s); create one with `fleet keys generate`"
            )

    def _publish(self, topic: str, payload: bytes) -> None:
        self.client.publish(topic, payload, qos=1)

    # -- MQTT ---------------------------------------------------------------------------

    def _on_connect(
        self, client: mqtt.Client, _u: Any, _f: Any, reason: ReasonCode, _p: Properties | None
    ) -> None:
        if reason.is_failure:
            logger.error("monitor: broker refused the connection: %s", reason)
            return
        client.subscribe([(f, 1) for f in self.topics.monitor_subscriptions()])
        self._connected.set()

    def _on_message(self, _c: mqtt.Client, _u: Any, msg: mqtt.MQTTMessage) -> None:
        self._statuses.append((msg.topic, bytes(msg.payload)))

    def start_mqtt(self) -> None:
        cfg = self.loaded.config
        self.client.connect_async(
            cfg.broker.host,
            self.cfg.port or cfg.broker.port,
            keepalive=cfg.broker.keepalive_s,
            clean_start=False,
            properties=connect_properties(cfg.broker.session_expiry_s),
        )
        self.client.loop_start()

    def wait_connected(self, timeout_s: float) -> bool:
        return self._connected.wait(timeout_s)

    def run(self, stop: threading.Event) -> None:
        self.start_mqtt()
        next_check = 0.0
        try:
            while not stop.is_set():
                self.apply_statuses()
                if time.monotonic() >= next_check:
                    try:
                        self.check()
                    except Exception:  # keep watching; the next pass may succeed
                        logger.exception("monitor pass failed")
                    next_check = time.monotonic() + self.cfg.monitor_interval_s
                stop.wait(0.1)
        finally:
            self.client.disconnect()
            self.client.loop_stop()

    # -- presence -----------------------------------------------------------------------

    def apply_statuses(self) -> int:
        done = 0
        while self._statuses:
            topic, payload = self._statuses.popleft()
            try:
                address = self.topics.parse(topic)
                status = Status.model_validate_json(payload)
            except (TopicError, ValidationError) as e:
                logger.warning("bad status on %s: %s", topic[:200], str(e)[:200])
                continue
            if status.kiosk_id != address.kiosk:
                logger.warning("status for %s on %s ignored", status.kiosk_id, topic[:200])
                continue
            with self.db.write() as s:
                self._apply(s, status, self.wall())
            done += 1
        return done

    @staticmethod
    def _apply(s: Any, status: Status, now: datetime) -> None:
        row = s.get(KioskRow, status.kiosk_id)
        if row is None:
            row = KioskRow(
                kiosk_id=status.kiosk_id,
                store=status.store,
                first_seen=now,
                last_seen=now,
                online=False,
                locked=False,
                high_water=0,
                max_seq=0,
                reported_seq=0,
                backlog=0,
            )
            s.add(row)
        row.store = status.store
        row.online = status.state == Presence.ONLINE
        row.status_at = now
        row.status_reason = status.reason.value
        if row.online:
            row.last_seen = now
            row.boot_id = status.boot_id
            row.app_version = status.app_version
            row.config_hash = status.config_hash
            rules.kiosk_online(s, row.kiosk_id, row.store, now)
        else:
            rules.kiosk_offline(s, row.kiosk_id, row.store, status.reason.value, now)

    # -- periodic checks ----------------------------------------------------------------

    def check(self) -> None:
        now = self.wall()
        with self.db.write() as s:
            self._heartbeats(s, now)
            command_log.expire(s, now)
        self._gaps(now)

    def _heartbeats(self, s: Any, now: datetime) -> None:
        timeout = timedelta(seconds=self.cfg.heartbeat_timeout_s)
        if not self.ingest_ready():
            self._started = now  # the grace below counts from when health can be heard
            return
        if now - self._started < timeout:
            return  # just started: give every kiosk one timeout to be heard from
        cutoff = now - timeout
        for row in s.scalars(
            select(KioskRow).where(KioskRow.online.is_(True), KioskRow.last_seen < cutoff)
        ):
            row.online = False
            row.status_at = now
            row.status_reason = MISSED_HEARTBEAT
            rules.kiosk_offline(s, row.kiosk_id, row.store, MISSED_HEARTBEAT, now)
        for row in s.scalars(
            select(KioskRow).where(
                KioskRow.online.is_(False),
                KioskRow.status_reason == MISSED_HEARTBEAT,
                KioskRow.last_seen >= cutoff,
            )
        ):
            row.online = True
            row.status_at = now
            row.status_reason = "heard_again"
            rules.kiosk_online(s, row.kiosk_id, row.store, now)

    def _gaps(self, now: datetime) -> None:
        requests: list[tuple[str, int]] = []
        grace = timedelta(seconds=self.cfg.gap_grace_s)
        interval = timedelta(seconds=self.cfg.resend_interval_s)
        with self.db.write() as s:
            for kiosk in gaps.kiosks_behind(s):
                hole = gaps.advance(s, kiosk, now)
                if hole is None:
                    continue
                gap: GapRow = gaps.note_hole(s, hole, now)
                due = gap.last_request_at is None or now - gap.last_request_at >= interval
                if now - gap.noticed_at >= grace and due and self.sender is not None:
                    gap.requests += 1
                    gap.last_request_at = now
                    requests.append((hole.kiosk_id, hole.first))
        for kiosk_id, first in requests:
            logger.info("asking %s to resend from sequence %d", kiosk_id, first)
            assert self.sender is not None
            self.sender.send(kiosk_id, ResendAction(from_seq=first), issued_by="monitor")
