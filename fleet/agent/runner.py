"""The kiosk agent on its own thread: connect (backing off with jitter), loop, tick, stop.

Nothing here blocks the kiosk: the app keeps selling into its outbox while the broker is
down; the thread keeps trying, and drains the outbox in order once it is back.
"""

from __future__ import annotations

import logging
import random
import ssl
import threading
import time

import paho.mqtt.client as mqtt

from fleet.agent.backoff import Backoff
from fleet.agent.core import AgentCore

logger = logging.getLogger(__name__)

LOOP_TIMEOUT_S = 0.1
GOODBYE_TIMEOUT_S = 3.0


class KioskAgent:
    def __init__(self, core: AgentCore, rng: random.Random | None = None) -> None:
        self.core = core
        broker = core.broker
        self.backoff = Backoff(broker.reconnect_min_s, broker.reconnect_max_s, rng)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._down_since: float | None = None

    @property
    def connected(self) -> bool:
        return self.core.connected

    def start(self) -> None:
        if self._thread is not None:
            return
        if self.core.commands is not None:
            self.core.commands.restore()
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._run, name=f"fleet-agent-{self.core.identity.kiosk_id}", daemon=True
        )
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        """Clean stop: an explicit offline status, then disconnect (the will is not sent)."""
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join(timeout_s)
        self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.core.connect()
            except (OSError, ssl.SSLError, ValueError) as e:
                self._note_down(str(e))
                self._stop.wait(self.backoff.next())
                continue
            self._serve()
            if not self._stop.is_set():
                self._stop.wait(self.backoff.next())
        logger.info("fleet agent %s stopped", self.core.identity.kiosk_id)

    def _note_down(self, why: str) -> None:
        if self._down_since is None:
            self._down_since = time.monotonic()
            logger.warning("broker unreachable (%s); kiosk keeps selling, retrying", why)

    def _serve(self) -> None:
        client = self.core.client
        while not self._stop.is_set():
            rc = client.loop(timeout=LOOP_TIMEOUT_S)
            if self.core.connected and self._down_since is not None:
                logger.info("broker back after %.0fs", time.monotonic() - self._down_since)
                self._down_since = None
            if self.core.connected:
                self.backoff.reset()
            if rc != mqtt.MQTT_ERR_SUCCESS:
                self.core.connected = False
                self._note_down(mqtt.error_string(rc))
                return
            self.core.tick()
        self._goodbye(client)

    def _goodbye(self, client: mqtt.Client) -> None:
        if self.core.connected:
            info = self.core.goodbye()
            deadline = time.monotonic() + GOODBYE_TIMEOUT_S
            while not info.is_published() and time.monotonic() < deadline:
                if client.loop(timeout=LOOP_TIMEOUT_S) != mqtt.MQTT_ERR_SUCCESS:
                    break
        client.disconnect()
        client.loop(timeout=LOOP_TIMEOUT_S)
        self.core.connected = False
