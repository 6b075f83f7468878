"""The agent's own small database: nonces already seen, the command journal, the lock state.

Kept apart from the kiosk database (whose schema the kiosk owns). A nonce is kept until its
command expires: after that the command is refused as expired anyway, so it can be forgotten.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS nonces (nonce TEXT PRIMARY KEY, expires_at REAL NOT NULL)",
    "CREATE TABLE IF NOT EXISTS journal (id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL,"
    " command_id TEXT, action TEXT, status TEXT NOT NULL, detail TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)


@dataclass(frozen=True)
class JournalEntry:
    at: float
    command_id: str | None
    action: str | None
    status: str
    detail: str


class Journal:
    def __init__(self, path: Path | str) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            for statement in _SCHEMA:
                self._db.execute(statement)

    def claim(self, nonce: str, expires_at: float, now: float | None = None) -> bool:
        """True the first time a nonce is seen (and remembers it); False on a replay."""
        now = time.time() if now is None else now
        with self._lock:
            self._db.execute("DELETE FROM nonces WHERE expires_at < ?", (now,))
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO nonces (nonce, expires_at) VALUES (?, ?)",
                (nonce, expires_at),
            )
            return cursor.rowcount == 1

    def record(self, command_id: str | None, action: str | None, status: str, detail: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO journal (at, command_id, action, status, detail) VALUES (?,?,?,?,?)",
                (time.time(), command_id, action, status, detail[:2000]),
            )

    def recent(self, limit: int = 50) -> list[JournalEntry]:
        with self._lock:
            rows = self._db.execute(
                "SELECT at, command_id, action, status, detail FROM journal"
                " ORDER BY id DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [JournalEntry(*row) for row in rows]

    def get_state(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def take_state(self, key: str) -> str | None:
        """Remove `key` and return what it held, in one step (None if it was not set)."""
        with self._lock:
            row = self._db.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
            if row is not None:
                self._db.execute("DELETE FROM state WHERE key = ?", (key,))
            return None if row is None else str(row[0])

    def set_state(self, key: str, value: str | None) -> None:
        with self._lock:
            if value is None:
                self._db.execute("DELETE FROM state WHERE key = ?", (key,))
            else:
                self._db.execute(
                    "INSERT INTO state (key, value) VALUES (?, ?)"
                    " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )

    def close(self) -> None:
        with self._lock:
            self._db.close()
