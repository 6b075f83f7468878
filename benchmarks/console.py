"""Console benchmark: server time of the overview, kiosk detail and sales pages over a store of
1,000 kiosks and 100,000 sales, beside the same data fetched with hand-written SQL through the
raw sqlite3 module (benchmarks/console_raw.py, checked equal to the console's API answers), and
the live delay from an MQTT offline status reaching the manager to its alert showing in an open
alerts page (headless Chromium, via the live channel).

    uv run python benchmarks/console.py --json
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import requests  # noqa: E402
from sqlalchemy import insert  # noqa: E402
from tqdm import tqdm  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import console_raw  # noqa: E402
from fleet.broker.local import LocalMosquitto  # noqa: E402
from fleet.config import FleetConfig, LoadedFleetConfig  # noqa: E402
from fleet.console.accounts import add_user  # noqa: E402
from fleet.console.api import period  # noqa: E402
from fleet.console.component import ConsoleServer  # noqa: E402
from fleet.console.config import ConsoleConfig  # noqa: E402
from fleet.console.models import Role  # noqa: E402
from fleet.manager.monitor import Monitor  # noqa: E402
from fleet.manager.service import ManagerContext  # noqa: E402
from fleet.messages.base import utcnow  # noqa: E402
from fleet.messages.telemetry import Presence, Status, StatusReason  # noqa: E402
from fleet.mqtt import new_client  # noqa: E402
from fleet.sim.stack import local_config  # noqa: E402
from fleet.store.database import open_store  # noqa: E402
from fleet.store.models import (  # noqa: E402
    HEALTH,
    KIOSKS,
    SALE_LINES,
    SALES,
    STOCK,
    AlertRow,
)
from fleet.topics import Topics  # noqa: E402
from kiosk.storage.engine import Database  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
PASSWORD = "benchmark password"
N_KIOSKS, N_SALES, N_STORES = 1000, 100_000, 50
PRODUCTS = [(f"{4000000000000 + i * 7:014d}", f"Product {i}") for i in range(200)]
TARGET_PAGE_MS, TARGET_LIVE_S = 300.0, 1.0


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def seed(db: Database, rng: random.Random, kiosks: int, sales: int) -> None:
    now = utcnow()
    ids = [(f"k{i:04d}", f"store-{i % N_STORES:03d}") for i in range(kiosks)]
    with db.write() as s:
        add_user(s, "olga", Role.OPERATOR, None, PASSWORD)
        s.execute(
            insert(KIOSKS),
            [
                {
                    "kiosk_id": k,
                    "store": st,
                    "first_seen": now,
                    "last_seen": now,
                    "online": rng.random() > 0.05,
                    "locked": False,
                    "backlog": 0,
                    "high_water": 0,
                    "max_seq": 0,
                    "reported_seq": 0,
                    "health_at": now,
                    "last_health": {
                        "devices": {"camera": "ok", "scale": rng.choice(["ok"] * 30 + ["fault"])}
                    },
                }
                for k, st in ids
            ],
        )
        s.execute(
            insert(STOCK),
            [
                {
                    "kiosk_id": k,
                    "gtin": g,
                    "name": n,
                    "stock": rng.randrange(0, 60),
                    "seq": 0,
                    "updated_at": now,
                }
                for k, _ in ids
                for g, n in PRODUCTS[:20]
            ],
        )
        s.execute(
            insert(AlertRow),
            [
                {
                    "rule": "low_stock",
                    "kiosk_id": k,
                    "store": st,
                    "subject": PRODUCTS[0][0],
                    "severity": "warning",
                    "status": "open",
                    "count": 1,
                    "detail": {},
                    "opened_at": now,
                    "last_at": now,
                }
                for k, st in ids[: kiosks // 5]
            ],
        )
        # a day of health every 10 s for the kiosk shown on the detail page
        s.execute(
            insert(HEALTH),
            [
                {
                    "kiosk_id": ids[0][0],
                    "boot_id": "b",
                    "beat": b,
                    "at": now - timedelta(seconds=10 * b),
                    "received_at": now,
                    "cpu_percent": rng.uniform(5, 60),
                    "memory_percent": 40.0,
                    "disk_percent": 30.0,
                    "temperature_c": rng.uniform(40, 60),
                    "devices": {},
                    "backlog": 0,
                    "last_seq": b,
                }
                for b in range(1, 8641)
            ],
        )
    for start in tqdm(range(0, sales, 10_000), desc="seeding sales", file=sys.stderr):
        sale_rows, line_rows = [], []
        for i in range(start, min(sales, start + 10_000)):
            k, st = ids[rng.randrange(kiosks)]
            sale_id = f"sale-{i}"
            lines = [rng.choice(PRODUCTS) for _ in range(rng.randint(1, 3))]
            nets = [rng.randrange(100, 2000) for _ in lines]
            sale_rows.append(
                {
                    "sale_id": sale_id,
                    "event_id": str(uuid.UUID(int=rng.getrandbits(128))),
                    "kiosk_id": k,
                    "store": st,
                    "created_at": now - timedelta(seconds=rng.randrange(30 * 86_400)),
                    "currency": "EUR",
                    "exponent": 2,
                    "items": len(lines),
                    "total": sum(nets),
                    "tax_total": 0,
                    "discount_total": 0,
                    "amount_due": sum(nets),
                    "method": "card",
                }
            )
            line_rows += [
                {
                    "sale_id": sale_id,
                    "line_no": n,
                    "gtin": g,
                    "name": name,
                    "quantity": 1,
                    "grams": None,
                    "net": net,
                }
                for n, ((g, name), net) in enumerate(zip(lines, nets, strict=True), 1)
            ]
        with db.write() as s:
            s.execute(insert(SALES), sale_rows)
            s.execute(insert(SALE_LINES), line_rows)


PAGES = {  # name: (page, the JSON API answer with the same data)
    "overview": ("/", "/api/kiosks"),
    "kiosk_detail": ("/kiosks/k0000", "/api/kiosks/k0000"),
    "sales_7d": ("/sales?days=7", "/api/sales?days=7"),
    "sales_30d": ("/sales?days=30", "/api/sales?days=30"),
}


def raw_call(name: str, tz: str) -> Callable[[sqlite3.Connection], Any]:
    """The page's raw-SQL twin, for the same parameters the page is asked with."""
    if name == "overview":
        return console_raw.overview
    if name == "kiosk_detail":
        return lambda c: console_raw.kiosk_detail(c, "k0000")
    days = int(name.removeprefix("sales_").removesuffix("d"))
    return lambda c: console_raw.sales(c, *period(days, None), tz)


