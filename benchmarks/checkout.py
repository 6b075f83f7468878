"""Checkout throughput: events/s through the pure session; committed sales/s to SQLite (FULL).

The storage figure is compared with raw sqlite3 doing the same writes per sale (same pragmas,
one transaction each) in the same run; the ratio is what SQLAlchemy and our checks cost.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from tqdm import tqdm

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.checkout import events as ev  # noqa: E402
from kiosk.checkout.catalog import Catalog, SoldBy  # noqa: E402
from kiosk.checkout.session import CheckoutContext, CheckoutMachine, Phase  # noqa: E402
from kiosk.config import load_config  # noqa: E402
from kiosk.storage.catalog_repo import import_products, list_products  # noqa: E402
from kiosk.storage.engine import Database  # noqa: E402
from kiosk.storage.sales import commit_sale  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"


def session_events(seconds: float, seed: int = 1) -> dict[str, float]:
    loaded = load_config(ROOT / "config" / "kiosk.toml")
    from kiosk.checkout.catalog_csv import parse_catalog

    products = parse_catalog((ROOT / "config" / "catalog.csv").read_text(), loaded.currency)
    units = [
        p for p in products if p.sold_by == SoldBy.UNIT and p.min_age == 0 and not p.not_bagged
    ]
    ids = itertools.count()
    machine = CheckoutMachine(
        CheckoutContext(
            catalog=Catalog(products),
            rules=loaded.pricing,
            currency=loaded.currency,
            codes=loaded.config.checkout.codes,
            new_id=lambda: f"id{next(ids)}",
        )
    )
    rng = random.Random(seed)
    state = machine.initial()
    t, events, sales = 0.0, 0, 0
    scan_us: list[float] = []
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        state = machine.step(state, ev.WeightChanged(at=t, grams=0, stable=True)).state
        bag = 0
        for _ in range(rng.randint(1, 25)):
            p = rng.choice(units)
            t += 1
            s0 = time.perf_counter()
            state = machine.step(state, ev.ItemScanned(at=t, code=p.gtin)).state
            scan_us.append((time.perf_counter() - s0) * 1e6)
            bag += p.unit_weight_g or 0
            state = machine.step(state, ev.WeightChanged(at=t + 0.5, grams=bag, stable=True)).state
            state = machine.step(state, ev.Tick(at=t + 0.7)).state
            events += 3
        step = machine.step(state, ev.PayRequested(at=t + 1, method=ev.PaymentMethod.CARD))
        state = step.state
        assert state.phase == Phase.PAYING
        assert state.payment is not None
        state = machine.step(
            state,
            ev.PaymentResult(at=t + 2, key=state.payment.key, outcome=ev.PaymentOutcome.CAPTURED),
        ).state
        assert state.sale is not None
        state = machine.step(state, ev.SaleCommitted(at=t + 3, sale_id=state.sale.sale_id)).state
        state = machine.step(state, ev.ReceiptDone(at=t + 4)).state
        events += 5
        sales += 1
    elapsed = time.perf_counter() - started
    scan_us.sort()
    return {
        "events": events,
        "sessions": sales,
        "events_per_s": round(events / elapsed),
        "scan_p50_us": round(scan_us[len(scan_us) // 2], 1),
        "scan_p95_us": round(scan_us[int(len(scan_us) * 0.95)], 1),
    }


def _draft(products: list, rng: random.Random):  # type: ignore[no-untyped-def]
    """A realistic committed sale (5 lines) built by the real session."""
    loaded = load_config(ROOT / "config" / "kiosk.toml")
    ids = itertools.count()
    machine = CheckoutMachine(
        CheckoutContext(
            catalog=Catalog(products),
            rules=loaded.pricing,
            currency=loaded.currency,
            new_id=lambda: str(uuid.uuid4()) + str(next(ids)),
        )
    )
    state = machine.step(machine.initial(), ev.StartShopping(at=0)).state
    state = machine.step(state, ev.WeightChanged(at=0, grams=0, stable=True)).state
    units = [
        p for p in products if p.sold_by == SoldBy.UNIT and p.min_age == 0 and not p.not_bagged
    ]
    bag = 0
    for p in rng.sample(units, 5):
        state = machine.step(state, ev.ItemScanned(at=1, code=p.gtin)).state
        bag += p.unit_weight_g or 0
    state = machine.step(state, ev.WeightChanged(at=2, grams=bag, stable=True)).state
    state = machine.step(state, ev.PayRequested(at=3, method=ev.PaymentMethod.CARD)).state
    assert state.payment is not None
    state = machine.step(
        state,
        ev.PaymentResult(
            at=4, key=state.payment.key, outcome=ev.PaymentOutcome.CAPTURED, card_last4="4242"
        ),
    ).state
    assert state.sale is not None
    return state.sale


def committed_sales(count: int, workdir: Path) -> dict[str, float]:
    loaded = load_config(ROOT / "config" / "kiosk.toml")
    from kiosk.checkout.catalog_csv import parse_catalog

    db = Database.open(f"sqlite:///{workdir / 'bench.db'}")
    import_products(
        db, parse_catalog((ROOT / "config" / "catalog.csv").read_text(), loaded.currency)
    )
    products = list_products(db)
    rng = random.Random(2)
    template = _draft(products, rng)
    times: list[float] = []
    for _ in tqdm(range(count), desc="commit_sale", file=sys.stderr):
        sale = template.model_copy(
            update={"sale_id": str(uuid.uuid4()), "session_id": str(uuid.uuid4())}
        )
        t0 = time.perf_counter()
        commit_sale(db, sale, kiosk_id="bench")
        times.append(time.perf_counter() - t0)
    db.close()
    times.sort()
    return {
        "sales": count,
        "sales_per_s": round(count / sum(times), 1),
        "commit_p50_ms": round(times[len(times) // 2] * 1000, 2),
        "commit_p95_ms": round(times[int(len(times) * 0.95)] * 1000, 2),
        "lines_per_sale": len(template.lines),
    }


def raw_sqlite(count: int, workdir: Path, lines: int) -> dict[str, float]:
    """The same rows per sale written with the bare sqlite3 module, same pragmas."""
    conn = sqlite3.connect(workdir / "raw.db", isolation_level=None)
    for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=FULL", "busy_timeout=10000"):
        conn.execute(f"PRAGMA {pragma}")
    conn.executescript(
        """
        CREATE TABLE products (gtin TEXT PRIMARY KEY, stock INTEGER);
        CREATE TABLE sales (id TEXT PRIMARY KEY, total INTEGER, document TEXT);
        CREATE TABLE lines (
            sale TEXT REFERENCES sales(id), no INTEGER, gtin TEXT, qty INTEGER,
            PRIMARY KEY (sale, no)
        );
        CREATE TABLE moves (id INTEGER PRIMARY KEY, gtin TEXT, delta INTEGER, sale TEXT);
        CREATE TABLE payments (key TEXT PRIMARY KEY, sale TEXT, status TEXT);
        CREATE TABLE outbox (seq INTEGER PRIMARY KEY, id TEXT UNIQUE, payload TEXT);
        CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER);
        INSERT INTO counters VALUES ('seq', 0);
        """
    )
    conn.executemany("INSERT INTO products VALUES (?, 100)", [(f"g{i}",) for i in range(lines)])
    doc = "x" * 2500
    times = []
    for n in tqdm(range(count), desc="raw sqlite3", file=sys.stderr):
        sid = str(uuid.uuid4())
        t0 = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE counters SET value = value + 1 WHERE name = 'seq'")
        conn.execute("INSERT INTO outbox VALUES (?, ?, ?)", (n + 1, str(uuid.uuid4()), doc))
        conn.execute("INSERT INTO sales VALUES (?, 100, ?)", (sid, doc))
        for i in range(lines):
            conn.execute("INSERT INTO lines VALUES (?, ?, ?, 1)", (sid, i, f"g{i}"))
            conn.execute("SELECT stock FROM products WHERE gtin = ?", (f"g{i}",)).fetchone()
            conn.execute("UPDATE products SET stock = stock - 1 WHERE gtin = ?", (f"g{i}",))
            conn.execute("INSERT INTO moves (gtin, delta, sale) VALUES (?, -1, ?)", (f"g{i}", sid))
        conn.execute("INSERT INTO payments VALUES (?, ?, 'captured')", (sid, sid))
        conn.execute("COMMIT")
        times.append(time.perf_counter() - t0)
    conn.close()
    return {
        "sales": count,
        "sales_per_s": round(count / sum(times), 1),
        "commit_p50_ms": round(statistics.median(times) * 1000, 2),
    }


def plot(result: dict[str, dict[str, float]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4))
    a.bar(["session events/s"], [result["session"]["events_per_s"]], color="#4c72b0")
    a.set_title("Pure session (one core)")
    b.bar(
        ["kiosk commit_sale", "raw sqlite3"],
        [result["storage"]["sales_per_s"], result["raw_sqlite"]["sales_per_s"]],
        color=["#4c72b0", "#999999"],
    )
    b.set_title("Committed sales/s, synchronous=FULL")
    for ax in (a, b):
        for p in ax.patches:
            ax.annotate(
                f"{p.get_height():,.0f}",
                (p.get_x() + p.get_width() / 2, p.get_height()),
                ha="center",
                va="bottom",
            )
    fig.tight_layout()
    fig.savefig(RESULTS / "checkout.png", dpi=100)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true", help="print the JSON result only")
    parser.add_argument("--seconds", type=float, default=5.0, help="session run length")
    parser.add_argument("--sales", type=int, default=300, help="sales to commit")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        session = session_events(args.seconds)
        storage = committed_sales(args.sales, Path(tmp))
        raw = raw_sqlite(args.sales, Path(tmp), int(storage["lines_per_sale"]))
    result = {
        "session": session,
        "storage": storage,
        "raw_sqlite": raw,
        "storage_ratio_to_raw": round(storage["sales_per_s"] / raw["sales_per_s"], 3),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "checkout.json").write_text(json.dumps(result, indent=2) + "\n")
    plot(result)
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
