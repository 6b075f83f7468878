"""The two statements SQLite and PostgreSQL spell differently: insert-or-ignore and upsert."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def _insert(session: Session, table: Table) -> Any:
    name = session.get_bind().dialect.name
    if name == "sqlite":
        return sqlite.insert(table)
    if name == "postgresql":
        return postgresql.insert(table)
    raise NotImplementedError(f"the fleet store supports SQLite and PostgreSQL, not {name}")


def insert_ignore(session: Session, table: Table) -> Any:
    """INSERT that skips rows violating any unique constraint."""
    return _insert(session, table).on_conflict_do_nothing()


def upsert(
    session: Session,
    table: Table,
    keys: Sequence[str],
    update: Sequence[str],
    *,
    newer: str | None = None,
) -> Any:
    """INSERT, or UPDATE the `update` columns of the row with the same `keys`; with `newer`,
    only when the incoming value of that column is at least the stored one."""
    stmt = _insert(session, table)
    where = table.c[newer] <= getattr(stmt.excluded, newer) if newer else None
    return stmt.on_conflict_do_update(
        index_elements=list(keys),
        set_={c: getattr(stmt.excluded, c) for c in update},
        where=where,
    )


def time_value(session: Session) -> Callable[[datetime], object]:
    """How a datetime goes to the driver directly: SQLite keeps SQLAlchemy's text format."""
    if session.get_bind().dialect.name == "sqlite":
        return lambda dt: dt.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return lambda dt: dt.astimezone(UTC)


def insert_many(
    session: Session, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """A plain executemany INSERT straight to the driver: the ingest hot path, where
    SQLAlchemy's per-row parameter processing costs more than SQLite's insert."""
    placeholder = "?" if session.get_bind().dialect.name == "sqlite" else "%s"
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"VALUES ({', '.join([placeholder] * len(columns))})"
    )
    session.connection().exec_driver_sql(sql, rows)
