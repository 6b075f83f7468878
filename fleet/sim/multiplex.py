"""Thousands of kiosk agents in one process: real AgentCores on one epoll selector.

A real kiosk runs one AgentCore on its own thread (agent.runner.KioskAgent). Ten thousand
threads would not fit, so this driver uses paho's external-loop API (`loop_read`,
`loop_write`, `loop_misc`) on a selector instead; the protocol code is the same object.
"""

from __future__ import annotations

import contextlib
import heapq
import logging
import random
import selectors
import ssl
import time
from dataclasses import dataclass

import paho.mqtt.client as mqtt

from fleet.agent.backoff import Backoff
from fleet.agent.core import AgentCore

logger = logging.getLogger(__name__)


@dataclass
class _Slot:
    core: AgentCore
    backoff: Backoff
    fd: int | None = None
    writing: bool = False
    generation: int = 0
    connect_failures: int = 0
    losses: int = 0
    next_misc: float = 0.0
    waiting: bool = False  # queued for a (re)connect


class Multiplexer:
    def __init__(
        self,
        cores: list[AgentCore],
        *,
        rng: random.Random | None = None,
        connects_per_s: float = 1000.0,
    ) -> None:
        self.rng = rng or random.Random(0)
        self.slots = [
            _Slot(c, Backoff(c.broker.reconnect_min_s, c.broker.reconnect_max_s, self.rng))
            for c in cores
        ]
        self.sel = selectors.DefaultSelector()
        self.connects_per_s = connects_per_s
        self._connects: list[tuple[float, int]] = []
        self._ticks: list[tuple[float, int, int]] = []
        self._connect_credit = 0.0
        self._last = time.monotonic()
        start = time.monotonic()
        for i in range(len(self.slots)):
            self._queue_connect(i, start)

    # -- scheduling ---------------------------------------------------------------------

    def _queue_connect(self, i: int, at: float) -> None:
        slot = self.slots[i]
        if not slot.waiting:
            slot.waiting = True
            heapq.heappush(self._connects, (at, i))

    def wake(self, i: int, at: float | None = None) -> None:
        """Tick this kiosk soon (it has new outbox events)."""
        slot = self.slots[i]
        slot.generation += 1
        heapq.heappush(self._ticks, (time.monotonic() if at is None else at, slot.generation, i))

    @property
    def connected(self) -> int:
        return sum(1 for s in self.slots if s.core.connected)

    # -- connections --------------------------------------------------------------------

    def _connect(self, i: int, now: float) -> None:
        slot = self.slots[i]
        slot.waiting = False
        try:
            slot.core.connect()
        except (OSError, ssl.SSLError) as e:
            slot.connect_failures += 1
            if slot.connect_failures == 1:
                logger.debug("%s: connect failed: %s", slot.core.identity.kiosk_id, e)
            self._queue_connect(i, now + slot.backoff.next())
            return
        sock = slot.core.client.socket()
        if sock is None:
            self._queue_connect(i, now + slot.backoff.next())
            return
        slot.fd = sock.fileno()
        slot.writing = False
        self.sel.register(slot.fd, selectors.EVENT_READ, i)
        self._flush(i)
        self.wake(i, now + 0.05)

    def _lost(self, i: int, now: float) -> None:
        slot = self.slots[i]
        if slot.fd is not None:
            with contextlib.suppress(KeyError, ValueError, OSError):
                self.sel.unregister(slot.fd)
            slot.fd = None
        slot.core.connected = False
        slot.losses += 1
        self._queue_connect(i, now + slot.backoff.next())

    def _flush(self, i: int) -> None:
        slot = self.slots[i]
        client = slot.core.client
        if slot.fd is None:
            return
        if client.want_write() and client.loop_write() != mqtt.MQTT_ERR_SUCCESS:
            self._lost(i, time.monotonic())
            return
        want = client.want_write()
        if want != slot.writing:
            events = selectors.EVENT_READ | (selectors.EVENT_WRITE if want else 0)
            self.sel.modify(slot.fd, events, i)
            slot.writing = want

    # -- the loop -----------------------------------------------------------------------

    def step(self, max_wait_s: float = 0.05) -> None:
        now = time.monotonic()
        self._connect_credit = min(
            self.connects_per_s, self._connect_credit + (now - self._last) * self.connects_per_s
        )
        self._last = now
        while self._connects and self._connects[0][0] <= now and self._connect_credit >= 1:
            _, i = heapq.heappop(self._connects)
            self._connect_credit -= 1
            self._connect(i, now)
        self._run_ticks(now)
        wait = max_wait_s
        if self._ticks:
            wait = max(0.0, min(wait, self._ticks[0][0] - time.monotonic()))
        for key, mask in self.sel.select(wait):
            i = int(key.data)
            self._io(i, mask)

    def _io(self, i: int, mask: int) -> None:
        slot = self.slots[i]
        client = slot.core.client
        if mask & selectors.EVENT_READ:
            rc = client.loop_read()
            sock = client.socket()
            # TLS may hold decrypted bytes the selector cannot see.
            while rc == mqtt.MQTT_ERR_SUCCESS and isinstance(sock, ssl.SSLSocket):
                if not sock.pending():
                    break
                rc = client.loop_read()
            if rc != mqtt.MQTT_ERR_SUCCESS or client.socket() is None:
                self._lost(i, time.monotonic())
                return
        self._flush(i)

    def _run_ticks(self, now: float) -> None:
        budget = 5000  # bound one step's work so reads are never starved
        while self._ticks and self._ticks[0][0] <= now and budget:
            _, generation, i = heapq.heappop(self._ticks)
            slot = self.slots[i]
            if generation != slot.generation or slot.fd is None:
                continue
            budget -= 1
            client = slot.core.client
            if now >= slot.next_misc:
                if client.loop_misc() != mqtt.MQTT_ERR_SUCCESS or client.socket() is None:
                    self._lost(i, now)
                    continue
                slot.next_misc = now + max(1.0, slot.core.broker.keepalive_s / 4)
            due = slot.core.tick()
            self._flush(i)
            slot.generation += 1
            heapq.heappush(self._ticks, (min(due, slot.next_misc), slot.generation, i))

    def close(self, goodbye_timeout_s: float = 10.0) -> None:
        """Clean stop for every kiosk: offline status, then disconnect."""
        infos = []
        for i, slot in enumerate(self.slots):
            if slot.fd is not None and slot.core.connected:
                infos.append(slot.core.goodbye())
                self._flush(i)
        deadline = time.monotonic() + goodbye_timeout_s
        while infos and time.monotonic() < deadline:
            infos = [x for x in infos if not x.is_published()]
            for key, mask in self.sel.select(0.05):
                self._io(int(key.data), mask)
        for i, slot in enumerate(self.slots):
            if slot.fd is not None:
                slot.core.client.disconnect()
                self._flush(i)
                with contextlib.suppress(KeyError, ValueError, OSError):
                    self.sel.unregister(slot.fd)
                slot.fd = None
            slot.core.connected = False
        self.sel.close()
