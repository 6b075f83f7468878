"""Ingest: each event stored once; malformed, oversized, misaddressed and conflicting
messages quarantined (acknowledged when they can be) without stopping the worker."""

from __future__ import annotations

import json
import os
import random
import threading
import uuid
from datetime import UTC, datetime
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion, MQTTProtocolVersion
from sqlalchemy import func, select

from fleet.config import AlertsConfig
from fleet.manager.inbound import EventIn, Parser, Refused
from fleet.messages.acks import AckStatus, EventAck
from fleet.messages.events import event_body
from fleet.sim.workload import Workload
from fleet.store.database import open_store
from fleet.store.ingest import IngestStore
from fleet.store.models import EventRow, QuarantineRow
from fleet.topics import Topics

NOW = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


def event(
    seq: int,
    kind: str = "session",
    kiosk: str = "k1",
    event_id: str | None = None,
    rng: random.Random | None = None,
) -> tuple[str, bytes]:
    _, payload = Workload(kiosk, rng or random.Random(seq), {kind: 1.0}).next(NOW)
    body = event_body(
        kind=kind,
        event_id=event_id or str(uuid.uuid4()),
        seq=seq,
        store="s1",
        kiosk_id=kiosk,
        created_at=NOW.isoformat(),
        payload=payload,
    )
    return Topics().kiosk("s1", kiosk).event(kind), json.dumps(body).encode()


def store_of(tmp_path: Any) -> IngestStore:
    return IngestStore(open_store(f"sqlite:///{tmp_path}/f.db"), AlertsConfig())


def test_duplicates_in_and_across_batches_are_stored_once(tmp_path) -> None:
    ingest, parser = store_of(tmp_path), Parser(Topics(), 1 << 20)
    msgs = [event(n) for n in range(1, 6)]
    first = ingest.commit([parser.parse(*m) for m in msgs + msgs[:2]], NOW)
    assert (first.stored, first.duplicates) == (5, 2)
    again = ingest.commit([parser.parse(*m) for m in msgs[2:] + [event(6)]], NOW)
    assert (again.stored, again.duplicates) == (1, 3)
    statuses = [a[2] for a in again.acks[("s1", "k1")]]
    assert sorted(statuses) == [AckStatus.DUPLICATE] * 3 + [AckStatus.STORED]
    with ingest.db.read() as s:
        assert s.scalar(select(func.count()).select_from(EventRow)) == 6


def test_a_reused_sequence_number_is_quarantined_and_acknowledged(tmp_path) -> None:
    ingest, parser = store_of(tmp_path), Parser(Topics(), 1 << 20)
    ingest.commit([parser.parse(*event(1))], NOW)
    other = parser.parse(*event(1, kind="alert"))  # a different event claiming seq 1
    outcome = ingest.commit([other], NOW)
    assert (outcome.stored, outcome.quarantined) == (0, 1)
    assert outcome.acks[("s1", "k1")][0][2] == AckStatus.QUARANTINED
    with ingest.db.read() as s:
        q = s.scalars(select(QuarantineRow)).one()
        assert "sequence number 1 already used" in q.reason
        assert q.seq == 1


def test_parser_names_what_is_wrong() -> None:
    parser = Parser(Topics(), 2000)
    topic, good = event(1)
    assert isinstance(parser.parse(topic, good), EventIn)
    cases = {
        b"\x00\x01\x02": "Invalid JSON",
        good.replace(b'"reason":', b'"reasons":'): "session.payload.reason: Field required",
        good[:-1] + b',"x":1}': "x: Extra inputs",
        b"{" + b" " * 3000 + b"}": "over the 2000-byte limit",
    }
    for payload, expected in cases.items():
        refused = parser.parse(topic, payload)
        assert isinstance(refused, Refused), payload[:40]
        assert expected in refused.reason, refused.reason
    wrong = parser.parse(Topics().kiosk("s1", "k2").event("session"), good)
    assert isinstance(wrong, Refused)
    assert "on the topic of s1/k2" in wrong.reason
    assert wrong.header is None  # never acknowledged to a kiosk it did not come from
    on_alerts = parser.parse(Topics().kiosk("s1", "k1").event("alert"), good)
    assert isinstance(on_alerts, Refused)
    assert "on the alerts topic" in on_alerts.reason


def test_bad_messages_over_mqtt_do_not_stop_the_worker(harness, wait) -> None:
    h = harness(broker={"max_payload_kb": 4})
    worker = h.start_worker()
    acks: list[EventAck] = []
    got = threading.Event()
    kiosk = _kiosk_client(h, "k1")
    kiosk.on_message = lambda _c, _u, m: (
        acks.append(EventAck.model_validate_json(m.payload)),
        got.set(),
    )
    kiosk.subscribe(h.topics.kiosk("s1", "k1").events_ack, qos=1)
    topic, good = event(1)
    unreadable_header = json.loads(event(2)[1])
    unreadable_header["payload"]["items"] = "many"  # valid envelope, invalid payload
    big = json.loads(event(3)[1])
    big["payload"]["session_id"] = "x" * 6000  # over the manager's 4 KB, under the broker's
    for payload in (
        os.urandom(300),
        json.dumps(unreadable_header).encode(),
        json.dumps(big).encode(),
        b"",
        good,
    ):
        kiosk.publish(topic, payload, qos=1).wait_for_publish(5)
    wait(lambda: _count(h, EventRow) == 1, what="the good event stored")
    wait(lambda: _count(h, QuarantineRow) == 4, what="four refusals kept")
    statuses = wait(
        lambda: (
            sorted({(a.seq, a.status.value) for ack in acks for a in ack.acks})
            if len({a.seq for ack in acks for a in ack.acks}) == 3
            else None
        ),
        what="acks for the three with readable headers",
    )
    assert statuses == [(1, "stored"), (2, "quarantined"), (3, "quarantined")]
    # A packet over the broker's max_packet_size never reaches the worker: the broker drops
    # the sender. The worker carries on.
    kiosk.publish(topic, b"x" * 1_200_000, qos=1)
    kiosk.loop_stop()
    k2 = _kiosk_client(h, "k2")
    k2.publish(
        h.topics.kiosk("s1", "k2").event("session"), event(1, kiosk="k2")[1], qos=1
    ).wait_for_publish(5)
    wait(lambda: _count(h, EventRow) == 2, what="worker still storing")
    assert worker.stats.quarantined == 2
    assert worker.stats.stored == 2
    k2.loop_stop()


def _kiosk_client(h: Any, kiosk_id: str) -> mqtt.Client:
    c = mqtt.Client(
        CallbackAPIVersion.VERSION2, client_id=kiosk_id, protocol=MQTTProtocolVersion.MQTTv5
    )
    c.username_pw_set(kiosk_id, h.users[kiosk_id])
    c.connect("127.0.0.1", h.broker.port)
    c.loop_start()
    return c


def _count(h: Any, model: Any) -> int:
    with h.db.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)
