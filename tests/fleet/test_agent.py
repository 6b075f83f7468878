"""The kiosk agent: rows leave only on the manager's ack, a bounded window, health with the
app's device states, birth status, reconnect backoff with jitter."""

from __future__ import annotations

import json
import random
import threading
import time
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion, MQTTProtocolVersion

from fleet.agent.backoff import Backoff
from fleet.agent.hooks import AppHooks
from fleet.agent.outbox import MemoryOutbox
from fleet.messages.base import utcnow
from fleet.messages.telemetry import DeviceState, Health, Status
from fleet.sim.workload import Workload


def listener(h: Any, topic: str) -> tuple[mqtt.Client, list[bytes]]:
    got: list[bytes] = []
    c = mqtt.Client(
        CallbackAPIVersion.VERSION2, client_id="listener", protocol=MQTTProtocolVersion.MQTTv5
    )
    c.username_pw_set("fleet-manager", h.users["fleet-manager"])
    c.on_message = lambda _c, _u, m: got.append(bytes(m.payload))
    c.connect("127.0.0.1", h.broker.manager_port)
    c.subscribe(topic, qos=1)
    c.loop_start()
    return c, got


def test_puback_is_not_enough_and_the_window_is_bounded(harness, wait) -> None:
    h = harness(kiosks=("k1",), agent={"window": 100, "ack_timeout_s": 600.0})
    spy, seen = listener(h, "kiosks/s1/k1/sessions")
    outbox = MemoryOutbox()
    work = Workload("k1", random.Random(1), {"session": 1.0})
    for _ in range(1000):
        outbox.enqueue(*work.next(utcnow()))
    agent = h.agent("k1", outbox=outbox, commands=False)
    wait(lambda: len(seen) == 100, what="a window of events published")
    time.sleep(1.0)
    assert len(seen) == 100, "no more than the window without acknowledgements"
    assert outbox.backlog() == 1000, "broker PUBACKs delete nothing"
    assert [json.loads(p)["seq"] for p in seen] == list(range(1, 101)), "in order"
    h.start_worker()
    agent.stop()  # a reconnect sends the unacknowledged window again
    agent2 = h.agent("k1", outbox=outbox, commands=False)
    wait(lambda: outbox.backlog() == 0, timeout_s=30, what="all acknowledged")
    assert agent2.core.stats.acknowledged == 1000
    spy.loop_stop()


def test_birth_status_and_health_with_device_states(harness, wait) -> None:
    h = harness(kiosks=("k1",))
    spy, got = listener(h, "kiosks/s1/k1/#")
    states = {"camera": DeviceState.OK, "scale": DeviceState.FAULT, "printer": DeviceState.ABSENT}
    calls = threading.Event()

    def devices() -> dict[str, DeviceState]:
        calls.set()
        return states

    h.agent("k1", hooks=AppHooks(device_states=devices), commands=False)
    wait(lambda: any(b'"beat":2' in p for p in got), what="two health messages")
    statuses = [Status.model_validate_json(p) for p in got if b'"state"' in p]
    assert statuses[0].state == "online"
    assert (statuses[0].app_version, statuses[0].config_hash) == ("test", "cfg")
    health = [Health.model_validate_json(p) for p in got if b'"beat"' in p]
    assert health[0].devices == states
    assert health[0].cpu_percent is not None
    assert health[0].outbox_backlog == 0
    spy.loop_stop()


def test_a_failing_device_callable_does_not_stop_health(harness, wait) -> None:
    h = harness(kiosks=("k1",))
    spy, got = listener(h, "kiosks/s1/k1/health")

    def broken() -> dict[str, DeviceState]:
        raise OSError("usb gone")

    h.agent("k1", hooks=AppHooks(device_states=broken), commands=False)
    wait(lambda: len(got) >= 2, what="health keeps coming")
    assert Health.model_validate_json(got[0]).devices == {}
    spy.loop_stop()


def test_backoff_grows_jitters_and_caps() -> None:
    backoff = Backoff(1.0, 30.0, random.Random(7))
    delays = [backoff.next() for _ in range(10)]
    for n, d in enumerate(delays):
        step = min(30.0, 2.0**n)
        assert step / 2 <= d <= step
    assert len({round(d, 6) for d in delays[5:]}) == 5, "jittered, not in step"
    other = Backoff(1.0, 30.0, random.Random(8))
    assert [other.next() for _ in range(10)] != delays
    backoff.reset()
    assert backoff.next() <= 1.0
