"""The acquirer side of the simulated providers: what the bank believes, kept in its own file.

It lives apart from the kiosk database on purpose, like a real acquirer: after the kiosk
crashes, asking it about a key tells the truth about whether money moved.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS charges (
    key TEXT PRIMARY KEY,
    method TEXT NOT NULL,
    amount INTEGER NOT NULL,
    status TEXT NOT NULL,
    reference TEXT NOT NULL,
    card_last4 TEXT NOT NULL,
    fault TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS refunds (
    refund_key TEXT PRIMARY KEY,
    charge_key TEXT NOT NULL,
    amount INTEGER NOT NULL
);
"""


@dataclass(frozen=True)
class Charge:
    key: str
    method: str
    amount: int
    status: str  # pending | captured | declined | cancelled | voided | expired
    reference: str
    card_last4: str
    fault: str
    created: float


class SimLedger:
    def __init__(self, path: Path | str = ":memory:") -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.executescript(_SCHEMA)
        self._lock = threading.Lock()

    def get(self, key: str) -> Charge | None:
        with self._lock:
            row = self._conn.execute("SELECT * FROM charges WHERE key = ?", (key,)).fetchone()
        return Charge(*row) if row else None

    def put(self, charge: Charge) -> Charge:
        """Insert once; a second put of the same key returns the first (idempotency)."""
        with self._lock:
            self._conn.execute(
                "INSERT OR IGNORE INTO charges VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    charge.key,
                    charge.method,
                    charge.amount,
                    charge.status,
                    charge.reference,
                    charge.card_last4,
                    charge.fault,
                    charge.created or time.time(),
                ),
            )
        stored = self.get(charge.key)
        assert stored is not None
        return stored

    def set_status(self, key: str, status: str, expect: tuple[str, ...]) -> bool:
        with self._lock:
            marks = ",".join("?" * len(expect))
            cur = self._conn.execute(
                f"UPDATE charges SET status = ? WHERE key = ? AND status IN ({marks})",
                (status, key, *expect),
            )
            return cur.rowcount == 1

    def refund(self, refund_key: str, charge_key: str, amount: int) -> bool:
        """Record a refund once; False when this refund key was already used."""
        with self._lock:
            cur = self._conn.execute(
                "INSERT OR IGNORE INTO refunds VALUES (?, ?, ?)", (refund_key, charge_key, amount)
            )
            return cur.rowcount == 1

    def has_refund(self, refund_key: str) -> bool:
        with self._lock:
            row = self._conn.execute(
                "SELECT 1 FROM refunds WHERE refund_key = ?", (refund_key,)
            ).fetchone()
        return row is not None

    def refunded(self, charge_key: str) -> int:
        with self._lock:
            row = self._conn.execute(
                "SELECT COALESCE(SUM(amount), 0) FROM refunds WHERE charge_key = ?", (charge_key,)
            ).fetchone()
        return int(row[0])

    def captured_total(self) -> int:
        with self._lock:
            row = self._conn.execute(
                "SELECT COALESCE(SUM(amount), 0) FROM charges WHERE status = 'captured'"
            ).fetchone()
        return int(row[0])

    def close(self) -> None:
        self._conn.close()
