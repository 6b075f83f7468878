"""Fleet ingest against a real Mosquitto on loopback: bare paho vs the manager, and the soak.

Default run (`--json`): the same publishers (one MQTT connection per kiosk, QoS 1, realistic
outbox events: sales, sessions, alerts, stock) feed, in turn,
  1. a bare paho subscriber that only counts          -> raw_paho_rate
  2. `fleet serve` with one ingest worker process      -> one_worker_rate
  3. `fleet serve` with two ingest worker processes    -> two_worker_rate
Rates are events per second from the first publish to the last event received (raw) or
committed (manager). lost = published but not stored; duplicates = stored more than once.
The broker runs the shipped config/mosquitto limits and ACL, with one account per kiosk.

`--soak`: 10,000 simulated kiosks (the real agent code, fleet.sim) sending health every 10 s
for 5 minutes (plus a trickle of events) through the manager, then every message accounted.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion, MQTTProtocolVersion
from sqlalchemy import func, select

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE.parent))

from fleet.broker.local import LocalMosquitto  # noqa: E402
from fleet.config import AlertsConfig  # noqa: E402
from fleet.manager.service import ManagerService  # noqa: E402
from fleet.messages.events import event_body  # noqa: E402
from fleet.sim.run import SimSettings, Simulation, kiosk_ids  # noqa: E402
from fleet.sim.stack import LocalStack, local_config  # noqa: E402
from fleet.sim.workload import Workload  # noqa: E402
from fleet.store.database import open_store  # noqa: E402
from fleet.store.models import EventRow, SaleRow  # noqa: E402
from fleet.store.projection import Projector  # noqa: E402
from fleet.topics import Topics  # noqa: E402


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# -- the workload ----------------------------------------------------------------------


def make_events(kiosks: int, per_kiosk: int, seed: int) -> dict[str, list[tuple[str, bytes]]]:
    """kiosk id -> [(topic, payload)], seq 1..per_kiosk, as the agent would send them."""
    rng = random.Random(seed)
    topics = Topics()
    start = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    out: dict[str, list[tuple[str, bytes]]] = {}
    for k in range(kiosks):
        kiosk_id = f"bench-{k:03d}"
        t = topics.kiosk("bench-store", kiosk_id)
        workload = Workload(kiosk_id, rng)
        msgs = []
        for seq in range(1, per_kiosk + 1):
            now = start + timedelta(seconds=seq)
            kind, payload = workload.next(now)
            body = event_body(
                kind=kind,
                event_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                seq=seq,
                store="bench-store",
                kiosk_id=kiosk_id,
                created_at=now.isoformat(),
                payload=payload,
            )
            msgs.append((t.event(kind), json.dumps(body, separators=(",", ":")).encode()))
        out[kiosk_id] = msgs
    return out


# -- publishers (separate processes, bare paho) ----------------------------------------


def publisher(
    port: int,
    password: str,
    batches: dict[str, list[tuple[str, bytes]]],
    ready: Any,
    go: Any,
    done: Any,
) -> None:
    clients = {}
    for kiosk_id in batches:
        c = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=kiosk_id, protocol=MQTTProtocolVersion.MQTTv5
        )
        c.username_pw_set(kiosk_id, password)
        c.max_inflight_messages_set(100)
        c.connect("127.0.0.1", port, keepalive=60)
        c.loop_start()
        clients[kiosk_id] = c
    ready.release()
    go.wait()
    last = {}
    queues = {k: iter(v) for k, v in batches.items()}
    while queues:
        for kiosk_id in list(queues):
            item = next(queues[kiosk_id], None)
            if item is None:
                del queues[kiosk_id]
                continue
            last[kiosk_id] = clients[kiosk_id].publish(item[0], item[1], qos=1)
    for info in last.values():
        info.wait_for_publish(120)
    for c in clients.values():
        c.disconnect()
        c.loop_stop()
    done.release()


class Publishers:
    def __init__(self, port: int, password: str, events: dict[str, list[Any]], procs: int) -> None:
        ctx = mp.get_context("fork")
        self.ready = ctx.Semaphore(0)
        self.done = ctx.Semaphore(0)
        self.go = ctx.Event()
        ids = sorted(events)
        self.procs = [
            ctx.Process(
                target=publisher,
                args=(
                    port,
                    password,
                    {k: events[k] for k in ids[i::procs]},
                    self.ready,
                    self.go,
                    self.done,
                ),
                daemon=True,
            )
            for i in range(procs)
        ]
        for p in self.procs:
            p.start()
        for _ in self.procs:
            self.ready.acquire()

    def start(self) -> float:
        started = time.time()
        self.go.set()
        return started

    def join(self) -> None:
        for p in self.procs:
            p.join(300)


# -- the three runs ---------------------------------------------------------------------


def raw_run(
    broker: LocalMosquitto, users: dict[str, str], events: dict[str, Any], procs: int
) -> dict[str, Any]:
    """A bare paho subscriber (same $share filters, QoS 1) that only counts."""
    total = sum(len(v) for v in events.values())
    got = 0
    last = 0.0
    finished = threading.Event()

    def on_message(_c: Any, _u: Any, _m: Any) -> None:
        nonlocal got, last
        got += 1
        last = time.time()
        if got >= total:
            finished.set()

    sub = mqtt.Client(
        CallbackAPIVersion.VERSION2, client_id="bench-raw", protocol=MQTTProtocolVersion.MQTTv5
    )
    sub.username_pw_set("fleet-manager", users["fleet-manager"])
    sub.on_message = on_message
    sub.connect("127.0.0.1", broker.manager_port, keepalive=60)
    sub.loop_start()
    for f in Topics().worker_subscriptions():
        sub.subscribe(f.replace("$share/fleet/", "$share/raw/"), qos=1)
    time.sleep(1.0)
    pubs = Publishers(broker.port, users["bench-000"], events, procs)
    started = pubs.start()
    finished.wait(300)
    pubs.join()
    sub.disconnect()
    sub.loop_stop()
    elapsed = last - started
    return {"received": got, "seconds": round(elapsed, 3), "rate": round(got / elapsed, 1)}


def manager_run(
    workdir: Path,
    broker: LocalMosquitto,
    users: dict[str, str],
    events: dict[str, Any],
    procs: int,
    workers: int,
    tag: str,
) -> dict[str, Any]:
    """`fleet serve` as shipped (workers, monitor, projector) on a fresh store."""
    total = sum(len(v) for v in events.values())
    store = workdir / f"fleet-{tag}.db"
    loaded = local_config(workdir, broker, store={"url": f"sqlite:///{store}"})
    os.environ[loaded.config.manager.password_env] = users["fleet-manager"]
    service = ManagerService(loaded, workers=workers, processes=True)
    service.start()
    if not service.wait_ready(120):
        raise RuntimeError("workers did not subscribe")
    pubs = Publishers(broker.port, users["bench-000"], events, procs)
    started = pubs.start()
    deadline = time.time() + 300
    while time.time() < deadline:
        with service.db.read() as s:
            stored = int(s.scalar(select(func.count()).select_from(EventRow)) or 0)
        if stored >= total:
            break
        time.sleep(0.25)
    pubs.join()
    time.sleep(1.0)  # anything still arriving now would be a duplicate: give it the chance
    with service.db.read() as s:
        rows, distinct, last = s.execute(
            select(
                func.count(),
                func.count(func.distinct(EventRow.event_id)),
                func.max(EventRow.received_at),
            )
        ).one()
    service.stop()
    elapsed = last.timestamp() - started
    return {
        "store": str(store),
        "stored": int(distinct),
        "seconds": round(elapsed, 3),
        "rate": round(int(distinct) / elapsed, 1),
        "lost": total - int(distinct),
        "duplicates": int(rows) - int(distinct),
    }


def projection_run(store: str) -> dict[str, Any]:
    """How fast sales, stock and alert rules are derived from stored events: on a copy of a
    run's store with its projections undone (the live projector runs at idle priority)."""
    copy = Path(store).with_name("projection-copy.db")
    with sqlite3.connect(store) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
        for table in ("sales", "sale_lines", "stock", "alerts"):
            dst.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
        dst.execute("UPDATE events SET projected = 0")
    db = open_store(f"sqlite:///{copy}", migrate=False)
    started = time.perf_counter()
    done = Projector(db, AlertsConfig()).catch_up()
    took = time.perf_counter() - started
    with db.read() as s:
        sales = int(s.scalar(select(func.count()).select_from(SaleRow)) or 0)
    db.close()
    return {
        "projected": done,
        "seconds": round(took, 2),
        "rate": round(done / took, 1),
        "sales_rows": sales,
    }


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def ingest(args: argparse.Namespace) -> dict[str, Any]:
    events = make_events(args.kiosks, args.events // args.kiosks, args.seed)
    total = sum(len(v) for v in events.values())
    users = {k: "bench" for k in events}
    users["fleet-manager"] = "bench-manager"
    runs: dict[str, list[dict[str, Any]]] = {"raw": [], "one_worker": [], "two_workers": []}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        with LocalMosquitto(workdir, users=users) as broker:
            log(
                f"{total} events from {args.kiosks} kiosks, {args.publishers} publishers, "
                f"{args.rounds} rounds"
            )
            for r in range(args.rounds):
                runs["raw"].append(raw_run(broker, users, events, args.publishers))
                runs["one_worker"].append(
                    manager_run(workdir, broker, users, events, args.publishers, 1, f"1w{r}")
                )
                runs["two_workers"].append(
                    manager_run(workdir, broker, users, events, args.publishers, 2, f"2w{r}")
                )
                log(
                    f"round {r + 1}: "
                    + ", ".join(f"{k} {v[-1]['rate']}/s" for k, v in runs.items())
                )
            projection = projection_run(runs["one_worker"][-1]["store"])
            log(f"projection: {projection}")
    raw = median([x["rate"] for x in runs["raw"]])
    one = median([x["rate"] for x in runs["one_worker"]])
    two = median([x["rate"] for x in runs["two_workers"]])
    managed = runs["one_worker"] + runs["two_workers"]
    for run in managed:
        run.pop("store")
    return {
        "events": total,
        "kiosks": args.kiosks,
        "rounds": args.rounds,
        "raw_paho_rate": round(raw, 1),
        "one_worker_rate": round(one, 1),
        "two_worker_rate": round(two, 1),
        "ratio": round(one / raw, 3),
        "lost": sum(x["lost"] for x in managed),
        "duplicates": sum(x["duplicates"] for x in managed),
        "projection": projection,
        "runs": runs,
    }


def chart(result: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    if "soak" in result:
        soak = result["soak"]
        names = ["health sent", "health stored", "events sent", "events stored"]
        values = [
            soak["health_sent"],
            soak["health_stored"] or 0,
            soak["sent"],
            soak["sent"] - (soak["lost"] or 0) - soak["unacknowledged"],
        ]
        ax.bar(names, values, color=["#4c72b0", "#55a868", "#4c72b0", "#55a868"])
        ax.set_title(
            f"Soak: {soak['kiosks']} kiosks, health every {result['heartbeat_s']:.0f}s, "
            f"{soak['duration_s']:.0f}s; lost {soak['lost']} events, {soak['health_lost']} health"
        )
        ax.set_ylabel("messages")
    else:
        keys = ["raw", "one_worker", "two_workers"]
        for i, key in enumerate(keys):
            rates = [x["rate"] for x in result["runs"][key]]
            ax.scatter([i] * len(rates), rates, color="#999999", zorder=3)
        medians = [result["raw_paho_rate"], result["one_worker_rate"], result["two_worker_rate"]]
        ax.bar(
            ["bare paho\nsubscriber", "fleet serve\n1 worker", "fleet serve\n2 workers"],
            medians,
            color=["#999999", "#4c72b0", "#55a868"],
        )
        ax.set_ylabel("events per second (QoS 1, loopback)")
        ax.set_title(
            f"Fleet ingest: ratio {result['ratio']}, lost {result['lost']}, "
            f"duplicates {result['duplicates']} ({result['events']} events x {result['rounds']})"
        )
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)


def soak(args: argparse.Namespace) -> dict[str, Any]:
    """10,000 simulated kiosks, health every 10 s, for 5 minutes, everything accounted."""
    ids = kiosk_ids(args.soak_kiosks)
    settings = SimSettings(
        kiosks=args.soak_kiosks,
        rate=args.soak_rate,
        duration_s=args.soak_seconds,
        heartbeat_s=args.heartbeat,
        drain_s=120,
        seed=args.seed,
    )
    with tempfile.TemporaryDirectory() as tmp:
        stack = LocalStack(
            Path(tmp), ids, workers=args.soak_workers, broker={"keepalive_s": 120}
        ).start()
        try:
            sim = Simulation(stack.loaded, settings, password=stack.kiosk_password, progress=log)
            report = sim.run()
            assert stack.manager is not None
            report = sim.audit(stack.manager.db, report, settle_s=60)
        finally:
            stack.stop()
    return {"soak": report.as_dict(), "heartbeat_s": args.heartbeat}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument("--events", type=int, default=40_000)
    parser.add_argument("--kiosks", type=int, default=16)
    parser.add_argument("--publishers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="medians of this many runs")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--soak", action="store_true", help="the 10,000-kiosk soak instead")
    parser.add_argument("--soak-kiosks", type=int, default=10_000)
    parser.add_argument("--soak-seconds", type=float, default=300)
    parser.add_argument("--soak-rate", type=float, default=20, help="outbox events/s in all")
    parser.add_argument("--soak-workers", type=int, default=2)
    parser.add_argument("--heartbeat", type=float, default=10)
    args = parser.parse_args()
    name = "fleet_ingest_soak" if args.soak else "fleet_ingest"
    result = soak(args) if args.soak else ingest(args)
    RESULTS.mkdir(exist_ok=True)
    chart(result, RESULTS / f"{name}.png")
    text = json.dumps(result)
    (RESULTS / f"{name}.json").write_text(text + "\n")
    print(text if args.json else json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
