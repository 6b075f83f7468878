"""Opening the fleet store: an engine with the kiosk's durability settings, then migrations."""

from __future__ import annotations

from fleet.store.migrate import upgrade
from kiosk.storage.engine import Database, make_engine


def open_store(url: str, *, migrate: bool = True) -> Database:
    """The fleet database at `url` (sqlite:///... or postgresql+psycopg://...), migrated.

    SQLite runs in WAL mode with synchronous=FULL: an event is acknowledged to its kiosk only
    after a commit that survives a power cut, because the kiosk deletes it on that ack.
    """
    db = Database(make_engine(url))
    if migrate:
        upgrade(db.engine)
    return db
