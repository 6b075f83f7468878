"""console accounts, sessions and audit log

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 07:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "console_users",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("store", sa.String(length=64), nullable=True),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.Column("password_changed_at", When, nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_console_users")),
    )
    op.create_table(
        "console_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user", sa.String(length=64), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.Column("expires_at", When, nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_console_sessions")),
    )
    op.create_index(op.f("ix_console_sessions_user"), "console_sessions", ["user"])
    op.create_table(
        "console_audit",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("at", When, nullable=False),
        sa.Column("user", sa.String(length=64), nullable=False),
        sa.Column("store", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("target", sa.String(length=120), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_audit")),
    )
    op.create_index(op.f("ix_console_audit_at"), "console_audit", ["at"])
    op.create_index("ix_console_audit_store_at", "console_audit", ["store", "at"])
    op.create_index("ix_console_sales_kiosk_at", "sales", ["kiosk_id", "created_at"])
    op.create_index("ix_console_sales_at", "sales", ["created_at", "store", "total", "sale_id"])


def downgrade() -> None:
    op.drop_index("ix_console_sales_at", table_name="sales")
    op.drop_index("ix_console_sales_kiosk_at", table_name="sales")
    op.drop_table("console_audit")
    op.drop_table("console_sessions")
    op.drop_table("console_users")
