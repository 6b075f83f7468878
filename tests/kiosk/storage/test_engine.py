"""SQLite pragmas, write locks taken up front, migrations matching the models."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from kiosk.storage.engine import Database
from kiosk.storage.migrate import current_revision, head_revision
from kiosk.storage.models import Base


def test_pragmas(db: Database) -> None:
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 10_000


def test_writers_take_the_lock_up_front(tmp_path: Path) -> None:
    db = Database.open(f"sqlite:///{tmp_path / 'k.db'}")
    entered, release = threading.Event(), threading.Event()

    def hold() -> None:
        with db.write() as s:  # the first statement opens with BEGIN IMMEDIATE
            s.execute(text("SELECT count(*) FROM products"))  # a read, yet the write lock is held
            entered.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    assert entered.wait(5)
    other = sqlite3.connect(tmp_path / "k.db", timeout=0.2)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        other.execute("BEGIN IMMEDIATE")
    other.close()
    with db.read() as s:  # readers are not blocked under WAL
        assert s.execute(text("SELECT 1")).scalar() == 1
    release.set()
    holder.join()
    db.close()


def test_migrations_are_at_head_and_match_the_models(db: Database) -> None:
    assert current_revision(db.engine) == head_revision()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_postgresql(postgres_url: str) -> None:
    db = Database.open(postgres_url)
    assert current_revision(db.engine) == head_revision()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    db.close()


def test_recorded_head_is_the_newest_migration() -> None:
    from kiosk.storage.migrate import HEAD

    assert head_revision() == HEAD


def test_check_tells_an_unmigrated_database_from_an_old_one(tmp_path: Path) -> None:
    from kiosk.storage.check import check
    from kiosk.storage.migrate import upgrade

    db = Database.open(f"sqlite:///{tmp_path / 'k.db'}", migrate=False)
    fresh = check(db)
    assert fresh.ok
    assert fresh.sales == 0
    assert any("never migrated" in n for n in fresh.notes)
    upgrade(db.engine, "0001")
    old = check(db)
    assert not old.ok
    assert "expected" in old.breaches[0]
    db.close()
