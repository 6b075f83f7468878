"""The two statements SQLite and PostgreSQL spell differently: insert-or-ignore and upsert."""

from __future__ import annotations

from collections.abc import Sequence
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