def raw_check(name: str, tz: str, conn: sqlite3.Connection, api: dict[str, Any]) -> None:
    """Raises console_raw.Disagree unless the raw SQL shows what the page's API answer shows."""
    if name == "overview":
        console_raw.check_overview(api, console_raw.overview(conn))
    elif name == "kiosk_detail":
        console_raw.check_kiosk(api, console_raw.kiosk_detail(conn, "k0000"))
    else:
        # The API's own period: a sale crossing its edge in between would be a false alarm.
        since, until = datetime.fromisoformat(api["since"]), datetime.fromisoformat(api["until"])
        console_raw.check_sales(api, console_raw.sales(conn, since, until, tz))


def time_pages(url: str, db_path: Path, tz: str, rounds: int) -> dict[str, Any]:
    session = requests.Session()
    r = session.post(f"{url}/api/session", json={"username": "olga", "password": PASSWORD})
    r.raise_for_status()
    conn = console_raw.connect(str(db_path))
    out: dict[str, Any] = {}
    for name, (path, api_path) in PAGES.items():
        server, total = [], []
        first = session.get(url + path)  # the first view: nothing kept yet
        first.raise_for_status()
        for _ in tqdm(range(rounds), desc=name, file=sys.stderr):
            started = time.perf_counter()
            r = session.get(url + path)
            total.append((time.perf_counter() - started) * 1000)
            r.raise_for_status()
            server.append(float(r.headers["Server-Timing"].split("dur=")[1]))
        api = session.get(url + api_path)
        api.raise_for_status()
        raw_check(name, tz, conn, api.json())
        raw = time_calls(partial(raw_call(name, tz), conn), rounds)
        out[name] = {
            "server_median_ms": round(statistics.median(server), 1),
            "server_p95_ms": round(percentile(server, 95), 1),
            "server_first_ms": float(first.headers["Server-Timing"].split("dur=")[1]),
            "roundtrip_median_ms": round(statistics.median(total), 1),
            "bytes": len(r.content),
            "raw_sql_median_ms": round(statistics.median(raw), 2),
            "raw_sql_p95_ms": round(percentile(raw, 95), 2),
            "ratio_server_to_raw": round(statistics.median(server) / statistics.median(raw), 2),
            "samples": server,
        }
    conn.close()
    return out


