"""`fleet db` and `fleet status`: the fleet store's schema, kiosks and refused messages."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click
from sqlalchemy import func, not_, select

from fleet.commandline.options import config_option, load
from fleet.messages.base import utcnow
from fleet.store.database import open_store
from fleet.store.migrate import current_revision, head_revision
from fleet.store.models import EventRow, KioskRow, QuarantineRow


@click.group("db")
def db_group() -> None:
    """The fleet store (SQLite or PostgreSQL)."""


@db_group.command("migrate")
@config_option
def migrate(config_path: Path | None) -> None:
    """Bring the fleet schema to the latest revision (also done by `fleet serve`)."""
    loaded = load(config_path)
    db = open_store(loaded.store_url)
    click.echo(
        f"{loaded.store_url}: revision {current_revision(db.engine)} (head {head_revision()})"
    )


@db_group.command("quarantine")
@config_option
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True)
def quarantine(config_path: Path | None, limit: int) -> None:
    """Messages the manager refused, newest first, with the reason."""
    loaded = load(config_path)
    with open_store(loaded.store_url).read() as s:
        for q in s.scalars(select(QuarantineRow).order_by(QuarantineRow.id.desc()).limit(limit)):
            click.echo(
                f"{q.id:>6} {q.received_at:%Y-%m-%d %H:%M:%S} {q.topic} seq={q.seq} "
                f"{q.size}B: {q.reason}"
            )


@click.command("status")
@config_option
def status(config_path: Path | None) -> None:
    """Every kiosk: online, last heard, lock, outbox backlog, sequence high-water mark."""
    loaded = load(config_path)
    now = utcnow()
    with open_store(loaded.store_url).read() as s:
        unprojected = s.scalar(
            select(func.count()).select_from(EventRow).where(not_(EventRow.projected))
        )
        for k in s.scalars(select(KioskRow).order_by(KioskRow.store, KioskRow.kiosk_id)):
            ago = (now - k.last_seen) // timedelta(seconds=1)
            state = "online " if k.online else "OFFLINE"
            lock = " LOCKED" if k.locked else ""
            click.echo(
                f"{k.store}/{k.kiosk_id}: {state}{lock} heard {ago}s ago, "
                f"backlog {k.backlog}, stored up to seq {k.high_water} "
                f"(max {k.max_seq}, kiosk at {k.reported_seq}), app {k.app_version}"
            )
    click.echo(f"events waiting for projection: {unprojected}")
