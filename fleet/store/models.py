"""Tables of the fleet store (the schema itself lives in fleet/store/migrations)."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on both back ends (SQLite would hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the fleet store")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        when = datetime.fromisoformat(value) if isinstance(value, str) else value
        if not isinstance(when, datetime):
            raise TypeError(f"the store returned {type(when).__name__} for a datetime")
        return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


class AlertStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class CommandStatus(StrEnum):
    SENT = "sent"
    OK = "ok"
    FAILED = "failed"
    REFUSED = "refused"
    EXPIRED = "expired"  # no result before its expiry


class GapStatus(StrEnum):
    OPEN = "open"
    FILLED = "filled"
    LOST = "lost"  # the kiosk no longer has these events


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class KioskRow(Base):
    __tablename__ = "kiosks"

    kiosk_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    store: Mapped[str] = mapped_column(String(64), index=True)
    first_seen: Mapped[datetime] = mapped_column(UtcDateTime())
    last_seen: Mapped[datetime] = mapped_column(UtcDateTime())
    online: Mapped[bool] = mapped_column(Boolean, default=False)
    status_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    status_reason: Mapped[str | None] = mapped_column(String(24))
    boot_id: Mapped[str | None] = mapped_column(String(64))
    app_version: Mapped[str | None] = mapped_column(String(40))
    config_hash: Mapped[str | None] = mapped_column(String(80))
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    health_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_health: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    high_water: Mapped[int] = mapped_column(BigInteger, default=0)  # every seq <= is stored
    max_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    reported_seq: Mapped[int] = mapped_column(BigInteger, default=0)  # last_seq from health
    backlog: Mapped[int] = mapped_column(Integer, default=0)


class EventRow(Base):
    """Every outbox event exactly once: unique by UUID and by (kiosk, seq)."""

    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("kiosk_id", "seq"),
        # Only alert events are counted in time windows: index just those.
        Index(
            "ix_events_alerts",
            "kiosk_id",
            "subkind",
            "created_at",
            sqlite_where=text("kind = 'alert'"),
            postgresql_where=text("kind = 'alert'"),
        ),
        Index(
            "ix_events_unprojected",
            "id",
            sqlite_where=text("projected = 0"),
            postgresql_where=text("NOT projected"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    kiosk_id: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))
    subkind: Mapped[str | None] = mapped_column(String(40))  # the alert kind
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    body: Mapped[str] = mapped_column(Text)  # the message JSON exactly as received
    projected: Mapped[bool] = mapped_column(Boolean, default=False)  # sales, stock, alerts done


class SaleRow(Base):
    __tablename__ = "sales"
    __table_args__ = (Index("ix_sales_store_day", "store", "created_at"),)

    sale_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    kiosk_id: Mapped[str] = mapped_column(String(64), index=True)
    store: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    currency: Mapped[str] = mapped_column(String(3))
    exponent: Mapped[int] = mapped_column(Integer)
    items: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(BigInteger)
    tax_total: Mapped[int] = mapped_column(BigInteger)
    discount_total: Mapped[int] = mapped_column(BigInteger)
    amount_due: Mapped[int] = mapped_column(BigInteger)
    method: Mapped[str | None] = mapped_column(String(16))


class SaleLineRow(Base):
    __tablename__ = "sale_lines"

    sale_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    line_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    gtin: Mapped[str] = mapped_column(String(14), index=True)
    name: Mapped[str] = mapped_column(String(80))
    quantity: Mapped[int] = mapped_column(Integer)
    grams: Mapped[int | None] = mapped_column(Integer)
    net: Mapped[int] = mapped_column(BigInteger)


class StockRow(Base):
    """Latest known stock per kiosk and product: snapshots, stock events, then sales."""

    __tablename__ = "stock"

    kiosk_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    gtin: Mapped[str] = mapped_column(String(14), primary_key=True)
    name: Mapped[str] = mapped_column(String(80), default="")
    stock: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)  # outbox seq of the last change
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class HealthRow(Base):
    __tablename__ = "health"
    __table_args__ = (
        UniqueConstraint("kiosk_id", "boot_id", "beat"),
        Index("ix_health_kiosk_at", "kiosk_id", "at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kiosk_id: Mapped[str] = mapped_column(String(64))
    boot_id: Mapped[str] = mapped_column(String(64))
    beat: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    cpu_percent: Mapped[float | None] = mapped_column(Float)
    memory_percent: Mapped[float | None] = mapped_column(Float)
    disk_percent: Mapped[float | None] = mapped_column(Float)
    temperature_c: Mapped[float | None] = mapped_column(Float)
    devices: Mapped[dict[str, str]] = mapped_column(JSON)
    backlog: Mapped[int] = mapped_column(Integer)
    last_seq: Mapped[int] = mapped_column(BigInteger)


class AlertRow(Base):
    """An alert: open -> acknowledged -> resolved. One unresolved alert per rule and subject."""

    __tablename__ = "alerts"
    __table_args__ = (
        Index(
            "uq_alerts_unresolved",
            "rule",
            "kiosk_id",
            "subject",
            unique=True,
            sqlite_where=text("status != 'resolved'"),
            postgresql_where=text("status != 'resolved'"),
        ),
        Index("ix_alerts_status", "status", "opened_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    rule: Mapped[str] = mapped_column(String(32))
    kiosk_id: Mapped[str] = mapped_column(String(64))
    store: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(80), default="")  # device, gtin, ...
    severity: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(14), default=AlertStatus.OPEN.value)
    count: Mapped[int] = mapped_column(Integer, default=1)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_at: Mapped[datetime] = mapped_column(UtcDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    resolved_by: Mapped[str | None] = mapped_column(String(64))


class CommandRow(Base):
    __tablename__ = "commands"

    command_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(String(64), index=True)
    store: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(24))
    args: Mapped[dict[str, Any]] = mapped_column(JSON)
    issued_by: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(10), default=CommandStatus.SENT.value)
    result_detail: Mapped[str | None] = mapped_column(Text)
    result_data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    result_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class QuarantineRow(Base):
    """A message refused by the manager, kept with its reason (malformed, too big, conflict)."""

    __tablename__ = "quarantine"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    topic: Mapped[str] = mapped_column(String(300))
    kiosk_id: Mapped[str | None] = mapped_column(String(64))
    event_id: Mapped[str | None] = mapped_column(String(36))
    seq: Mapped[int | None] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(500))
    size: Mapped[int] = mapped_column(Integer)
    sample: Mapped[str] = mapped_column(Text)  # the start of the payload, for a person to read


class GapRow(Base):
    """A hole in a kiosk's sequence, and what was done about it."""

    __tablename__ = "gaps"

    kiosk_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    from_seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    to_seq: Mapped[int] = mapped_column(BigInteger)
    noticed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_request_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    requests: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(8), default=GapStatus.OPEN.value)


def _table(model: type[Base]) -> Table:
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


# Core tables, for the executemany statements of the ingest path.
KIOSKS = _table(KioskRow)
EVENTS = _table(EventRow)
SALES = _table(SaleRow)
SALE_LINES = _table(SaleLineRow)
STOCK = _table(StockRow)
HEALTH = _table(HealthRow)
