"""Console tables in the fleet store: accounts, sessions and the audit log (migration 0002)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fleet.store.models import Base, BigId, SaleRow, UtcDateTime


class Role(StrEnum):
    OPERATOR = "operator"  # every store
    STAFF = "staff"  # one store


class UserRow(Base):
    __tablename__ = "console_users"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    store: Mapped[str | None] = mapped_column(String(64))  # staff only
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    password_changed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SessionRow(Base):
    """A login: only the SHA-256 of the cookie's token is kept, so a stolen database
    does not hand out live sessions."""

    __tablename__ = "console_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user: Mapped[str] = mapped_column(String(64), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AuditRow(Base):
    __tablename__ = "console_audit"
    __table_args__ = (Index("ix_console_audit_store_at", "store", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    user: Mapped[str] = mapped_column(String(64))
    store: Mapped[str | None] = mapped_column(String(64))  # None: not tied to one store
    action: Mapped[str] = mapped_column(String(32))  # login, login_failed, command, alert_ack...
    target: Mapped[str] = mapped_column(String(120), default="")
    ok: Mapped[bool] = mapped_column(Boolean, default=True)
    detail: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(64), default="")


# The console reads sales by kiosk (last sale, recent sales) and by time across stores (charts):
# covering indexes keep those under the page-time target at 100,000+ sales.
Index("ix_console_sales_kiosk_at", SaleRow.kiosk_id, SaleRow.created_at)
Index("ix_console_sales_at", SaleRow.created_at, SaleRow.store, SaleRow.total, SaleRow.sale_id)
