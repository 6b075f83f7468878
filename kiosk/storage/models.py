"""SQLAlchemy models of the kiosk database (the schema itself lives in the migrations)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class ProductRow(Base):
    __tablename__ = "products"

    gtin: Mapped[str] = mapped_column(String(14), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(80))
    name_zh: Mapped[str] = mapped_column(String(80))
    price: Mapped[int] = mapped_column(BigInteger)
    sold_by: Mapped[str] = mapped_column(String(8))
    unit_weight_g: Mapped[int | None] = mapped_column(Integer)
    weight_tolerance_g: Mapped[int | None] = mapped_column(Integer)
    min_age: Mapped[int] = mapped_column(Integer, default=0)
    not_bagged: Mapped[bool] = mapped_column(Boolean, default=False)
    tax_category: Mapped[str] = mapped_column(String(32))
    stock: Mapped[int] = mapped_column(Integer, default=0)
    initial_stock: Mapped[int] = mapped_column(Integer, default=0)
    plu: Mapped[str | None] = mapped_column(String(5), unique=True)
    category: Mapped[str] = mapped_column(String(40), default="general")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class StockMovementRow(Base):
    __tablename__ = "stock_movements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    gtin: Mapped[str] = mapped_column(ForeignKey("products.gtin"), index=True)
    delta: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(16))  # sale | restock | adjust | refund
    sale_id: Mapped[str | None] = mapped_column(ForeignKey("sales.sale_id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SaleRow(Base):
    __tablename__ = "sales"

    sale_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    session_id: Mapped[str] = mapped_column(String(36))
    kiosk_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    tax_mode: Mapped[str] = mapped_column(String(10))
    subtotal: Mapped[int] = mapped_column(BigInteger)
    discount_total: Mapped[int] = mapped_column(BigInteger)
    tax_total: Mapped[int] = mapped_column(BigInteger)
    total: Mapped[int] = mapped_column(BigInteger)
    points_redeemed: Mapped[int] = mapped_column(Integer, default=0)
    points_value: Mapped[int] = mapped_column(BigInteger, default=0)
    points_earned: Mapped[int] = mapped_column(Integer, default=0)
    amount_due: Mapped[int] = mapped_column(BigInteger)
    member_id: Mapped[str | None] = mapped_column(ForeignKey("members.member_id"))
    status: Mapped[str] = mapped_column(String(20), default="paid")
    document: Mapped[str] = mapped_column(
        Text
    )  # the committed SaleDraft as JSON (receipts, reprints)
    outbox_event_id: Mapped[str] = mapped_column(String(36), unique=True)
    synced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    lines: Mapped[list[SaleLineRow]] = relationship(
        back_populates="sale", order_by="SaleLineRow.line_no"
    )


class SaleLineRow(Base):
    __tablename__ = "sale_lines"

    sale_id: Mapped[str] = mapped_column(ForeignKey("sales.sale_id"), primary_key=True)
    line_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    gtin: Mapped[str] = mapped_column(String(14))
    name_en: Mapped[str] = mapped_column(String(80))
    name_zh: Mapped[str] = mapped_column(String(80))
    quantity: Mapped[int] = mapped_column(Integer)
    grams: Mapped[int | None] = mapped_column(Integer)
    unit_price: Mapped[int] = mapped_column(BigInteger)
    gross: Mapped[int] = mapped_column(BigInteger)
    net: Mapped[int] = mapped_column(BigInteger)
    tax_category: Mapped[str] = mapped_column(String(32))
    tax_rate: Mapped[str] = mapped_column(String(12))
    tax: Mapped[int] = mapped_column(BigInteger)
    discounts: Mapped[list[list[object]]] = mapped_column(JSON)

    sale: Mapped[SaleRow] = relationship(back_populates="lines")


class PaymentRow(Base):
    """A payment intent: saved with its idempotency key before the provider is first asked."""

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("card_last4 IS NULL OR length(card_last4) <= 4", name="ck_last4_only"),
        Index("ix_payments_status", "status"),
    )

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    sale_id: Mapped[str] = mapped_column(String(36), index=True)
    method: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16))  # see kiosk.storage.payments.Status
    provider_ref: Mapped[str | None] = mapped_column(String(64))
    card_last4: Mapped[str | None] = mapped_column(String(4))
    message: Mapped[str | None] = mapped_column(String(200))
    snapshot: Mapped[str] = mapped_column(
        Text
    )  # the SaleDraft JSON, to finish the sale after a crash
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RefundRow(Base):
    __tablename__ = "refunds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    payment_key: Mapped[str] = mapped_column(ForeignKey("payments.key"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(200))
    staff_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OutboxRow(Base):
    """An event waiting for the fleet's acknowledgement; deleted only when it arrives."""

    __tablename__ = "outbox"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(24))
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class CounterRow(Base):
    """Monotonic counters that must survive restarts (the outbox sequence number)."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


class AuditRow(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    action: Mapped[str] = mapped_column(String(48))
    staff_id: Mapped[str | None] = mapped_column(String(64))
    session_id: Mapped[str | None] = mapped_column(String(36))
    detail: Mapped[dict[str, str]] = mapped_column(JSON)


class StaffRow(Base):
    __tablename__ = "staff"

    staff_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    pin_hash: Mapped[str] = mapped_column(String(200))  # argon2id; the PIN itself is never stored
    role: Mapped[str] = mapped_column(String(16), default="attendant")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MemberRow(Base):
    __tablename__ = "members"

    member_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(80))
    phone_last4_hash: Mapped[str | None] = mapped_column(String(200))
    points_balance: Mapped[int] = mapped_column(Integer, default=0)
    wallet_balance: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | erased
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_active_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    face_failed_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    face_locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    __table_args__ = (
        CheckConstraint("points_balance >= 0", name="ck_points_not_negative"),
        CheckConstraint("wallet_balance >= 0", name="ck_wallet_not_negative"),
    )


class WalletEntryRow(Base):
    """Member wallet ledger: one row per idempotency key (a charge or a top-up or a refund)."""

    __tablename__ = "wallet_ledger"
    __table_args__ = (UniqueConstraint("key", "kind", name="uq_wallet_key_kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(12))  # charge | topup | refund
    member_id: Mapped[str] = mapped_column(ForeignKey("members.member_id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)  # negative for charges
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ConsentRow(Base):
    """Explicit consent to face identification, recorded before anything is encoded."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.member_id"), index=True)
    text_version: Mapped[str] = mapped_column(String(16))
    purpose: Mapped[str] = mapped_column(String(80))
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    retention_days: Mapped[int] = mapped_column(Integer)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class FaceTemplateRow(Base):
    """A face encoding, AES-GCM encrypted; the key is never in the database."""

    __tablename__ = "face_templates"

    template_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.member_id"), index=True)
    key_id: Mapped[str] = mapped_column(String(16))
    nonce: Mapped[bytes] = mapped_column(LargeBinary(12))
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ErasureRow(Base):
    """That an erasure happened, and when; nothing that identifies the person."""

    __tablename__ = "erasures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    member_id: Mapped[str] = mapped_column(String(36))
    what: Mapped[str] = mapped_column(String(16))  # member | templates
    reason: Mapped[str] = mapped_column(String(40))  # request | retention
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