def time_calls(call: Callable[[], Any], rounds: int) -> list[float]:
    """Milliseconds per call over `rounds` calls, after one warm-up call."""
    call()
    took = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        took.append((time.perf_counter() - started) * 1000)
    return took


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def live_delay(workdir: Path, db: Database, console_url: str, trials: int) -> list[float]:
    """Offline statuses published over MQTT as kiosks; time until each alert row is on screen."""
    from playwright.sync_api import sync_playwright

    kiosks = [f"k{i:04d}" for i in range(1, trials + 1)]
    users = {k: f"pw-{k}" for k in kiosks} | {"fleet-manager": "pw-manager"}
    broker = LocalMosquitto(workdir / "broker", users=users).start()
    loaded = local_config(
        workdir, broker, manager={"heartbeat_timeout_s": 3600, "monitor_interval_s": 0.2}
    )
    monitor = Monitor(loaded, db=db, password="pw-manager")
    stop = threading.Event()
    threading.Thread(target=monitor.run, args=(stop,), daemon=True).start()
    assert monitor.wait_connected(20), "monitor did not connect"
    topics = Topics(loaded.config.topics)
    delays = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"]
            )
            page = browser.new_page()
            page.goto(f"{console_url}/login")
            page.fill("input[name=username]", "olga")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.goto(f"{console_url}/alerts")
            page.wait_for_selector("#live-state.up")
            for kiosk_id in tqdm(kiosks, desc="live delay", file=sys.stderr):
                store = f"store-{int(kiosk_id[1:]) % N_STORES:03d}"
                client = new_client(
                    f"{kiosk_id}",
                    loaded.config.broker,
                    username=kiosk_id,
                    password=users[kiosk_id],
                    ca_file=None,
                )
                client.connect(loaded.config.broker.host, loaded.config.broker.port)
                client.loop_start()
                status = Status(
                    store=store,
                    kiosk_id=kiosk_id,
                    state=Presence.OFFLINE,
                    reason=StatusReason.CONNECTION_LOST,
                    at=utcnow(),
                    boot_id="bench",
                )
                started = time.perf_counter()
                client.publish(
                    topics.kiosk(store, kiosk_id).status,
                    status.model_dump_json().encode(),
                    qos=1,
                    retain=True,
                ).wait_for_publish(5)
                page.wait_for_selector(
                    f"tr[data-rule=kiosk_offline][data-kiosk={kiosk_id}]", timeout=10_000
                )
                delays.append(time.perf_counter() - started)
                client.disconnect()
                client.loop_stop()
                time.sleep(0.3)
            browser.close()
    finally:
        stop.set()
        broker.stop()
    return delays


