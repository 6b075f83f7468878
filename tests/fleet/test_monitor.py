"""The monitor: offline from the will and from missed heartbeats, online again, holes in a
kiosk's sequence asked for with a signed resend, and holes that cannot be filled."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import select

from fleet.agent.outbox import MemoryOutbox
from fleet.alerts.book import Rule
from fleet.messages.base import utcnow
from fleet.sim.workload import Workload
from fleet.store.models import AlertRow, CommandRow, EventRow, GapRow, KioskRow


def kiosk(h: Any, kiosk_id: str) -> KioskRow | None:
    with h.db.read() as s:
        return s.get(KioskRow, kiosk_id)


def alerts(h: Any, rule: Rule) -> list[AlertRow]:
    with h.db.read() as s:
        return list(s.scalars(select(AlertRow).where(AlertRow.rule == rule.value)))


def test_the_will_marks_a_kiosk_offline_and_a_clean_stop_says_so(harness, wait) -> None:
    h = harness(kiosks=("k1", "k2"))
    h.start_monitor()
    core = h.core("k1", commands=False)
    core.connect()
    deadline = time.monotonic() + 5
    while not core.connected and time.monotonic() < deadline:
        core.client.loop(0.05)
    wait(lambda: (row := kiosk(h, "k1")) is not None and row.online, what="k1 online")
    core.client.socket().close()  # the kiosk vanishes: no DISCONNECT, the broker sends the will
    row = wait(lambda: (r := kiosk(h, "k1")) is not None and not r.online and r, what="offline")
    assert row.status_reason == "connection_lost"
    [alert] = alerts(h, Rule.KIOSK_OFFLINE)
    assert (alert.severity, alert.status) == ("critical", "open")

    agent = h.agent("k1", commands=False)
    wait(lambda: (r := kiosk(h, "k1")) is not None and r.online, what="back online")
    wait(lambda: alerts(h, Rule.KIOSK_OFFLINE)[0].status == "resolved", what="alert resolved")
    agent.stop()
    row = wait(lambda: (r := kiosk(h, "k1")) is not None and not r.online and r, what="stopped")
    assert row.status_reason == "clean_stop"
    offline = [a for a in alerts(h, Rule.KIOSK_OFFLINE) if a.status == "open"]
    assert [a.severity for a in offline] == ["warning"]


def test_missed_heartbeats_then_heard_again(harness, wait) -> None:
    h = harness(kiosks=("k1",), agent={"health_interval_s": 3600.0})
    h.start_worker()
    h.start_monitor()
    core = h.core("k1", commands=False)
    core.connect()
    while not core.connected:
        core.client.loop(0.05)
    core.tick()  # one health message now, then none for an hour
    wait(lambda: (r := kiosk(h, "k1")) is not None and r.online, what="online")
    row = wait(
        lambda: (r := kiosk(h, "k1")) is not None and not r.online and r,
        timeout_s=30,
        what="missed heartbeats noticed",
    )
    assert row.status_reason == "missed_heartbeat"
    core._health_due = 0.0  # the kiosk speaks again
    core.tick()
    for _ in range(20):
        core.client.loop(0.05)
    row = wait(lambda: (r := kiosk(h, "k1")) is not None and r.online and r, what="heard again")
    assert row.status_reason == "heard_again"
    core.client.disconnect()


def test_holes_are_asked_for_with_a_signed_resend(harness, wait) -> None:
    h = harness(kiosks=("k1",), agent={"ack_timeout_s": 600.0})
    h.start_worker()
    h.start_monitor()
    outbox = MemoryOutbox()
    work = Workload("k1", __import__("random").Random(4), {"session": 1.0})
    for _ in range(10):
        outbox.enqueue(*work.next(utcnow()))
    core = h.core("k1", outbox=outbox)
    dropped: set[int] = set()
    real_send = core._send

    def lossy_send(event: Any, now: float) -> None:
        if event.seq in (4, 5, 10) and event.seq not in dropped:  # the network ate these
            dropped.add(event.seq)
            core._in_flight[event.seq] = now
            return
        real_send(event, now)

    core._send = lossy_send  # type: ignore[method-assign]
    from fleet.agent.runner import KioskAgent

    agent = KioskAgent(core)
    h.agents.append(agent)
    agent.start()
    wait(lambda: outbox.backlog() == 0, timeout_s=30, what="holes filled by resend")
    assert dropped == {4, 5, 10}
    with h.db.read() as s:
        seqs = list(s.scalars(select(EventRow.seq).order_by(EventRow.seq)))
        commands = list(s.scalars(select(CommandRow)))
    assert seqs == list(range(1, 11))
    assert {c.action for c in commands} == {"resend"}
    assert all(c.issued_by == "monitor" for c in commands)
    assert wait(lambda: kiosk(h, "k1").high_water == 10, what="high-water mark at 10")


def test_a_hole_the_kiosk_cannot_fill_is_recorded_as_lost(harness, wait) -> None:
    h = harness(kiosks=("k1",))
    h.start_worker()
    h.start_monitor()
    outbox = MemoryOutbox()
    work = Workload("k1", __import__("random").Random(5), {"session": 1.0})
    for _ in range(5):
        outbox.enqueue(*work.next(utcnow()))
    gone = [e.event_id for e in outbox.pending(2)]
    outbox.acknowledge(gone)  # deleted by someone else's ack: the fleet never had 1 and 2
    h.agent("k1", outbox=outbox)
    wait(
        lambda: kiosk(h, "k1") is not None and kiosk(h, "k1").high_water == 5,
        timeout_s=30,
        what="high-water mark past the lost events",
    )
    with h.db.read() as s:
        gap = s.scalars(select(GapRow)).one()
    assert (gap.from_seq, gap.to_seq, gap.status) == (1, 2, "lost")
    [lost] = alerts(h, Rule.EVENTS_LOST)
    assert lost.detail == {"from_seq": 1, "to_seq": 2}


def test_no_missed_heartbeat_while_the_ingest_workers_are_not_listening(harness, wait) -> None:
    """Health goes to the ingest workers: while none is subscribed (a slow start), a kiosk
    that is online must not be called silent; the grace starts when they listen."""
    h = harness(kiosks=("k1",), agent={"health_interval_s": 3600.0})
    monitor = h.start_monitor()
    listening = False
    monitor.ingest_ready = lambda: listening
    core = h.core("k1", commands=False)
    core.connect()
    while not core.connected:
        core.client.loop(0.05)
    wait(lambda: (r := kiosk(h, "k1")) is not None and r.online, what="online")
    timeout = h.loaded.config.manager.heartbeat_timeout_s
    time.sleep(timeout + 3)  # several checks past the timeout, nobody ingesting
    row = kiosk(h, "k1")
    assert row is not None
    assert row.online, "silence while nobody ingests is not a missed heartbeat"
    listening = True  # from here on, one timeout of real silence is
    row = wait(
        lambda: (r := kiosk(h, "k1")) is not None and not r.online and r,
        timeout_s=timeout + 20,
        what="missed heartbeats noticed once the workers listen",
    )
    assert row.status_reason == "missed_heartbeat"
    core.client.disconnect()