def chart(pages: dict[str, Any], delays: list[float], path: Path) -> None:
    fig, (a, b) = plt.subplots(1, 2, figsize=(12, 4.5))
    names = list(pages)
    bars = {  # key: (label, colour)
        "server_median_ms": ("console median", "#4e79a7"),
        "server_p95_ms": ("console p95", "#f28e2b"),
        "raw_sql_median_ms": ("raw sqlite3 median", "#59a14f"),
        "raw_sql_p95_ms": ("raw sqlite3 p95", "#b6d7a8"),
    }
    width = 0.2
    for i, (key, (label, colour)) in enumerate(bars.items()):
        xs = [n + (i - 1.5) * width for n in range(len(names))]
        a.bar(xs, [pages[n][key] for n in names], width, label=label, color=colour)
    for x, n in enumerate(names):
        top = max(pages[n][k] for k in bars)
        a.annotate(
            f"x{pages[n]['ratio_server_to_raw']:g}",
            (x, top),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            fontsize=8,
        )
    a.set_xticks(range(len(names)), names)
    a.axhline(TARGET_PAGE_MS, color="red", linestyle="--", label="target 300 ms")
    a.set_ylabel("time per view (ms)")
    a.set_title(f"Pages, {N_KIOSKS} kiosks / {N_SALES:,} sales (xN: console / raw median)")
    a.tick_params(axis="x", labelsize=8)
    a.legend(fontsize=7)
    b.plot(range(1, len(delays) + 1), [d * 1000 for d in delays], "o-")
    b.axhline(TARGET_LIVE_S * 1000, color="red", linestyle="--", label="target 1 s")
    b.set_xlabel("trial")
    b.set_ylabel("MQTT status -> row on screen (ms)")
    b.set_title("Live update delay")
    b.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--trials", type=int, default=10)
    args = parser.parse_args()
    rng = random.Random(8)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        loaded = LoadedFleetConfig(FleetConfig(), work / "fleet.toml")
        db = open_store(f"sqlite:///{work / 'fleet.db'}")
        started = time.perf_counter()
        seed(db, rng, N_KIOSKS, N_SALES)
        log(f"seeded in {time.perf_counter() - started:.0f} s")
        config = ConsoleConfig(port=_free_port())
        server = ConsoleServer(
            ManagerContext(loaded, db, Topics(loaded.config.topics), None), config
        )
        stop = threading.Event()
        threading.Thread(target=server.run, args=(stop,), daemon=True).start()
        assert server.wait_started(15)
        pages = time_pages(
            server.url, work / "fleet.db", loaded.config.report.timezone, args.rounds
        )
        delays = live_delay(work, db, server.url, args.trials)
        stop.set()
    result = {
        "kiosks": N_KIOSKS,
        "sales": N_SALES,
        "rounds": args.rounds,
        "pages": {n: {k: v for k, v in p.items() if k != "samples"} for n, p in pages.items()},
        "raw_sql": "the same rows and aggregates each page shows, by hand-written SQL through"
        " Python's sqlite3 on the same file, timed in-process over the same rounds after one"
        " warm-up; each checked equal to the page's JSON API answer first ("
        + ", ".join(api for _, api in PAGES.values())
        + ")",
        "live": {
            "path": "MQTT offline status -> monitor -> alert row -> live feed (SSE)"
            " -> row in an open alerts page in Chromium",
            "trials": len(delays),
            "median_s": round(statistics.median(delays), 3),
            "p95_s": round(percentile(delays, 95), 3),
            "max_s": round(max(delays), 3),
            "poll_s": config.live_poll_s,
        },
        "targets": {"page_ms": TARGET_PAGE_MS, "live_s": TARGET_LIVE_S},
        "pages_within_target": all(p["server_p95_ms"] < TARGET_PAGE_MS for p in pages.values()),
        "live_within_target": max(delays) < TARGET_LIVE_S,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "console.json").write_text(json.dumps(result, indent=2) + "\n")
    chart(pages, delays, RESULTS / "console.png")
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))
    return 0


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


if __name__ == "__main__":
    sys.exit(main())
